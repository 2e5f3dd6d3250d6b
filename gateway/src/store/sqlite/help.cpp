// The help store on SQLite: citizens' calls for an officer and the officers
// who may assist at a kiosk, in fleet.db.

#include "../records.h"
#include "connection.h"

namespace kiosk::gateway::sqlite {

using core::Expected;
using core::Status;

namespace {

constexpr const char* kCallColumns =
    "SELECT id, kiosk_id, commune, screen, language, state, opened_at, answered_at, answered_by, "
    "officer_id, closed_at FROM help_calls ";

HelpCallRecord ReadCall(const Stmt& st) {
  HelpCallRecord r;
  r.id = st.Text(0);
  r.kiosk_id = st.Text(1);
  r.commune = st.Text(2);
  r.screen = st.Text(3);
  r.language = st.Text(4);
  r.state = st.Text(5);
  r.opened_at = st.Int(6);
  r.answered_at = st.Int(7);
  r.answered_by = st.Text(8);
  r.officer_id = st.Text(9);
  r.closed_at = st.Int(10);
  return r;
}

class SqliteHelpStore final : public HelpStore {
 public:
  explicit SqliteHelpStore(std::shared_ptr<Connection> connection)
      : connection_(std::move(connection)) {}

  Expected<HelpCallRecord> OpenCall(const HelpCallRecord& c) override {
    std::lock_guard lock(connection_->mutex);
    Stmt st(Sql(),
            "INSERT INTO help_calls (id, kiosk_id, commune, screen, language, state, opened_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, 'open', ?6) ON CONFLICT(id) DO UPDATE SET screen = ?4 "
            "WHERE kiosk_id = ?2 AND state != 'closed'");
    st.Bind(1, c.id).Bind(2, c.kiosk_id).Bind(3, c.commune).Bind(4, c.screen);
    st.Bind(5, c.language).Bind(6, c.opened_at);
    KIOSK_TRY(Done(st));
    KIOSK_ASSIGN_OR_RETURN(auto stored, FindLocked(c.id));
    if (!stored) return core::Error::Retryable("help.store", "the call was not recorded");
    return std::move(*stored);
  }

  Expected<std::optional<HelpCallRecord>> FindCall(const std::string& id) override {
    std::lock_guard lock(connection_->mutex);
    return FindLocked(id);
  }

  Expected<bool> AnswerCall(const std::string& id, const std::string& by,
                            const std::string& officer_id, std::int64_t at) override {
    std::lock_guard lock(connection_->mutex);
    Stmt st(Sql(),
            "UPDATE help_calls SET state = 'answered', answered_at = ?2, answered_by = ?3, "
            "officer_id = ?4 WHERE id = ?1 AND state != 'closed'");
    st.Bind(1, id).Bind(2, at).Bind(3, by).Bind(4, officer_id);
    KIOSK_TRY(Done(st));
    return connection_->db.Changes() > 0;
  }

  Status CloseCall(const std::string& id, std::int64_t at) override {
    std::lock_guard lock(connection_->mutex);
    Stmt st(Sql(),
            "UPDATE help_calls SET state = 'closed', closed_at = ?2 WHERE id = ?1 AND "
            "state != 'closed'");
    st.Bind(1, id).Bind(2, at);
    return Done(st);
  }

  Expected<std::vector<HelpCallRecord>> Waiting(std::int64_t since) override {
    std::lock_guard lock(connection_->mutex);
    Stmt st(Sql(), (std::string(kCallColumns) +
                    "WHERE state != 'closed' AND opened_at >= ?1 ORDER BY opened_at, id")
                       .c_str());
    st.Bind(1, since);
    return Rows<HelpCallRecord>(st, ReadCall);
  }

  Expected<std::string> AddStaff(const StaffRecord& s) override {
    std::lock_guard lock(connection_->mutex);
    Stmt st(Sql(),
            "INSERT INTO staff (commune, name, pin_hash, issued_by, issued_at, expires_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    st.Bind(1, s.commune).Bind(2, s.name).Bind(3, s.pin_hash).Bind(4, s.issued_by);
    st.Bind(5, s.issued_at).Bind(6, s.expires_at);
    KIOSK_TRY(Done(st));
    return store::StaffId(sqlite3_last_insert_rowid(Db()));
  }

  Expected<std::vector<StaffRecord>> Staff(const std::string& commune, std::int64_t now) override {
    std::lock_guard lock(connection_->mutex);
    Stmt st(Sql(),
            "SELECT number, commune, name, pin_hash, issued_by, issued_at, expires_at, revoked_at "
            "FROM staff WHERE (?1 = '' OR commune = ?1) AND revoked_at = 0 AND expires_at > ?2 "
            "ORDER BY number");
    st.Bind(1, commune).Bind(2, now);
    return Rows<StaffRecord>(st, [](const Stmt& row) {
      return StaffRecord{store::StaffId(row.Int(0)),
                         row.Text(1),
                         row.Text(2),
                         row.Text(3),
                         row.Text(4),
                         row.Int(5),
                         row.Int(6),
                         row.Int(7)};
    });
  }

  Expected<bool> RevokeStaff(const std::string& id, std::int64_t at) override {
    const auto number = store::StaffNumber(id);
    if (!number) return false;
    std::lock_guard lock(connection_->mutex);
    Stmt st(Sql(), "UPDATE staff SET revoked_at = ?2 WHERE number = ?1 AND revoked_at = 0");
    st.Bind(1, *number).Bind(2, at);
    KIOSK_TRY(Done(st));
    return connection_->db.Changes() > 0;
  }

 private:
  sqlite3* Db() const { return connection_->Handle(); }
  // Statements come from the connection's cache.
  const storage::Database& Sql() const { return connection_->db; }

  Expected<std::optional<HelpCallRecord>> FindLocked(const std::string& id) {
    Stmt st(Sql(), (std::string(kCallColumns) + "WHERE id = ?1").c_str());
    st.Bind(1, id);
    return FirstRow<HelpCallRecord>(st, ReadCall);
  }

  std::shared_ptr<Connection> connection_;
};

}  // namespace

std::unique_ptr<gateway::HelpStore> NewHelpStore(std::shared_ptr<Connection> connection) {
  return std::make_unique<SqliteHelpStore>(std::move(connection));
}

}  // namespace kiosk::gateway::sqlite
