// The fleet database (fleet.db): one file, one connection, four stores.

#include "connection.h"
#include "kiosk/gateway/store/sqlite.h"

namespace kiosk::gateway::sqlite {

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

}  // namespace

core::Expected<FleetStores> OpenFleet(const std::filesystem::path& file) {
  KIOSK_ASSIGN_OR_RETURN(auto db, storage::Database::Open(file));
  KIOSK_TRY(db.Migrate(kMigrations));
  auto connection = std::make_shared<Connection>();
  connection->db = std::move(db);
  FleetStores stores;
  stores.devices = NewDeviceStore(connection);
  stores.commands = NewCommandStore(connection);
  stores.operators = NewOperatorStore(connection);
  stores.events = NewEventStore(connection);
  return stores;
}

}  // namespace kiosk::gateway::sqlite
