#include "gateway_config.h"

#include <filesystem>

#include "kiosk/catalog/catalog.h"
#include "kiosk/gateway/store/postgres.h"
#include "kiosk/gateway/store/sqlite.h"

namespace kiosk::gateway {

core::Expected<GatewayConfig> ReadGatewayConfig(const std::string& path) {
  KIOSK_ASSIGN_OR_RETURN(auto doc, core::config::Document::Load(path));
  GatewayConfig c;
  core::config::Reader reader(doc);
  auto listen = reader.Table("listen");
  listen.Read("address", c.address);
  listen.Read("port", c.port, 0, 65535);
  listen.Read("max_connections", c.max_connections, 1, 4096);
  listen.Read("max_connections_per_address", c.max_connections_per_address, 1, 4096);
  listen.Read("handshake_timeout_s", c.handshake_timeout_s, 1, 60);
  listen.Read("session_ticket_s", c.session_ticket_s, 0, 86400);
  listen.Read("session_ticket_key_file", c.session_ticket_key_file);
  auto operator_listen = reader.Table("operator");
  operator_listen.Read("address", c.operator_address);
  operator_listen.Read("port", c.operator_port, 0, 65535);
  operator_listen.Read("metrics_token_file", c.metrics_token_file);
  c.locale_dir = KIOSK_GATEWAY_DEFAULT_LOCALE_DIR;
  operator_listen.Read("locale", c.locale_dir);
  // The communes the dashboard names: [[commune]] code = "20314", name = "Phường An Mỹ".
  for (auto& commune : reader.Root().TableArray("commune")) {
    std::string code, name;
    commune.Require("code");
    commune.Require("name");
    commune.Read("code", code);
    commune.Read("name", name);
    c.commune_names[code] = name;
  }
  auto tls = reader.Table("tls");
  for (const char* key : {"certificate", "key", "device_ca"}) tls.Require(key);
  tls.Read("certificate", c.certificate);
  tls.Read("key", c.key);
  tls.Read("device_ca", c.device_ca);
  auto fleet = reader.Table("fleet");
  fleet.Read("ca_key", c.device_ca_key);
  fleet.Read("config_key", c.config_key);
  fleet.Check(c.device_ca_key.empty() == c.config_key.empty(), "ca_key",
              "the fleet needs both the device CA's key and the config signing key");
  fleet.Read("heartbeat_interval_s", c.fleet.heartbeat_interval_s, 1, 3600);
  fleet.Read("offline_after_s", c.fleet.offline_after_s, 1, 86400);
  fleet.Read("backlog_alert_s", c.fleet.backlog_alert_s, 1, 7 * 86400);
  fleet.Read("certificate_days", c.fleet.certificate_days, 1, 3650);
  fleet.Read("history_days", c.fleet.history_days, 1, 3650);
  auto bank = reader.Table("bank");
  bank.Read("ca", c.bank_ca);
  bank.Read("key_file", c.bank_key_file);
  bank.Check(c.bank_ca.empty() == c.bank_key_file.empty(), "ca",
             "the bank needs both its CA and its notification key");
  auto storage = reader.Table("storage");
  storage.Read("dir", c.state_dir);
  storage.Read("database", c.database);
  storage.Check(c.database == "sqlite" || c.database == "postgresql", "database",
                "must be \"sqlite\" or \"postgresql\"");
  storage.Read("postgresql", c.postgresql);
  storage.Check(c.database != "postgresql" || !c.postgresql.empty(), "postgresql",
                "database = \"postgresql\" needs the connection string");
  storage.Read("pool_size", c.pool_size, 1, 256);
  storage.Read("shared_dir", c.shared_dir);
  // Time limits: from the kiosks' procedure catalog, then [procedures]
  // overrides (code = working days).
  std::string catalog_file;
  reader.Table("catalog").Read("file", catalog_file);
  if (!catalog_file.empty()) {
    KIOSK_ASSIGN_OR_RETURN(auto catalog, kiosk::catalog::Catalog::Load(catalog_file));
    for (const auto& p : catalog.Procedures()) {
      c.intake.time_limits[p.code] = p.time_limit;
      c.procedure_names[p.code] = p.name.vi;
    }
  }
  auto procedures = reader.Table("procedures");
  for (const auto& code : procedures.Keys()) {
    kiosk::catalog::TimeLimit limit;
    procedures.Read(code, limit.days, 0, 365);
    c.intake.time_limits[code] = limit;
  }
  // The year's decisions beyond the Labour Code's holidays (calendar.h).
  auto calendar = reader.Table("calendar");
  calendar.Read("utc_offset_hours", c.intake.utc_offset_hours, -12, 14);
  for (const auto& [key, into] : {std::pair{"holidays", &c.intake.calendar.days_off},
                                  std::pair{"working_days", &c.intake.calendar.working_days}}) {
    std::vector<std::string> days;
    calendar.Read(key, days);
    for (const auto& text : days) {
      auto day = ParseDay(text);
      calendar.Check(day.HasValue(), key, std::string("every day must be YYYY-MM-DD: ") + text);
      if (day) into->insert(*day);
    }
  }
  core::ReadLogConfig(reader.Table("log"), c.log);
  KIOSK_TRY(reader.Finish());
  return c;
}

std::filesystem::path SharedDir(const GatewayConfig& config) {
  return config.shared_dir.empty() ? config.state_dir : config.shared_dir;
}

core::Expected<GatewayStores> OpenStores(const GatewayConfig& config) {
  GatewayStores stores;
  if (config.database == "postgresql") {
    postgres::Options options;
    options.conninfo = config.postgresql;
    options.pool_size = config.pool_size;
    KIOSK_ASSIGN_OR_RETURN(auto db, postgres::Open(options));
    stores.dossiers = postgres::DossiersOn(db);
    stores.payments = postgres::PaymentsOn(db);
    stores.fleet = std::make_unique<FleetStores>(postgres::FleetOn(db));
    stores.rollouts = postgres::RolloutsOn(db);
    stores.limits = postgres::LimitsOn(db);
    return stores;
  }
  std::filesystem::create_directories(config.state_dir);
  const std::filesystem::path dir = config.state_dir;
  KIOSK_ASSIGN_OR_RETURN(stores.dossiers, sqlite::OpenDossiers(dir / "gateway.db"));
  KIOSK_ASSIGN_OR_RETURN(stores.payments, sqlite::OpenPayments(dir / "payments.db"));
  KIOSK_ASSIGN_OR_RETURN(auto fleet, sqlite::OpenFleet(dir / "fleet.db"));
  stores.fleet = std::make_unique<FleetStores>(std::move(fleet));
  KIOSK_ASSIGN_OR_RETURN(stores.rollouts, sqlite::OpenRollouts(dir / "updates.db"));
  return stores;
}

core::Expected<FleetParts> OpenFleet(const GatewayConfig& config, GatewayStores& stores,
                                     core::RandomSource& random) {
  FleetParts parts;
  if (config.device_ca_key.empty()) return parts;
  KIOSK_ASSIGN_OR_RETURN(auto cas, core::LoadCertificateFile(config.device_ca));
  if (cas.empty()) return core::Error::NeedsPerson("fleet.no_ca", "no device CA certificate");
  KIOSK_ASSIGN_OR_RETURN(auto ca_key, core::LoadPrivateKeyFile(config.device_ca_key));
  KIOSK_ASSIGN_OR_RETURN(auto config_key, core::LoadPrivateKeyFile(config.config_key));
  parts.stores = std::move(stores.fleet);
  parts.rollout_store = std::move(stores.rollouts);
  parts.ca_key = std::make_unique<core::PrivateKey>(std::move(ca_key));
  parts.config_key = std::make_unique<core::PrivateKey>(std::move(config_key));
  parts.desk = std::make_unique<FleetDesk>(*parts.stores, config.fleet, cas.front(), *parts.ca_key,
                                           *parts.config_key, core::SystemClock(), random);
  KIOSK_ASSIGN_OR_RETURN(parts.rollouts,
                         RolloutDesk::Open(SharedDir(config) / "bundles", *parts.rollout_store,
                                           *parts.stores->devices, core::SystemClock()));
  parts.desk->SetUpdateOffers([rollouts = parts.rollouts.get()](const DeviceRecord& device,
                                                                const std::string& running,
                                                                const std::string& compatible) {
    return rollouts->OfferFor(device, running, compatible);
  });
  KIOSK_ASSIGN_OR_RETURN(parts.help_random, core::Drbg::Create(core::AsBytes("kiosk-help")));
  parts.help = std::make_unique<HelpDesk>(*parts.stores->help, *parts.stores->devices,
                                          *parts.help_random, core::SystemClock());
  return parts;
}

}  // namespace kiosk::gateway
