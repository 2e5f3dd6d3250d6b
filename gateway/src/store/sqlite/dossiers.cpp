// The dossier store on SQLite (gateway.db).

#include <mutex>

#include "connection.h"
#include "kiosk/gateway/store/sqlite.h"

namespace kiosk::gateway::sqlite {

using core::Error;
using core::Expected;

namespace {

constexpr const char* kMigrations[] = {
    // 1: dossiers, daily sequences, ratings
    R"sql(
CREATE TABLE dossiers (
  dossier_id     TEXT PRIMARY KEY,
  code           TEXT NOT NULL UNIQUE,
  kiosk_id       TEXT NOT NULL,
  procedure_code TEXT NOT NULL,
  received_at    TEXT NOT NULL,
  appointment    TEXT NOT NULL,
  lookup_secret  TEXT NOT NULL,
  status         TEXT NOT NULL,
  manifest       TEXT NOT NULL
);
CREATE TABLE sequences (agency TEXT NOT NULL, day TEXT NOT NULL, last INTEGER NOT NULL,
                        PRIMARY KEY (agency, day));
CREATE TABLE ratings (code TEXT NOT NULL, score INTEGER NOT NULL, at TEXT NOT NULL);
)sql",
    // 2: one rating per dossier (the first one stands)
    R"sql(
DELETE FROM ratings WHERE rowid NOT IN (SELECT MIN(rowid) FROM ratings GROUP BY code);
CREATE UNIQUE INDEX ratings_one_per_dossier ON ratings (code);
)sql",
};

StoredDossier ReadDossier(const Stmt& st) {
  return {st.Text(0), st.Text(1), st.Text(2), st.Text(3),
          st.Text(4), st.Text(5), st.Text(6), st.Text(7)};
}

class SqliteDossierStore final : public DossierStore {
 public:
  explicit SqliteDossierStore(storage::Database db) { connection_.db = std::move(db); }

  Expected<StoredDossier> Admit(const AdmitRequest& r, bool& created) override {
    std::lock_guard lock(connection_.mutex);
    return connection_.db.InTransaction(
        [&]() -> Expected<StoredDossier> { return AdmitInTransaction(r, created); });
  }

  Expected<std::optional<StoredDossier>> FindByCode(const std::string& code) override {
    std::lock_guard lock(connection_.mutex);
    return Find("code", code);
  }

  Expected<std::optional<StoredDossier>> FindById(const std::string& dossier_id) override {
    std::lock_guard lock(connection_.mutex);
    return Find("dossier_id", dossier_id);
  }

  Expected<bool> AddRating(const std::string& code, int score, const std::string& at) override {
    std::lock_guard lock(connection_.mutex);
    Stmt st(Sql(), "INSERT OR IGNORE INTO ratings (code, score, at) VALUES (?1, ?2, ?3)");
    st.Bind(1, code).Bind(2, std::int64_t{score}).Bind(3, at);
    KIOSK_TRY(Done(st));
    return connection_.db.Changes() > 0;
  }

  Expected<std::vector<DossierTally>> Tally(const std::string& since) override {
    std::lock_guard lock(connection_.mutex);
    // The manifest is the signed JSON the kiosk sealed (docs/dossier-package.md).
    Stmt st(Sql(),
            "SELECT date(received_at, '+7 hours'), procedure_code, kiosk_id, COUNT(*), "
            "SUM(COALESCE(json_extract(manifest, '$.fees_total_vnd'), 0) > 0), "
            "SUM(json_type(manifest, '$.payment') = 'object'), "
            "SUM(COALESCE(json_extract(manifest, '$.payment.amount_vnd'), 0)), "
            "SUM(COALESCE(json_extract(manifest, '$.indicators_766.HoSoCoThanhPhanSoHoa'), 0)), "
            "SUM(COALESCE(json_extract(manifest, "
            "'$.indicators_766.TaiKhoanDuocXacThucVoiVNeID'), 0)), "
            "SUM(json_type(manifest, '$.assisted_by') = 'object') "
            "FROM dossiers WHERE received_at >= ?1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3");
    st.Bind(1, since);
    return Rows<DossierTally>(st, [](const Stmt& r) {
      return DossierTally{r.Text(0), r.Text(1), r.Text(2), r.Int(3), r.Int(4),
                          r.Int(5),  r.Int(6),  r.Int(7),  r.Int(8), r.Int(9)};
    });
  }

  Expected<std::vector<RatingTally>> Ratings(const std::string& since) override {
    std::lock_guard lock(connection_.mutex);
    Stmt st(
        Sql(),
        "SELECT d.kiosk_id, r.score, COUNT(*) FROM ratings r JOIN dossiers d ON d.code = r.code "
        "WHERE r.at >= ?1 GROUP BY 1, 2 ORDER BY 1, 2");
    st.Bind(1, since);
    return Rows<RatingTally>(st, [](const Stmt& r) {
      return RatingTally{r.Text(0), static_cast<int>(r.Int(1)), r.Int(2)};
    });
  }

 private:
  sqlite3* Db() const { return connection_.Handle(); }
  // Statements come from the connection's cache.
  const storage::Database& Sql() const { return connection_.db; }

  Expected<std::optional<StoredDossier>> Find(const char* column, const std::string& value) {
    const std::string sql = std::string(
                                "SELECT dossier_id, code, kiosk_id, procedure_code, received_at, "
                                "appointment, lookup_secret, status FROM dossiers WHERE ") +
                            column + " = ?1";
    Stmt st(Sql(), sql.c_str());
    st.Bind(1, value);
    return FirstRow<StoredDossier>(st, ReadDossier);
  }

  Expected<StoredDossier> AdmitInTransaction(const AdmitRequest& r, bool& created) {
    KIOSK_ASSIGN_OR_RETURN(auto existing, Find("dossier_id", r.dossier_id));
    if (existing) {
      created = false;
      return *existing;
    }
    Stmt next(Sql(),
              "INSERT INTO sequences (agency, day, last) VALUES (?1, ?2, 1) "
              "ON CONFLICT(agency, day) DO UPDATE SET last = last + 1 RETURNING last");
    next.Bind(1, r.agency).Bind(2, FormatDay(r.received_day));
    KIOSK_ASSIGN_OR_RETURN(const auto sequence,
                           FirstRow<std::int64_t>(next, [](const Stmt& s) { return s.Int(0); }));
    if (!sequence) return Error::Fatal("store.sequence", "no sequence number");
    const StoredDossier stored{
        r.dossier_id,    FormatDossierCode(r.agency, r.received_day, static_cast<int>(*sequence)),
        r.kiosk_id,      r.procedure_code,
        r.received_at,   r.appointment,
        r.lookup_secret, "received"};
    Stmt insert(
        Sql(),
        "INSERT INTO dossiers (dossier_id, code, kiosk_id, procedure_code, received_at, "
        "appointment, lookup_secret, status, manifest) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)");
    insert.Bind(1, stored.dossier_id)
        .Bind(2, stored.code)
        .Bind(3, stored.kiosk_id)
        .Bind(4, stored.procedure_code)
        .Bind(5, stored.received_at)
        .Bind(6, stored.appointment)
        .Bind(7, stored.lookup_secret)
        .Bind(8, stored.status)
        .Bind(9, r.manifest_json);
    KIOSK_TRY(Done(insert));
    created = true;
    return stored;
  }

  Connection connection_;
};

}  // namespace

Expected<std::unique_ptr<DossierStore>> OpenDossiers(const std::filesystem::path& file) {
  KIOSK_ASSIGN_OR_RETURN(auto db, storage::Database::Open(file));
  KIOSK_TRY(db.Migrate(kMigrations));
  return std::unique_ptr<DossierStore>(std::make_unique<SqliteDossierStore>(std::move(db)));
}

}  // namespace kiosk::gateway::sqlite
