#pragma once

// The gateway's stores on PostgreSQL, for a province that runs several
// gateways against one database it operates and backs up
// (docs/deployment.md). Every aggregate lives in one database; its schema
// is migrated through numbered steps, each applied once under an advisory
// lock, so replicas starting together agree. Each call leases a connection
// from a bounded pool; dossier codes come from a sequence row locked for
// the admitting transaction, so they stay gapless across replicas.

#include <chrono>
#include <memory>
#include <string>

#include "kiosk/core/error.h"
#include "kiosk/gateway/store/limits.h"
#include "kiosk/gateway/store/stores.h"

namespace kiosk::gateway::postgres {

struct Options {
  // A libpq connection string or URI: "host=/run/postgresql dbname=kiosk",
  // "postgresql://gateway@db.example/kiosk?sslmode=verify-full".
  std::string conninfo;
  int pool_size = 8;  // connections this process holds at most
  // How long a call waits for a free connection before "store.busy".
  std::chrono::milliseconds acquire_timeout{2000};
  int connect_timeout_s = 3;
};

class Database;

// Connects once and brings the schema up to date.
core::Expected<std::shared_ptr<Database>> Open(const Options& options);

std::unique_ptr<DossierStore> DossiersOn(std::shared_ptr<Database> db);
std::unique_ptr<PaymentStore> PaymentsOn(std::shared_ptr<Database> db);
FleetStores FleetOn(const std::shared_ptr<Database>& db);
std::unique_ptr<RolloutStore> RolloutsOn(std::shared_ptr<Database> db);
std::unique_ptr<LimitStore> LimitsOn(std::shared_ptr<Database> db);

// The schema's version: the number of migration steps applied.
core::Expected<int> SchemaVersion(Database& db);

}  // namespace kiosk::gateway::postgres
