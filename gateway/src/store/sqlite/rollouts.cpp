// The rollout store on SQLite (updates.db): bundles, rollouts and each
// kiosk's update reports.

#include <mutex>

#include "../records.h"
#include "connection.h"
#include "kiosk/gateway/store/sqlite.h"

namespace kiosk::gateway::sqlite {

using core::Expected;
using core::Status;

namespace {

constexpr const char* kMigrations[] = {
    R"sql(
CREATE TABLE bundles (
  sha256 TEXT PRIMARY KEY, version TEXT NOT NULL, compatible TEXT NOT NULL,
  size INTEGER NOT NULL, added_at INTEGER NOT NULL, added_by TEXT NOT NULL);
CREATE TABLE rollouts (
  id INTEGER PRIMARY KEY AUTOINCREMENT, sha256 TEXT NOT NULL REFERENCES bundles (sha256),
  percent INTEGER NOT NULL, communes TEXT NOT NULL, state TEXT NOT NULL,
  created_at INTEGER NOT NULL, created_by TEXT NOT NULL);
CREATE TABLE kiosk_updates (
  kiosk_id TEXT NOT NULL, rollout INTEGER NOT NULL, state TEXT NOT NULL, detail TEXT NOT NULL,
  progress INTEGER NOT NULL, slot TEXT NOT NULL, updated_at INTEGER NOT NULL,
  PRIMARY KEY (kiosk_id, rollout));
)sql",
    // An older version reaches a kiosk only through a rollout an operator
    // marked as a downgrade.
    R"sql(
ALTER TABLE rollouts ADD COLUMN downgrade INTEGER NOT NULL DEFAULT 0;
)sql",
};

constexpr const char* kBundleColumns =
    "SELECT sha256, version, compatible, size, added_at, added_by FROM bundles ";

BundleRecord ReadBundle(const Stmt& st, int at) {
  return {st.Text(at),    st.Text(at + 1), st.Text(at + 2),
          st.Int(at + 3), st.Int(at + 4),  st.Text(at + 5)};
}

class SqliteRolloutStore final : public RolloutStore {
 public:
  explicit SqliteRolloutStore(storage::Database db) { connection_.db = std::move(db); }

  Status AddBundle(const BundleRecord& b) override {
    std::lock_guard lock(connection_.mutex);
    Stmt st(Sql(),
            "INSERT INTO bundles (sha256, version, compatible, size, added_at, added_by) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (sha256) DO NOTHING");
    st.Bind(1, b.sha256).Bind(2, b.version).Bind(3, b.compatible).Bind(4, b.size);
    st.Bind(5, b.added_at).Bind(6, b.added_by);
    return Done(st);
  }

  Expected<std::vector<BundleRecord>> Bundles() override {
    std::lock_guard lock(connection_.mutex);
    Stmt st(Sql(), (std::string(kBundleColumns) + "ORDER BY added_at DESC").c_str());
    return Rows<BundleRecord>(st, [](const Stmt& row) { return ReadBundle(row, 0); });
  }

  Expected<std::vector<std::string>> BundlesStartingWith(const std::string& prefix) override {
    std::lock_guard lock(connection_.mutex);
    Stmt st(Sql(), "SELECT sha256 FROM bundles WHERE substr(sha256, 1, length(?1)) = ?1");
    st.Bind(1, prefix);
    return Rows<std::string>(st, [](const Stmt& row) { return row.Text(0); });
  }

  Expected<std::optional<BundleRecord>> FindBundle(const std::string& sha256) override {
    std::lock_guard lock(connection_.mutex);
    Stmt st(Sql(), (std::string(kBundleColumns) + "WHERE sha256 = ?1").c_str());
    st.Bind(1, sha256);
    return FirstRow<BundleRecord>(st, [](const Stmt& row) { return ReadBundle(row, 0); });
  }

  Expected<std::int64_t> AddRollout(const RolloutRecord& r) override {
    std::lock_guard lock(connection_.mutex);
    Stmt st(Sql(),
            "INSERT INTO rollouts (sha256, percent, communes, state, created_at, created_by, "
            "downgrade) VALUES (?1, ?2, ?3, 'active', ?4, ?5, ?6)");
    st.Bind(1, r.bundle.sha256)
        .Bind(2, std::int64_t{r.percent})
        .Bind(3, store::JoinCommunes(r.communes));
    st.Bind(4, r.created_at).Bind(5, r.created_by).Bind(6, std::int64_t{r.downgrade ? 1 : 0});
    KIOSK_TRY(Done(st));
    return connection_.db.LastInsertId();
  }

  Expected<bool> SetPercent(std::int64_t id, int percent) override {
    std::lock_guard lock(connection_.mutex);
    Stmt st(Sql(), "UPDATE rollouts SET percent = ?2 WHERE id = ?1");
    st.Bind(1, id).Bind(2, std::int64_t{percent});
    KIOSK_TRY(Done(st));
    return connection_.db.Changes() > 0;
  }

  Expected<bool> SetState(std::int64_t id, const std::string& state) override {
    std::lock_guard lock(connection_.mutex);
    Stmt st(Sql(), "UPDATE rollouts SET state = ?2 WHERE id = ?1");
    st.Bind(1, id).Bind(2, state);
    KIOSK_TRY(Done(st));
    return connection_.db.Changes() > 0;
  }

  Expected<std::vector<RolloutRecord>> Rollouts() override {
    std::lock_guard lock(connection_.mutex);
    Stmt st(Sql(),
            "SELECT r.id, r.percent, r.communes, r.state, r.created_at, r.created_by, b.sha256, "
            "b.version, b.compatible, b.size, b.added_at, b.added_by, r.downgrade "
            "FROM rollouts r JOIN bundles b USING (sha256) ORDER BY r.id DESC");
    return Rows<RolloutRecord>(st, [](const Stmt& row) {
      RolloutRecord r;
      r.id = row.Int(0);
      r.percent = static_cast<int>(row.Int(1));
      r.communes = store::SplitCommunes(row.Text(2));
      r.state = row.Text(3);
      r.created_at = row.Int(4);
      r.created_by = row.Text(5);
      r.bundle = ReadBundle(row, 6);
      r.downgrade = row.Int(12) != 0;
      return r;
    });
  }

  Expected<std::map<std::string, std::int64_t>> StateCounts(std::int64_t rollout) override {
    std::lock_guard lock(connection_.mutex);
    Stmt st(Sql(), "SELECT state, COUNT(*) FROM kiosk_updates WHERE rollout = ?1 GROUP BY state");
    st.Bind(1, rollout);
    KIOSK_ASSIGN_OR_RETURN(const auto rows,
                           (Rows<std::pair<std::string, std::int64_t>>(st, [](const Stmt& row) {
                             return std::make_pair(row.Text(0), row.Int(1));
                           })));
    return std::map<std::string, std::int64_t>(rows.begin(), rows.end());
  }

  Expected<bool> RecordUpdate(const std::string& kiosk_id, const KioskUpdate& u) override {
    std::lock_guard lock(connection_.mutex);
    return connection_.db.InTransaction([&]() -> Expected<bool> {
      Stmt known(Sql(), "SELECT 1 FROM rollouts WHERE id = ?1");
      known.Bind(1, u.rollout);
      KIOSK_ASSIGN_OR_RETURN(const auto found,
                             FirstRow<bool>(known, [](const Stmt&) { return true; }));
      if (!found) return false;
      Stmt st(Sql(),
              "INSERT INTO kiosk_updates (kiosk_id, rollout, state, detail, progress, slot, "
              "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (kiosk_id, rollout) "
              "DO UPDATE SET state = ?3, detail = ?4, progress = ?5, slot = ?6, updated_at = ?7");
      st.Bind(1, kiosk_id).Bind(2, u.rollout).Bind(3, u.state).Bind(4, u.detail);
      st.Bind(5, std::int64_t{u.progress}).Bind(6, u.slot).Bind(7, u.updated_at);
      KIOSK_TRY(Done(st));
      return true;
    });
  }

  Expected<std::optional<std::string>> KioskState(const std::string& kiosk_id,
                                                  std::int64_t rollout) override {
    std::lock_guard lock(connection_.mutex);
    Stmt st(Sql(), "SELECT state FROM kiosk_updates WHERE kiosk_id = ?1 AND rollout = ?2");
    st.Bind(1, kiosk_id).Bind(2, rollout);
    return FirstRow<std::string>(st, [](const Stmt& row) { return row.Text(0); });
  }

  Expected<std::optional<KioskUpdate>> LastUpdate(const std::string& kiosk_id) override {
    std::lock_guard lock(connection_.mutex);
    Stmt st(Sql(),
            "SELECT u.rollout, b.version, u.state, u.detail, u.progress, u.slot, u.updated_at "
            "FROM kiosk_updates u JOIN rollouts r ON r.id = u.rollout JOIN bundles b USING "
            "(sha256) WHERE u.kiosk_id = ?1 ORDER BY u.updated_at DESC, u.rollout DESC LIMIT 1");
    st.Bind(1, kiosk_id);
    return FirstRow<KioskUpdate>(st, [](const Stmt& row) {
      return KioskUpdate{
          row.Int(0),  row.Text(1), row.Text(2), row.Text(3), static_cast<int>(row.Int(4)),
          row.Text(5), row.Int(6)};
    });
  }

 private:
  sqlite3* Db() const { return connection_.Handle(); }
  // Statements come from the connection's cache.
  const storage::Database& Sql() const { return connection_.db; }

  Connection connection_;
};

}  // namespace

Expected<std::unique_ptr<RolloutStore>> OpenRollouts(const std::filesystem::path& file) {
  KIOSK_ASSIGN_OR_RETURN(auto db, storage::Database::Open(file));
  KIOSK_TRY(db.Migrate(kMigrations));
  return std::unique_ptr<RolloutStore>(std::make_unique<SqliteRolloutStore>(std::move(db)));
}

}  // namespace kiosk::gateway::sqlite
