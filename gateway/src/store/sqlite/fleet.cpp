// The fleet database (fleet.db): one file, one connection, five stores.

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
    // Citizens' calls for an officer, and the officers who may assist at a
    // kiosk of their commune.
    R"sql(
CREATE TABLE help_calls (
  id TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, commune TEXT NOT NULL, screen TEXT NOT NULL,
  language TEXT NOT NULL, state TEXT NOT NULL, opened_at INTEGER NOT NULL,
  answered_at INTEGER NOT NULL DEFAULT 0, answered_by TEXT NOT NULL DEFAULT '',
  officer_id TEXT NOT NULL DEFAULT '', closed_at INTEGER NOT NULL DEFAULT 0);
CREATE INDEX help_calls_waiting ON help_calls (state, opened_at);
CREATE TABLE staff (
  number INTEGER PRIMARY KEY AUTOINCREMENT, commune TEXT NOT NULL, name TEXT NOT NULL,
  pin_hash TEXT NOT NULL, issued_by TEXT NOT NULL, issued_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL, revoked_at INTEGER NOT NULL DEFAULT 0);
CREATE INDEX staff_commune ON staff (commune);
)sql",
};

}  // namespace

core::Expected<FleetStores> OpenFleet(const std::filesystem::path& file) {
  KIOSK_ASSIGN_OR_RETURN(auto db, storage::Database::Open(file));
  KIOSK_TRY(db.Migrate(kMigrations));
  KIOSK_ASSIGN_OR_RETURN(auto reader, storage::Database::Open(file));
  auto connection = std::make_shared<Connection>();
  connection->db = std::move(db);
  connection->reader = std::move(reader);
  FleetStores stores;
  stores.devices = NewDeviceStore(connection);
  stores.commands = NewCommandStore(connection);
  stores.operators = NewOperatorStore(connection);
  stores.events = NewEventStore(connection);
  stores.help = NewHelpStore(connection);
  return stores;
}

}  // namespace kiosk::gateway::sqlite
