#pragma once

// kiosk-gateway's configuration, shared with kiosk-fleetctl (which works on
// the same state directory and keys). Example in docs/fleet.md.

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "kiosk/core/config.h"
#include "kiosk/core/device_config.h"
#include "kiosk/core/pk.h"
#include "kiosk/core/random.h"
#include "kiosk/core/x509.h"
#include "kiosk/gateway/fleet.h"
#include "kiosk/gateway/help.h"
#include "kiosk/gateway/intake.h"
#include "kiosk/gateway/rollouts.h"
#include "kiosk/gateway/store/limits.h"

namespace kiosk::gateway {

struct GatewayConfig {
  std::string address = "127.0.0.1";
  int port = 8443;
  std::string operator_address = "127.0.0.1";  // [operator]: dashboard, enrollment, /metrics
  int operator_port = -1;                      // -1: no operator listener
  std::string metrics_token_file;  // /metrics from elsewhere than loopback needs this token
  std::string locale_dir;          // [operator] locale: the dashboard's catalogs
  std::map<std::string, std::string> commune_names;    // [[commune]] code, name
  std::map<std::string, std::string> procedure_names;  // from [catalog] file
  std::string certificate;
  std::string key;
  std::string device_ca;
  std::string device_ca_key;  // [fleet] ca_key: enrollment issues certificates with it
  std::string config_key;     // [fleet] config_key: signs remote config changes
  std::string bank_ca;        // [bank]: the collecting bank's client CA, for VietQR notifications
  std::string bank_key_file;  // the key its notifications are signed with
  std::string state_dir = "gateway-state";  // [storage] dir: this process's own files
  // [storage] database: "sqlite" (files in state_dir, the embedded default)
  // or "postgresql" (one database every replica shares; docs/deployment.md).
  std::string database = "sqlite";
  std::string postgresql;     // [storage] postgresql: the libpq connection string
  int pool_size = 8;          // [storage] pool_size: PostgreSQL connections at most
  std::string shared_dir;     // [storage] shared_dir: attachments and bundles; "": state_dir
  int max_connections = 256;  // [listen], per listener
  int max_connections_per_address = 16;  // [listen]: one source address at once
  int handshake_timeout_s = 5;           // [listen]: a TLS handshake in all
  int session_ticket_s = 3600;           // [listen]: TLS sessions resumable this long; 0: none
  // [listen] session_ticket_key_file: the secret every replica seals its
  // session tickets with (32 bytes or more), so a kiosk resumes at any of
  // them; "": a key of this process only.
  std::string session_ticket_key_file;
  IntakeConfig intake;
  FleetConfig fleet;
  core::LogConfig log;
};

core::Expected<GatewayConfig> ReadGatewayConfig(const std::string& path);

// Every store of the gateway, as [storage] names them.
struct GatewayStores {
  std::unique_ptr<DossierStore> dossiers;
  std::unique_ptr<PaymentStore> payments;
  std::unique_ptr<FleetStores> fleet;
  std::unique_ptr<RolloutStore> rollouts;
  // The counters that slow down guessing, when replicas share them
  // (PostgreSQL); null: each process counts in memory.
  std::unique_ptr<LimitStore> limits;
};
core::Expected<GatewayStores> OpenStores(const GatewayConfig& config);

// Where attachments and update bundles go: the directory every replica
// shares (a mounted volume), or the state directory of a lone gateway.
std::filesystem::path SharedDir(const GatewayConfig& config);

// The fleet desk and what it needs, opened from a config.
struct FleetParts {
  std::unique_ptr<FleetStores> stores;  // the desks hold references: kept in place
  std::unique_ptr<RolloutStore> rollout_store;
  std::unique_ptr<core::PrivateKey> ca_key;
  std::unique_ptr<core::PrivateKey> config_key;
  std::unique_ptr<FleetDesk> desk;
  std::unique_ptr<RolloutDesk> rollouts;  // offers updates through the desk's heartbeats
  std::unique_ptr<core::Drbg> help_random;
  std::unique_ptr<HelpDesk> help;  // citizens' calls for an officer; officers' PINs
};
// Empty parts when [fleet] is not configured; else takes the fleet's and
// the rollouts' stores from `stores`.
core::Expected<FleetParts> OpenFleet(const GatewayConfig& config, GatewayStores& stores,
                                     core::RandomSource& random);

}  // namespace kiosk::gateway
