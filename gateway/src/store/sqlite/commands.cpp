// The command store on SQLite: commands and uploaded logs in fleet.db.

#include "connection.h"

namespace kiosk::gateway::sqlite {

using core::Expected;
using core::Status;

namespace {

constexpr const char* kCommandColumns =
    "SELECT id, kiosk_id, kind, args, state, issued_by, created_at, IFNULL(finished_at, 0), "
    "result FROM commands ";

CommandRecord ReadCommand(const Stmt& st) {
  return {st.Int(0),  st.Text(1), st.Text(2), st.Text(3), st.Text(4),
          st.Text(5), st.Int(6),  st.Int(7),  st.Text(8)};
}

class SqliteCommandStore final : public CommandStore {
 public:
  explicit SqliteCommandStore(std::shared_ptr<Connection> connection)
      : connection_(std::move(connection)) {}

  Expected<std::int64_t> AddCommand(const CommandRecord& c) override {
    std::lock_guard lock(connection_->mutex);
    Stmt st(Sql(),
            "INSERT INTO commands (kiosk_id, kind, args, state, issued_by, created_at) "
            "VALUES (?1, ?2, ?3, 'pending', ?4, ?5)");
    st.Bind(1, c.kiosk_id).Bind(2, c.kind).Bind(3, c.args).Bind(4, c.issued_by);
    st.Bind(5, c.created_at);
    KIOSK_TRY(Done(st));
    return connection_->db.LastInsertId();
  }

  Expected<std::vector<CommandRecord>> TakeCommands(const std::string& kiosk_id) override {
    // Most heartbeats find nothing waiting: a look on the reading
    // connection, no write transaction.
    {
      std::lock_guard lock(connection_->reader_mutex);
      Stmt any(connection_->reader,
               "SELECT 1 FROM commands WHERE kiosk_id = ?1 AND state = 'pending' LIMIT 1");
      any.Bind(1, kiosk_id);
      KIOSK_ASSIGN_OR_RETURN(const auto waiting,
                             FirstRow<bool>(any, [](const Stmt&) { return true; }));
      if (!waiting) return std::vector<CommandRecord>();
    }
    std::lock_guard lock(connection_->mutex);
    return connection_->db.InTransaction([&]() -> Expected<std::vector<CommandRecord>> {
      Stmt pending(Sql(), (std::string(kCommandColumns) +
                           "WHERE kiosk_id = ?1 AND state = 'pending' ORDER BY id")
                              .c_str());
      pending.Bind(1, kiosk_id);
      KIOSK_ASSIGN_OR_RETURN(auto commands, Rows<CommandRecord>(pending, ReadCommand));
      Stmt sent(Sql(),
                "UPDATE commands SET state = 'sent' WHERE kiosk_id = ?1 AND state = 'pending'");
      sent.Bind(1, kiosk_id);
      KIOSK_TRY(Done(sent));
      return commands;
    });
  }

  Expected<bool> FinishCommand(const std::string& kiosk_id, std::int64_t id, bool ok,
                               const std::string& result, std::int64_t at) override {
    std::lock_guard lock(connection_->mutex);
    Stmt st(Sql(),
            "UPDATE commands SET state = ?3, result = ?4, finished_at = ?5 "
            "WHERE id = ?1 AND kiosk_id = ?2 AND state IN ('sent', 'pending')");
    st.Bind(1, id).Bind(2, kiosk_id).Bind(3, std::string(ok ? "done" : "failed"));
    st.Bind(4, result).Bind(5, at);
    KIOSK_TRY(Done(st));
    return connection_->db.Changes() > 0;
  }

  Expected<std::vector<CommandRecord>> Commands(const std::string& kiosk_id, int limit) override {
    std::lock_guard lock(connection_->mutex);
    Stmt st(
        Sql(),
        (std::string(kCommandColumns) + "WHERE kiosk_id = ?1 ORDER BY id DESC LIMIT ?2").c_str());
    st.Bind(1, kiosk_id).Bind(2, std::int64_t{limit});
    return Rows<CommandRecord>(st, ReadCommand);
  }

  Expected<std::optional<CommandRecord>> FindCommand(std::int64_t id) override {
    std::lock_guard lock(connection_->mutex);
    Stmt st(Sql(), (std::string(kCommandColumns) + "WHERE id = ?1").c_str());
    st.Bind(1, id);
    return FirstRow<CommandRecord>(st, ReadCommand);
  }

  Status StoreLog(std::int64_t command_id, const std::string& text) override {
    std::lock_guard lock(connection_->mutex);
    Stmt st(Sql(), "INSERT OR REPLACE INTO logs (command_id, text) VALUES (?1, ?2)");
    st.Bind(1, command_id).Bind(2, text);
    return Done(st);
  }

  Expected<std::optional<std::string>> FindLog(std::int64_t command_id) override {
    std::lock_guard lock(connection_->mutex);
    Stmt st(Sql(), "SELECT text FROM logs WHERE command_id = ?1");
    st.Bind(1, command_id);
    return FirstRow<std::string>(st, [](const Stmt& row) { return row.Text(0); });
  }

 private:
  sqlite3* Db() const { return connection_->Handle(); }
  // Statements come from the connection's cache.
  const storage::Database& Sql() const { return connection_->db; }

  std::shared_ptr<Connection> connection_;
};

}  // namespace

std::unique_ptr<CommandStore> NewCommandStore(std::shared_ptr<Connection> connection) {
  return std::make_unique<SqliteCommandStore>(std::move(connection));
}

}  // namespace kiosk::gateway::sqlite
