// The rollout store on PostgreSQL: bundles, rollouts and each kiosk's
// update reports.

#include "../records.h"
#include "database.h"

namespace kiosk::gateway::postgres {

using core::Expected;
using core::Status;

namespace {

#define KIOSK_BUNDLE_COLUMNS "sha256, version, compatible, size, added_at, added_by"

const Query kAddBundle{"bundle_add",
                       "INSERT INTO bundles (" KIOSK_BUNDLE_COLUMNS
                       ") VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sha256) DO NOTHING"};
const Query kBundles{"bundle_list",
                     "SELECT " KIOSK_BUNDLE_COLUMNS " FROM bundles ORDER BY added_at DESC"};
const Query kBundlesStartingWith{"bundle_prefix",
                                 "SELECT sha256 FROM bundles WHERE left(sha256, length($1)) = $1"};
const Query kFindBundle{"bundle_find",
                        "SELECT " KIOSK_BUNDLE_COLUMNS " FROM bundles WHERE sha256 = $1"};
const Query kAddRollout{"rollout_add",
                        "INSERT INTO rollouts (sha256, percent, communes, state, created_at, "
                        "created_by, downgrade) VALUES ($1, $2, $3, 'active', $4, $5, $6) "
                        "RETURNING id"};
const Query kSetPercent{"rollout_percent", "UPDATE rollouts SET percent = $2 WHERE id = $1"};
const Query kSetState{"rollout_state", "UPDATE rollouts SET state = $2 WHERE id = $1"};
const Query kRollouts{
    "rollout_list",
    "SELECT r.id, r.percent, r.communes, r.state, r.created_at, r.created_by, "
    "b.sha256, b.version, b.compatible, b.size, b.added_at, b.added_by, "
    "r.downgrade FROM rollouts r JOIN bundles b USING (sha256) ORDER BY r.id DESC"};
const Query kStateCounts{"rollout_state_counts",
                         "SELECT state, COUNT(*) FROM kiosk_updates WHERE rollout = $1 "
                         "GROUP BY state"};
// Nothing is inserted for a rollout that does not exist: no row to select.
const Query kRecordUpdate{"update_record",
                          "INSERT INTO kiosk_updates (kiosk_id, rollout, state, detail, progress, "
                          "slot, updated_at) SELECT $1, id, $3, $4, $5, $6, $7 FROM rollouts "
                          "WHERE id = $2 ON CONFLICT (kiosk_id, rollout) DO UPDATE SET "
                          "state = $3, detail = $4, progress = $5, slot = $6, updated_at = $7"};
const Query kKioskState{"update_kiosk_state",
                        "SELECT state FROM kiosk_updates WHERE kiosk_id = $1 AND rollout = $2"};
const Query kLastUpdate{"update_last",
                        "SELECT u.rollout, b.version, u.state, u.detail, u.progress, u.slot, "
                        "u.updated_at FROM kiosk_updates u JOIN rollouts r ON r.id = u.rollout "
                        "JOIN bundles b USING (sha256) WHERE u.kiosk_id = $1 "
                        "ORDER BY u.updated_at DESC, u.rollout DESC LIMIT 1"};

#undef KIOSK_BUNDLE_COLUMNS

BundleRecord ReadBundle(const Result& r, int i, int at) {
  return {r.Text(i, at),    r.Text(i, at + 1), r.Text(i, at + 2),
          r.Int(i, at + 3), r.Int(i, at + 4),  r.Text(i, at + 5)};
}

class PostgresRolloutStore final : public RolloutStore {
 public:
  explicit PostgresRolloutStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  Status AddBundle(const BundleRecord& b) override {
    KIOSK_TRY(
        db_->Exec(kAddBundle, {b.sha256, b.version, b.compatible, b.size, b.added_at, b.added_by}));
    return core::Ok();
  }

  Expected<std::vector<BundleRecord>> Bundles() override {
    KIOSK_ASSIGN_OR_RETURN(const auto r, db_->Exec(kBundles, {}));
    return Each<BundleRecord>(r, [](const Result& row, int i) { return ReadBundle(row, i, 0); });
  }

  Expected<std::vector<std::string>> BundlesStartingWith(const std::string& prefix) override {
    KIOSK_ASSIGN_OR_RETURN(const auto r, db_->Exec(kBundlesStartingWith, {prefix}));
    return Each<std::string>(r, [](const Result& row, int i) { return row.Text(i, 0); });
  }

  Expected<std::optional<BundleRecord>> FindBundle(const std::string& sha256) override {
    KIOSK_ASSIGN_OR_RETURN(const auto r, db_->Exec(kFindBundle, {sha256}));
    return First<BundleRecord>(r, [](const Result& row, int i) { return ReadBundle(row, i, 0); });
  }

  Expected<std::int64_t> AddRollout(const RolloutRecord& r) override {
    KIOSK_ASSIGN_OR_RETURN(
        const auto added,
        db_->Exec(kAddRollout, {r.bundle.sha256, r.percent, store::JoinCommunes(r.communes),
                                r.created_at, r.created_by, r.downgrade ? "t" : "f"}));
    return added.Int(0, 0);
  }

  Expected<bool> SetPercent(std::int64_t id, int percent) override {
    KIOSK_ASSIGN_OR_RETURN(const auto r, db_->Exec(kSetPercent, {id, percent}));
    return r.Affected() > 0;
  }

  Expected<bool> SetState(std::int64_t id, const std::string& state) override {
    KIOSK_ASSIGN_OR_RETURN(const auto r, db_->Exec(kSetState, {id, state}));
    return r.Affected() > 0;
  }

  Expected<std::vector<RolloutRecord>> Rollouts() override {
    KIOSK_ASSIGN_OR_RETURN(const auto r, db_->Exec(kRollouts, {}));
    return Each<RolloutRecord>(r, [](const Result& row, int i) {
      RolloutRecord out;
      out.id = row.Int(i, 0);
      out.percent = static_cast<int>(row.Int(i, 1));
      out.communes = store::SplitCommunes(row.Text(i, 2));
      out.state = row.Text(i, 3);
      out.created_at = row.Int(i, 4);
      out.created_by = row.Text(i, 5);
      out.bundle = ReadBundle(row, i, 6);
      out.downgrade = row.Bool(i, 12);
      return out;
    });
  }

  Expected<std::map<std::string, std::int64_t>> StateCounts(std::int64_t rollout) override {
    KIOSK_ASSIGN_OR_RETURN(const auto r, db_->Exec(kStateCounts, {rollout}));
    std::map<std::string, std::int64_t> counts;
    for (int i = 0; i < r.Rows(); ++i) counts[r.Text(i, 0)] = r.Int(i, 1);
    return counts;
  }

  Expected<bool> RecordUpdate(const std::string& kiosk_id, const KioskUpdate& u) override {
    KIOSK_ASSIGN_OR_RETURN(
        const auto r, db_->Exec(kRecordUpdate, {kiosk_id, u.rollout, u.state, u.detail, u.progress,
                                                u.slot, u.updated_at}));
    return r.Affected() > 0;
  }

  Expected<std::optional<std::string>> KioskState(const std::string& kiosk_id,
                                                  std::int64_t rollout) override {
    KIOSK_ASSIGN_OR_RETURN(const auto r, db_->Exec(kKioskState, {kiosk_id, rollout}));
    return First<std::string>(r, [](const Result& row, int i) { return row.Text(i, 0); });
  }

  Expected<std::optional<KioskUpdate>> LastUpdate(const std::string& kiosk_id) override {
    KIOSK_ASSIGN_OR_RETURN(const auto r, db_->Exec(kLastUpdate, {kiosk_id}));
    return First<KioskUpdate>(r, [](const Result& row, int i) {
      return KioskUpdate{row.Int(i, 0),
                         row.Text(i, 1),
                         row.Text(i, 2),
                         row.Text(i, 3),
                         static_cast<int>(row.Int(i, 4)),
                         row.Text(i, 5),
                         row.Int(i, 6)};
    });
  }

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace

std::unique_ptr<RolloutStore> RolloutsOn(std::shared_ptr<Database> db) {
  return std::make_unique<PostgresRolloutStore>(std::move(db));
}

FleetStores FleetOn(const std::shared_ptr<Database>& db) {
  FleetStores stores;
  stores.devices = NewDeviceStore(db);
  stores.commands = NewCommandStore(db);
  stores.operators = NewOperatorStore(db);
  stores.events = NewEventStore(db);
  stores.help = NewHelpStore(db);
  return stores;
}

}  // namespace kiosk::gateway::postgres
