// The PostgreSQL schema: numbered steps, only ever appended, each applied
// once. Every replica runs Open() when it starts; the advisory lock makes
// the second wait for the first and then find nothing left to do.

#include "database.h"

namespace kiosk::gateway::postgres {

using core::Expected;

namespace {

// Times the kiosks send (RFC 3339) are kept as given, beside a timestamptz
// the dashboard's reports select on. Unix milliseconds stay BIGINT.
constexpr const char* kMigrations[] = {
    // 1: dossiers, the daily code sequence of each agency, ratings
    R"sql(
CREATE TABLE dossiers (
  dossier_id     TEXT PRIMARY KEY,
  code           TEXT NOT NULL UNIQUE,
  kiosk_id       TEXT NOT NULL,
  procedure_code TEXT NOT NULL,
  received_at    TEXT NOT NULL,
  received_ts    TIMESTAMPTZ NOT NULL,
  appointment    TEXT NOT NULL,
  lookup_secret  TEXT NOT NULL,
  status         TEXT NOT NULL,
  manifest       JSONB NOT NULL
);
CREATE INDEX dossiers_received ON dossiers (received_ts);
CREATE TABLE sequences (
  agency TEXT NOT NULL, day DATE NOT NULL, last INTEGER NOT NULL, PRIMARY KEY (agency, day));
CREATE TABLE ratings (
  code TEXT PRIMARY KEY, score INTEGER NOT NULL, at TEXT NOT NULL, at_ts TIMESTAMPTZ NOT NULL);
)sql",
    // 2: VietQR payments expected and the bank's transfers
    R"sql(
CREATE TABLE payments (
  reference           TEXT PRIMARY KEY,
  expected_order      BIGSERIAL NOT NULL,
  kiosk_id            TEXT NOT NULL,
  amount_vnd          BIGINT NOT NULL,
  method              TEXT NOT NULL,
  qr                  TEXT NOT NULL,
  status              TEXT NOT NULL,
  bank_transaction_id TEXT NOT NULL DEFAULT '',
  paid_vnd            BIGINT NOT NULL DEFAULT 0,
  paid_at             TEXT NOT NULL DEFAULT ''
);
CREATE INDEX payments_pending ON payments (expected_order) WHERE status = 'pending';
CREATE TABLE transfers (
  transaction_id TEXT PRIMARY KEY,
  reference      TEXT NOT NULL,
  amount_vnd     BIGINT NOT NULL,
  paid_at        TEXT NOT NULL,
  result         TEXT NOT NULL
);
)sql",
    // 3: the fleet: enrollment tokens, certificates, devices and their
    // heartbeats, commands and logs, operators and their sessions, security
    // events, citizens' calls for an officer and the officers
    R"sql(
CREATE TABLE tokens (
  hash TEXT PRIMARY KEY, commune TEXT NOT NULL, agency TEXT NOT NULL, issued_by TEXT NOT NULL,
  expires_at BIGINT NOT NULL, used_at BIGINT, kiosk_id TEXT NOT NULL DEFAULT '',
  reenroll BOOLEAN NOT NULL DEFAULT FALSE);
CREATE TABLE certificates (
  serial TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, issued_at BIGINT NOT NULL, revoked_at BIGINT);
CREATE INDEX certificates_kiosk ON certificates (kiosk_id);
CREATE TABLE devices (
  kiosk_id TEXT PRIMARY KEY, commune TEXT NOT NULL, agency TEXT NOT NULL, serial TEXT NOT NULL,
  state TEXT NOT NULL, enrolled_at BIGINT NOT NULL, last_seen BIGINT, last_body TEXT);
CREATE TABLE heartbeats (
  kiosk_id TEXT NOT NULL, received_at BIGINT NOT NULL, body TEXT NOT NULL);
CREATE INDEX heartbeats_kiosk ON heartbeats (kiosk_id, received_at);
CREATE INDEX heartbeats_received ON heartbeats (received_at);
CREATE TABLE commands (
  id BIGSERIAL PRIMARY KEY, kiosk_id TEXT NOT NULL, kind TEXT NOT NULL, args TEXT NOT NULL,
  state TEXT NOT NULL, issued_by TEXT NOT NULL, created_at BIGINT NOT NULL, finished_at BIGINT,
  result TEXT NOT NULL DEFAULT '');
CREATE INDEX commands_kiosk ON commands (kiosk_id, state);
CREATE TABLE logs (command_id BIGINT PRIMARY KEY, text TEXT NOT NULL);
CREATE TABLE operators (name TEXT PRIMARY KEY, password_hash TEXT NOT NULL);
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY, operator TEXT NOT NULL, csrf TEXT NOT NULL,
  expires_at BIGINT NOT NULL);
CREATE TABLE events (
  id BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, kind TEXT NOT NULL, subject TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '');
CREATE INDEX events_at ON events (at);
CREATE TABLE help_calls (
  id TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, commune TEXT NOT NULL, screen TEXT NOT NULL,
  language TEXT NOT NULL, state TEXT NOT NULL, opened_at BIGINT NOT NULL,
  answered_at BIGINT NOT NULL DEFAULT 0, answered_by TEXT NOT NULL DEFAULT '',
  officer_id TEXT NOT NULL DEFAULT '', closed_at BIGINT NOT NULL DEFAULT 0);
CREATE INDEX help_calls_waiting ON help_calls (state, opened_at);
CREATE TABLE staff (
  number BIGSERIAL PRIMARY KEY, commune TEXT NOT NULL, name TEXT NOT NULL,
  pin_hash TEXT NOT NULL, issued_by TEXT NOT NULL, issued_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL, revoked_at BIGINT NOT NULL DEFAULT 0);
CREATE INDEX staff_commune ON staff (commune);
)sql",
    // 4: update bundles, rollouts and each kiosk's reports
    R"sql(
CREATE TABLE bundles (
  sha256 TEXT PRIMARY KEY, version TEXT NOT NULL, compatible TEXT NOT NULL,
  size BIGINT NOT NULL, added_at BIGINT NOT NULL, added_by TEXT NOT NULL);
CREATE TABLE rollouts (
  id BIGSERIAL PRIMARY KEY, sha256 TEXT NOT NULL REFERENCES bundles (sha256),
  percent INTEGER NOT NULL, communes TEXT NOT NULL, state TEXT NOT NULL,
  created_at BIGINT NOT NULL, created_by TEXT NOT NULL, downgrade BOOLEAN NOT NULL DEFAULT FALSE);
CREATE TABLE kiosk_updates (
  kiosk_id TEXT NOT NULL, rollout BIGINT NOT NULL, state TEXT NOT NULL, detail TEXT NOT NULL,
  progress INTEGER NOT NULL, slot TEXT NOT NULL, updated_at BIGINT NOT NULL,
  PRIMARY KEY (kiosk_id, rollout));
)sql",
    // 5: the counters that slow down guessing, shared by the replicas
    R"sql(
CREATE TABLE limit_buckets (key TEXT PRIMARY KEY, tokens FLOAT8 NOT NULL, at BIGINT NOT NULL);
CREATE INDEX limit_buckets_at ON limit_buckets (at);
CREATE TABLE limit_failures (
  key TEXT PRIMARY KEY, failures INTEGER NOT NULL, next_try BIGINT NOT NULL);
)sql",
};

// Any constant: the key of the advisory lock migrations hold.
constexpr const char* kLockMigrations = "SELECT pg_advisory_xact_lock(7319001)";

const Query kCurrentVersion{"schema_version",
                            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"};
const Query kRecordVersion{"schema_record", "INSERT INTO schema_migrations (version) VALUES ($1)"};

}  // namespace

Expected<std::shared_ptr<Database>> Open(const Options& options) {
  if (options.conninfo.empty()) {
    return core::Error::NeedsPerson("store.config", "no PostgreSQL connection string");
  }
  auto db = std::make_shared<Database>(options);
  const core::Status migrated = db->Transaction([](Session& s) -> core::Status {
    KIOSK_TRY(s.Plain(kLockMigrations));
    KIOSK_TRY(
        s.Plain("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"));
    KIOSK_ASSIGN_OR_RETURN(const auto current, s.Exec(kCurrentVersion, {}));
    const auto have = current.Int(0, 0);
    const auto steps = static_cast<std::int64_t>(std::size(kMigrations));
    for (auto step = have; step < steps; ++step) {
      KIOSK_TRY(s.Plain(kMigrations[step]));
      KIOSK_TRY(s.Exec(kRecordVersion, {step + 1}));
    }
    return core::Ok();
  });
  if (!migrated) return migrated.GetError();
  return db;
}

Expected<int> SchemaVersion(Database& db) {
  return db.Run([](Session& s) -> Expected<int> {
    KIOSK_ASSIGN_OR_RETURN(const auto r, s.Exec(kCurrentVersion, {}));
    return static_cast<int>(r.Int(0, 0));
  });
}

}  // namespace kiosk::gateway::postgres
