// The operator and event stores on SQLite: operators, sessions and
// security events in fleet.db.

#include "connection.h"

namespace kiosk::gateway::sqlite {

using core::Expected;
using core::Status;

namespace {

class SqliteOperatorStore final : public OperatorStore {
 public:
  explicit SqliteOperatorStore(std::shared_ptr<Connection> connection)
      : connection_(std::move(connection)) {}

  Status SetOperator(const std::string& name, const std::string& password_hash) override {
    std::lock_guard lock(connection_->mutex);
    Stmt st(Sql(), "INSERT OR REPLACE INTO operators (name, password_hash) VALUES (?1, ?2)");
    st.Bind(1, name).Bind(2, password_hash);
    return Done(st);
  }

  Expected<std::optional<std::string>> OperatorHash(const std::string& name) override {
    std::lock_guard lock(connection_->mutex);
    Stmt st(Sql(), "SELECT password_hash FROM operators WHERE name = ?1");
    st.Bind(1, name);
    return FirstRow<std::string>(st, [](const Stmt& row) { return row.Text(0); });
  }

  Status AddSession(const std::string& id_hash, const SessionRecord& s) override {
    std::lock_guard lock(connection_->mutex);
    Stmt st(Sql(),
            "INSERT INTO sessions (id_hash, operator, csrf, expires_at) VALUES (?1, ?2, ?3, ?4)");
    st.Bind(1, id_hash).Bind(2, s.operator_name).Bind(3, s.csrf_token).Bind(4, s.expires_at);
    return Done(st);
  }

  Expected<std::optional<SessionRecord>> FindSession(const std::string& id_hash,
                                                     std::int64_t now) override {
    std::lock_guard lock(connection_->mutex);
    Stmt st(Sql(),
            "SELECT operator, csrf, expires_at FROM sessions WHERE id_hash = ?1 AND "
            "expires_at > ?2");
    st.Bind(1, id_hash).Bind(2, now);
    return FirstRow<SessionRecord>(st, [](const Stmt& row) {
      return SessionRecord{row.Text(0), row.Text(1), row.Int(2)};
    });
  }

  Status DeleteSession(const std::string& id_hash) override {
    std::lock_guard lock(connection_->mutex);
    Stmt st(Sql(), "DELETE FROM sessions WHERE id_hash = ?1");
    st.Bind(1, id_hash);
    return Done(st);
  }

  Status DeleteExpiredSessions(std::int64_t now) override {
    std::lock_guard lock(connection_->mutex);
    Stmt st(Sql(), "DELETE FROM sessions WHERE expires_at <= ?1");
    st.Bind(1, now);
    return Done(st);
  }

 private:
  sqlite3* Db() const { return connection_->Handle(); }
  // Statements come from the connection's cache.
  const storage::Database& Sql() const { return connection_->db; }

  std::shared_ptr<Connection> connection_;
};

class SqliteEventStore final : public EventStore {
 public:
  explicit SqliteEventStore(std::shared_ptr<Connection> connection)
      : connection_(std::move(connection)) {}

  Status AddEvent(const FleetEvent& e) override {
    std::lock_guard lock(connection_->mutex);
    Stmt st(connection_->db,
            "INSERT INTO events (at, kind, subject, detail) VALUES (?1, ?2, ?3, ?4)");
    st.Bind(1, e.at).Bind(2, e.kind).Bind(3, e.subject).Bind(4, e.detail);
    return Done(st);
  }

  Expected<std::vector<FleetEvent>> Events(std::int64_t since, int limit) override {
    std::lock_guard lock(connection_->mutex);
    Stmt st(connection_->db,
            "SELECT at, kind, subject, detail FROM events WHERE at >= ?1 "
            "ORDER BY at DESC, id DESC LIMIT ?2");
    st.Bind(1, since).Bind(2, std::int64_t{limit});
    return Rows<FleetEvent>(st, [](const Stmt& row) {
      return FleetEvent{row.Int(0), row.Text(1), row.Text(2), row.Text(3)};
    });
  }

 private:
  std::shared_ptr<Connection> connection_;
};

}  // namespace

std::unique_ptr<OperatorStore> NewOperatorStore(std::shared_ptr<Connection> connection) {
  return std::make_unique<SqliteOperatorStore>(std::move(connection));
}

std::unique_ptr<EventStore> NewEventStore(std::shared_ptr<Connection> connection) {
  return std::make_unique<SqliteEventStore>(std::move(connection));
}

}  // namespace kiosk::gateway::sqlite
