#include "kiosk/gateway/fleet_store.h"

#include <mutex>

#include "kiosk/storage/sqlite.h"

namespace kiosk::gateway {

using core::Error;
using core::Expected;
using core::Status;
using Stmt = storage::Statement;

namespace {

constexpr const char* kMigrations[] = {
    R"sql(
CREATE TABLE tokens (
  hash TEXT PRIMARY KEY, commune TEXT NOT NULL, agency TEXT NOT NULL, issued_by TEXT NOT NULL,
  expires_at INTEGER NOT NULL, used_at INTEGER);
CREATE TABLE certificates (
  serial TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, issued_at INTEGER NOT NULL,
  revoked_at INTEGER);
CREATE INDEX certificates_kiosk ON certificates (kiosk_id);
CREATE TABLE devices (
  kiosk_id TEXT PRIMARY KEY, commune TEXT NOT NULL, agency TEXT NOT NULL, serial TEXT NOT NULL,
  state TEXT NOT NULL, enrolled_at INTEGER NOT NULL, last_seen INTEGER, last_body TEXT);
CREATE TABLE heartbeats (
  kiosk_id TEXT NOT NULL, received_at INTEGER NOT NULL, body TEXT NOT NULL);
CREATE INDEX heartbeats_kiosk ON heartbeats (kiosk_id, received_at);
CREATE TABLE commands (
  id INTEGER PRIMARY KEY AUTOINCREMENT, kiosk_id TEXT NOT NULL, kind TEXT NOT NULL,
  args TEXT NOT NULL, state TEXT NOT NULL, issued_by TEXT NOT NULL, created_at INTEGER NOT NULL,
  finished_at INTEGER, result TEXT NOT NULL DEFAULT '');
CREATE INDEX commands_kiosk ON commands (kiosk_id, state);
CREATE TABLE logs (command_id INTEGER PRIMARY KEY, text TEXT NOT NULL);
CREATE TABLE operators (name TEXT PRIMARY KEY, password_hash TEXT NOT NULL);
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY, operator TEXT NOT NULL, csrf TEXT NOT NULL,
  expires_at INTEGER NOT NULL);
)sql",
    // A token names the kiosk id it may enroll ('' for any new id); a
    // re-enroll token replaces an enrolled kiosk's certificate. Events are
    // what the dashboard raises as security alerts.
    R"sql(
ALTER TABLE tokens ADD COLUMN kiosk_id TEXT NOT NULL DEFAULT '';
ALTER TABLE tokens ADD COLUMN reenroll INTEGER NOT NULL DEFAULT 0;
CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, kind TEXT NOT NULL,
  subject TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '');
CREATE INDEX events_at ON events (at);
)sql",
};

// Runs a statement that returns no rows.
Status Done(Stmt& st) {
  KIOSK_TRY(st.Step());
  return core::Ok();
}

CommandRecord ReadCommand(const Stmt& st) {
  CommandRecord c;
  c.id = st.Int(0);
  c.kiosk_id = st.Text(1);
  c.kind = st.Text(2);
  c.args = st.Text(3);
  c.state = st.Text(4);
  c.issued_by = st.Text(5);
  c.created_at = st.Int(6);
  c.finished_at = st.Int(7);
  c.result = st.Text(8);
  return c;
}

constexpr const char* kCommandColumns =
    "SELECT id, kiosk_id, kind, args, state, issued_by, created_at, IFNULL(finished_at, 0), "
    "result FROM commands ";

class SqliteFleetStore final : public FleetStore {
 public:
  explicit SqliteFleetStore(storage::Database db) : db_(std::move(db)) {}

  Status AddToken(const std::string& token_hash, const TokenGrant& grant,
                  std::int64_t expires_at) override {
    std::lock_guard lock(mutex_);
    Stmt st(Db(),
            "INSERT INTO tokens (hash, commune, agency, issued_by, expires_at, kiosk_id, reenroll) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    KIOSK_TRY(st.Ready());
    st.Bind(1, token_hash).Bind(2, grant.commune).Bind(3, grant.agency).Bind(4, grant.issued_by);
    st.Bind(5, expires_at).Bind(6, grant.kiosk_id).Bind(7, std::int64_t{grant.reenroll ? 1 : 0});
    return Done(st);
  }

  Expected<TokenGrant> ConsumeToken(const std::string& token_hash, const std::string& kiosk_id,
                                    std::int64_t now) override {
    std::lock_guard lock(mutex_);
    return InTransaction([&]() -> Expected<TokenGrant> {
      Stmt find(Db(),
                "SELECT commune, agency, issued_by, expires_at, used_at IS NOT NULL, kiosk_id, "
                "reenroll, (SELECT COUNT(*) FROM devices WHERE devices.kiosk_id = ?2) "
                "FROM tokens WHERE hash = ?1");
      KIOSK_TRY(find.Ready());
      find.Bind(1, token_hash).Bind(2, kiosk_id);
      KIOSK_ASSIGN_OR_RETURN(const bool found, find.Step());
      if (!found) return Error::NeedsPerson("enroll.token_unknown", "no such enrollment token");
      if (find.Int(4) != 0) {
        return Error::NeedsPerson("enroll.token_used", "the enrollment token was already used");
      }
      if (find.Int(3) <= now) {
        return Error::NeedsPerson("enroll.token_expired", "the enrollment token has expired");
      }
      TokenGrant grant{find.Text(0), find.Text(1), find.Text(2), find.Text(5), find.Int(6) != 0};
      // Mistakes of binding do not spend the token: the technician retypes.
      if (!grant.kiosk_id.empty() && grant.kiosk_id != kiosk_id) {
        return Error::NeedsPerson("enroll.wrong_kiosk",
                                  "this token was issued for kiosk " + grant.kiosk_id);
      }
      const bool exists = find.Int(7) != 0;
      if (exists && !grant.reenroll) {
        return Error::NeedsPerson("enroll.kiosk_exists",
                                  "kiosk " + kiosk_id +
                                      " is already enrolled; re-provisioning it needs a "
                                      "re-enroll token for it from an operator");
      }
      if (!exists && grant.reenroll) {
        return Error::NeedsPerson("enroll.not_enrolled",
                                  "a re-enroll token is for a kiosk already enrolled");
      }
      Stmt use(Db(), "UPDATE tokens SET used_at = ?2 WHERE hash = ?1");
      KIOSK_TRY(use.Ready());
      use.Bind(1, token_hash).Bind(2, now);
      KIOSK_TRY(use.Step());
      return grant;
    });
  }

  Status RegisterDevice(const DeviceRecord& d) override {
    std::lock_guard lock(mutex_);
    return InTransaction([&]() -> Status {
      KIOSK_TRY(RevokeLocked(d.kiosk_id, d.enrolled_at));
      Stmt cert(Db(), "INSERT INTO certificates (serial, kiosk_id, issued_at) VALUES (?1, ?2, ?3)");
      KIOSK_TRY(cert.Ready());
      cert.Bind(1, d.serial).Bind(2, d.kiosk_id).Bind(3, d.enrolled_at);
      KIOSK_TRY(cert.Step());
      Stmt dev(Db(),
               "INSERT INTO devices (kiosk_id, commune, agency, serial, state, enrolled_at) "
               "VALUES (?1, ?2, ?3, ?4, 'active', ?5) ON CONFLICT (kiosk_id) DO UPDATE SET "
               "commune = ?2, agency = ?3, serial = ?4, state = 'active', enrolled_at = ?5");
      KIOSK_TRY(dev.Ready());
      dev.Bind(1, d.kiosk_id).Bind(2, d.commune).Bind(3, d.agency).Bind(4, d.serial);
      dev.Bind(5, d.enrolled_at);
      KIOSK_TRY(dev.Step());
      return core::Ok();
    });
  }

  Expected<bool> RevokeDevice(const std::string& kiosk_id, std::int64_t now) override {
    std::lock_guard lock(mutex_);
    return InTransaction([&]() -> Expected<bool> {
      KIOSK_TRY(RevokeLocked(kiosk_id, now));
      Stmt dev(Db(), "UPDATE devices SET state = 'revoked' WHERE kiosk_id = ?1");
      KIOSK_TRY(dev.Ready());
      dev.Bind(1, kiosk_id);
      KIOSK_TRY(dev.Step());
      return sqlite3_changes(Db()) > 0;
    });
  }

  Expected<std::optional<DeviceRecord>> FindDevice(const std::string& kiosk_id) override {
    std::lock_guard lock(mutex_);
    Stmt st(Db(),
            "SELECT kiosk_id, commune, agency, serial, state, enrolled_at FROM devices "
            "WHERE kiosk_id = ?1");
    KIOSK_TRY(st.Ready());
    st.Bind(1, kiosk_id);
    KIOSK_ASSIGN_OR_RETURN(const bool found, st.Step());
    if (!found) return std::optional<DeviceRecord>();
    return std::optional<DeviceRecord>(ReadDevice(st));
  }

  Expected<std::vector<KioskView>> Fleet() override {
    std::lock_guard lock(mutex_);
    Stmt st(Db(),
            "SELECT kiosk_id, commune, agency, serial, state, enrolled_at, last_seen, "
            "last_body FROM devices ORDER BY commune, kiosk_id");
    KIOSK_TRY(st.Ready());
    std::vector<KioskView> out;
    while (true) {
      KIOSK_ASSIGN_OR_RETURN(const bool row, st.Step());
      if (!row) break;
      KioskView view{ReadDevice(st), std::nullopt};
      if (st.Int(6) != 0) view.last = HeartbeatRecord{st.Int(6), st.Text(7)};
      out.push_back(std::move(view));
    }
    return out;
  }

  Status RecordHeartbeat(const std::string& kiosk_id, std::int64_t at,
                         const std::string& body) override {
    std::lock_guard lock(mutex_);
    return InTransaction([&]() -> Status {
      Stmt add(Db(), "INSERT INTO heartbeats (kiosk_id, received_at, body) VALUES (?1, ?2, ?3)");
      KIOSK_TRY(add.Ready());
      add.Bind(1, kiosk_id).Bind(2, at).Bind(3, body);
      KIOSK_TRY(add.Step());
      Stmt last(Db(), "UPDATE devices SET last_seen = ?2, last_body = ?3 WHERE kiosk_id = ?1");
      KIOSK_TRY(last.Ready());
      last.Bind(1, kiosk_id).Bind(2, at).Bind(3, body);
      KIOSK_TRY(last.Step());
      return core::Ok();
    });
  }

  Expected<std::vector<HeartbeatRecord>> History(const std::string& kiosk_id, int limit) override {
    std::lock_guard lock(mutex_);
    Stmt st(Db(),
            "SELECT received_at, body FROM heartbeats WHERE kiosk_id = ?1 "
            "ORDER BY received_at DESC LIMIT ?2");
    KIOSK_TRY(st.Ready());
    st.Bind(1, kiosk_id).Bind(2, std::int64_t{limit});
    std::vector<HeartbeatRecord> out;
    while (true) {
      KIOSK_ASSIGN_OR_RETURN(const bool row, st.Step());
      if (!row) break;
      out.push_back({st.Int(0), st.Text(1)});
    }
    return out;
  }

  Status PruneHistory(std::int64_t before) override {
    std::lock_guard lock(mutex_);
    Stmt st(Db(), "DELETE FROM heartbeats WHERE received_at < ?1");
    KIOSK_TRY(st.Ready());
    st.Bind(1, before);
    return Done(st);
  }

  Expected<std::int64_t> AddCommand(const CommandRecord& c) override {
    std::lock_guard lock(mutex_);
    Stmt st(Db(),
            "INSERT INTO commands (kiosk_id, kind, args, state, issued_by, created_at) "
            "VALUES (?1, ?2, ?3, 'pending', ?4, ?5)");
    KIOSK_TRY(st.Ready());
    st.Bind(1, c.kiosk_id).Bind(2, c.kind).Bind(3, c.args).Bind(4, c.issued_by);
    st.Bind(5, c.created_at);
    KIOSK_TRY(st.Step());
    return static_cast<std::int64_t>(sqlite3_last_insert_rowid(Db()));
  }

  Expected<std::vector<CommandRecord>> TakeCommands(const std::string& kiosk_id) override {
    std::lock_guard lock(mutex_);
    return InTransaction([&]() -> Expected<std::vector<CommandRecord>> {
      const std::string sql =
          std::string(kCommandColumns) + "WHERE kiosk_id = ?1 AND state = 'pending' ORDER BY id";
      KIOSK_ASSIGN_OR_RETURN(auto commands, Query(sql, kiosk_id, -1));
      Stmt sent(Db(),
                "UPDATE commands SET state = 'sent' WHERE kiosk_id = ?1 AND "
                "state = 'pending'");
      KIOSK_TRY(sent.Ready());
      sent.Bind(1, kiosk_id);
      KIOSK_TRY(sent.Step());
      return commands;
    });
  }

  Expected<bool> FinishCommand(const std::string& kiosk_id, std::int64_t id, bool ok,
                               const std::string& result, std::int64_t at) override {
    std::lock_guard lock(mutex_);
    Stmt st(Db(),
            "UPDATE commands SET state = ?3, result = ?4, finished_at = ?5 "
            "WHERE id = ?1 AND kiosk_id = ?2 AND state IN ('sent', 'pending')");
    KIOSK_TRY(st.Ready());
    st.Bind(1, id).Bind(2, kiosk_id).Bind(3, std::string(ok ? "done" : "failed"));
    st.Bind(4, result).Bind(5, at);
    KIOSK_TRY(st.Step());
    return sqlite3_changes(Db()) > 0;
  }

  Expected<std::vector<CommandRecord>> Commands(const std::string& kiosk_id, int limit) override {
    std::lock_guard lock(mutex_);
    return Query(std::string(kCommandColumns) + "WHERE kiosk_id = ?1 ORDER BY id DESC LIMIT ?2",
                 kiosk_id, limit);
  }

  Expected<std::optional<CommandRecord>> FindCommand(std::int64_t id) override {
    std::lock_guard lock(mutex_);
    Stmt st(Db(), (std::string(kCommandColumns) + "WHERE id = ?1").c_str());
    KIOSK_TRY(st.Ready());
    st.Bind(1, id);
    KIOSK_ASSIGN_OR_RETURN(const bool found, st.Step());
    if (!found) return std::optional<CommandRecord>();
    return std::optional<CommandRecord>(ReadCommand(st));
  }

  Status StoreLog(std::int64_t command_id, const std::string& text) override {
    std::lock_guard lock(mutex_);
    Stmt st(Db(), "INSERT OR REPLACE INTO logs (command_id, text) VALUES (?1, ?2)");
    KIOSK_TRY(st.Ready());
    st.Bind(1, command_id).Bind(2, text);
    return Done(st);
  }

  Expected<std::optional<std::string>> FindLog(std::int64_t command_id) override {
    std::lock_guard lock(mutex_);
    return OneText("SELECT text FROM logs WHERE command_id = ?1", command_id);
  }

  Status SetOperator(const std::string& name, const std::string& password_hash) override {
    std::lock_guard lock(mutex_);
    Stmt st(Db(), "INSERT OR REPLACE INTO operators (name, password_hash) VALUES (?1, ?2)");
    KIOSK_TRY(st.Ready());
    st.Bind(1, name).Bind(2, password_hash);
    return Done(st);
  }

  Expected<std::optional<std::string>> OperatorHash(const std::string& name) override {
    std::lock_guard lock(mutex_);
    return OneText("SELECT password_hash FROM operators WHERE name = ?1", name);
  }

  Status AddSession(const std::string& id_hash, const SessionRecord& s) override {
    std::lock_guard lock(mutex_);
    Stmt st(Db(),
            "INSERT INTO sessions (id_hash, operator, csrf, expires_at) "
            "VALUES (?1, ?2, ?3, ?4)");
    KIOSK_TRY(st.Ready());
    st.Bind(1, id_hash).Bind(2, s.operator_name).Bind(3, s.csrf_token).Bind(4, s.expires_at);
    return Done(st);
  }

  Expected<std::optional<SessionRecord>> FindSession(const std::string& id_hash,
                                                     std::int64_t now) override {
    std::lock_guard lock(mutex_);
    Stmt st(Db(),
            "SELECT operator, csrf, expires_at FROM sessions WHERE id_hash = ?1 AND "
            "expires_at > ?2");
    KIOSK_TRY(st.Ready());
    st.Bind(1, id_hash).Bind(2, now);
    KIOSK_ASSIGN_OR_RETURN(const bool found, st.Step());
    if (!found) return std::optional<SessionRecord>();
    return std::optional<SessionRecord>(SessionRecord{st.Text(0), st.Text(1), st.Int(2)});
  }

  Status DeleteExpiredSessions(std::int64_t now) override {
    std::lock_guard lock(mutex_);
    Stmt st(Db(), "DELETE FROM sessions WHERE expires_at <= ?1");
    KIOSK_TRY(st.Ready());
    st.Bind(1, now);
    return Done(st);
  }

  Status AddEvent(const FleetEvent& e) override {
    std::lock_guard lock(mutex_);
    Stmt st(Db(), "INSERT INTO events (at, kind, subject, detail) VALUES (?1, ?2, ?3, ?4)");
    KIOSK_TRY(st.Ready());
    st.Bind(1, e.at).Bind(2, e.kind).Bind(3, e.subject).Bind(4, e.detail);
    return Done(st);
  }

  Expected<std::vector<FleetEvent>> Events(std::int64_t since, int limit) override {
    std::lock_guard lock(mutex_);
    Stmt st(Db(),
            "SELECT at, kind, subject, detail FROM events WHERE at >= ?1 "
            "ORDER BY at DESC, id DESC LIMIT ?2");
    KIOSK_TRY(st.Ready());
    st.Bind(1, since).Bind(2, std::int64_t{limit});
    std::vector<FleetEvent> out;
    while (true) {
      KIOSK_ASSIGN_OR_RETURN(const bool row, st.Step());
      if (!row) break;
      out.push_back({st.Int(0), st.Text(1), st.Text(2), st.Text(3)});
    }
    return out;
  }

  Status DeleteSession(const std::string& id_hash) override {
    std::lock_guard lock(mutex_);
    Stmt st(Db(), "DELETE FROM sessions WHERE id_hash = ?1");
    KIOSK_TRY(st.Ready());
    st.Bind(1, id_hash);
    return Done(st);
  }

 private:
  sqlite3* Db() const { return db_.Handle(); }

  // The first column of the row `sql` selects with ?1 = key; nullopt when none.
  template <typename Key>
  Expected<std::optional<std::string>> OneText(const char* sql, const Key& key) {
    Stmt st(Db(), sql);
    KIOSK_TRY(st.Ready());
    st.Bind(1, key);
    KIOSK_ASSIGN_OR_RETURN(const bool found, st.Step());
    if (!found) return std::optional<std::string>();
    return std::optional<std::string>(st.Text(0));
  }

  template <typename F>
  auto InTransaction(F&& body) -> decltype(body()) {
    KIOSK_TRY(db_.Exec("BEGIN IMMEDIATE"));
    auto result = body();
    KIOSK_TRY(db_.Exec(result ? "COMMIT" : "ROLLBACK"));
    return result;
  }

  Status RevokeLocked(const std::string& kiosk_id, std::int64_t now) {
    Stmt st(Db(),
            "UPDATE certificates SET revoked_at = ?2 WHERE kiosk_id = ?1 AND "
            "revoked_at IS NULL");
    KIOSK_TRY(st.Ready());
    st.Bind(1, kiosk_id).Bind(2, now);
    return Done(st);
  }

  static DeviceRecord ReadDevice(const Stmt& st) {
    return {st.Text(0), st.Text(1), st.Text(2), st.Text(3), st.Text(4), st.Int(5)};
  }

  Expected<std::vector<CommandRecord>> Query(const std::string& sql, const std::string& kiosk_id,
                                             int limit) {
    Stmt st(Db(), sql.c_str());
    KIOSK_TRY(st.Ready());
    st.Bind(1, kiosk_id);
    if (limit >= 0) st.Bind(2, std::int64_t{limit});
    std::vector<CommandRecord> out;
    while (true) {
      KIOSK_ASSIGN_OR_RETURN(const bool row, st.Step());
      if (!row) break;
      out.push_back(ReadCommand(st));
    }
    return out;
  }

  storage::Database db_;
  std::mutex mutex_;
};

}  // namespace

Expected<std::unique_ptr<FleetStore>> FleetStore::Open(const std::filesystem::path& file) {
  KIOSK_ASSIGN_OR_RETURN(auto db, storage::Database::Open(file));
  KIOSK_TRY(db.Migrate(kMigrations));
  return std::unique_ptr<FleetStore>(std::make_unique<SqliteFleetStore>(std::move(db)));
}

}  // namespace kiosk::gateway
