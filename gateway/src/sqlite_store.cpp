#include <sqlite3.h>

#include <cstdio>
#include <mutex>

#include "kiosk/gateway/store.h"
#include "kiosk/storage/sqlite.h"

namespace kiosk::gateway {

using core::Error;
using core::Expected;
using storage::SqliteCall;

std::string FormatDossierCode(const std::string& agency, const Day& day, int sequence) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "-%02d%02u%02u-%04d", static_cast<int>(day.year()) % 100,
                static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()), sequence);
  return agency + buf;
}

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

using storage::Exec;
using Stmt = storage::Statement;

class SqliteStore final : public DossierStore {
 public:
  explicit SqliteStore(storage::Database database)
      : database_(std::move(database)), db_(database_.Handle()) {}

  // One connection serves every request thread: a transaction must not
  // interleave with another thread's statements, so each call holds it.
  Expected<StoredDossier> Admit(const AdmitRequest& r, bool& created) override {
    std::lock_guard lock(mutex_);
    KIOSK_TRY(Exec(db_, "BEGIN IMMEDIATE"));
    auto result = AdmitInTransaction(r, created);
    KIOSK_TRY(Exec(db_, result ? "COMMIT" : "ROLLBACK"));
    return result;
  }

  Expected<std::optional<StoredDossier>> FindByCode(const std::string& code) override {
    std::lock_guard lock(mutex_);
    return Find("code", code);
  }

  Expected<std::optional<StoredDossier>> FindById(const std::string& dossier_id) override {
    std::lock_guard lock(mutex_);
    return Find("dossier_id", dossier_id);
  }

  Expected<bool> AddRating(const std::string& code, int score, const std::string& at) override {
    std::lock_guard lock(mutex_);
    Stmt st(db_, "INSERT OR IGNORE INTO ratings (code, score, at) VALUES (?1, ?2, ?3)");
    KIOSK_TRY(st.Ready());
    st.Bind(1, code).Bind(2, std::int64_t{score}).Bind(3, at);
    KIOSK_TRY(st.Step());
    return sqlite3_changes(db_) > 0;
  }

 private:
  Expected<std::optional<StoredDossier>> Find(const char* column, const std::string& value) {
    const std::string sql = std::string(
                                "SELECT dossier_id, code, kiosk_id, procedure_code, received_at, "
                                "appointment, lookup_secret, status FROM dossiers WHERE ") +
                            column + " = ?1";
    Stmt st(db_, sql.c_str());
    KIOSK_TRY(st.Ready());
    st.Bind(1, value);
    KIOSK_ASSIGN_OR_RETURN(const bool found, st.Step());
    if (!found) return std::optional<StoredDossier>();
    return std::optional<StoredDossier>(StoredDossier{st.Text(0), st.Text(1), st.Text(2),
                                                      st.Text(3), st.Text(4), st.Text(5),
                                                      st.Text(6), st.Text(7)});
  }

  Expected<StoredDossier> AdmitInTransaction(const AdmitRequest& r, bool& created) {
    KIOSK_ASSIGN_OR_RETURN(auto existing, Find("dossier_id", r.dossier_id));
    if (existing) {
      created = false;
      return *existing;
    }
    const std::string day = FormatDay(r.received_day);
    Stmt next(db_,
              "INSERT INTO sequences (agency, day, last) VALUES (?1, ?2, 1) "
              "ON CONFLICT(agency, day) DO UPDATE SET last = last + 1 RETURNING last");
    KIOSK_TRY(next.Ready());
    next.Bind(1, r.agency).Bind(2, day);
    KIOSK_ASSIGN_OR_RETURN(const bool got, next.Step());
    if (!got) return Error::Fatal("store.sequence", "no sequence number");
    const auto sequence = static_cast<int>(next.Int(0));
    const StoredDossier stored{
        r.dossier_id,    FormatDossierCode(r.agency, r.received_day, sequence),
        r.kiosk_id,      r.procedure_code,
        r.received_at,   r.appointment,
        r.lookup_secret, "received"};
    Stmt insert(
        db_,
        "INSERT INTO dossiers (dossier_id, code, kiosk_id, procedure_code, received_at, "
        "appointment, lookup_secret, status, manifest) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)");
    KIOSK_TRY(insert.Ready());
    insert.Bind(1, stored.dossier_id)
        .Bind(2, stored.code)
        .Bind(3, stored.kiosk_id)
        .Bind(4, stored.procedure_code)
        .Bind(5, stored.received_at)
        .Bind(6, stored.appointment)
        .Bind(7, stored.lookup_secret)
        .Bind(8, stored.status)
        .Bind(9, r.manifest_json);
    KIOSK_TRY(insert.Step());
    created = true;
    return stored;
  }

  storage::Database database_;
  sqlite3* db_;  // database_'s handle
  std::mutex mutex_;
};

}  // namespace

Expected<std::unique_ptr<DossierStore>> OpenSqliteStore(const std::filesystem::path& file) {
  KIOSK_ASSIGN_OR_RETURN(auto database, storage::Database::Open(file));
  KIOSK_TRY(database.Migrate(kMigrations));
  return std::unique_ptr<DossierStore>(std::make_unique<SqliteStore>(std::move(database)));
}

}  // namespace kiosk::gateway
