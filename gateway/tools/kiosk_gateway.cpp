// kiosk-gateway: the province-side reference back end.
//
//   kiosk-gateway --config FILE
//
// Serves HTTPS (TLS 1.2) on the configured address, requires a device
// certificate from the device CA, and hands each request to the intake.
// SIGTERM stops accepting and lets requests in progress finish.

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <thread>

#include "kiosk/catalog/catalog.h"
#include "kiosk/core/config.h"
#include "kiosk/core/device_config.h"
#include "kiosk/core/http.h"
#include "kiosk/core/log.h"
#include "kiosk/core/random.h"
#include "kiosk/core/tls.h"
#include "kiosk/gateway/intake.h"

namespace core = kiosk::core;
namespace gw = kiosk::gateway;
namespace klog = kiosk::core::log;

namespace {

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

struct GatewayConfig {
  std::string address = "127.0.0.1";
  int port = 8443;
  std::string certificate;
  std::string key;
  std::string device_ca;
  std::string bank_ca;        // [bank]: the collecting bank's client CA, for VietQR notifications
  std::string bank_key_file;  // the key its notifications are signed with
  std::string state_dir = "gateway-state";
  int max_connections = 64;
  gw::IntakeConfig intake;
  core::LogConfig log;
};

core::Expected<GatewayConfig> ReadConfig(const std::string& path) {
  KIOSK_ASSIGN_OR_RETURN(auto doc, core::config::Document::Load(path));
  GatewayConfig c;
  core::config::Reader reader(doc);
  auto listen = reader.Table("listen");
  listen.Read("address", c.address);
  listen.Read("port", c.port, 0, 65535);
  listen.Read("max_connections", c.max_connections, 1, 4096);
  auto tls = reader.Table("tls");
  for (const char* key : {"certificate", "key", "device_ca"}) tls.Require(key);
  tls.Read("certificate", c.certificate);
  tls.Read("key", c.key);
  tls.Read("device_ca", c.device_ca);
  auto bank = reader.Table("bank");
  bank.Read("ca", c.bank_ca);
  bank.Read("key_file", c.bank_key_file);
  bank.Check(c.bank_ca.empty() == c.bank_key_file.empty(), "ca",
             "the bank needs both its CA and its notification key");
  auto storage = reader.Table("storage");
  storage.Read("dir", c.state_dir);
  // Time limits: from the kiosks' procedure catalog, then [procedures]
  // overrides (code = working days).
  std::string catalog_file;
  reader.Table("catalog").Read("file", catalog_file);
  if (!catalog_file.empty()) {
    KIOSK_ASSIGN_OR_RETURN(auto catalog, kiosk::catalog::Catalog::Load(catalog_file));
    for (const auto& p : catalog.Procedures()) {
      c.intake.procedure_days[p.code] = p.time_limit.working_days;
    }
  }
  auto procedures = reader.Table("procedures");
  for (const auto& code : procedures.Keys()) {
    int days = 0;
    procedures.Read(code, days, 0, 365);
    c.intake.procedure_days[code] = days;
  }
  auto calendar = reader.Table("calendar");
  std::vector<std::string> holidays;
  calendar.Read("holidays", holidays);
  calendar.Read("utc_offset_hours", c.intake.utc_offset_hours, -12, 14);
  for (const auto& h : holidays) {
    auto day = gw::ParseDay(h);
    calendar.Check(day.HasValue(), "holidays", "every holiday must be YYYY-MM-DD: " + h);
    if (day) c.intake.holidays.insert(*day);
  }
  core::ReadLogConfig(reader.Table("log"), c.log);
  KIOSK_TRY(reader.Finish());
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || std::string(argv[1]) != "--config") {
    std::fprintf(stderr, "usage: kiosk-gateway --config FILE\n");
    return 2;
  }
  auto config = ReadConfig(argv[2]);
  if (!config) {
    std::fprintf(stderr, "kiosk-gateway: %s\n", config.GetError().ToString().c_str());
    return 2;
  }
  klog::Install(
      std::make_unique<klog::Logger>(klog::SinkForEnvironment("kiosk-gateway"), config->log.level));
  auto fail = [](const core::Error& e) {
    klog::Error("gateway.failed", {{"error", e.ToString()}});
    return 1;
  };
  auto certs = core::LoadCertificateFile(config->certificate);
  auto key = core::LoadPrivateKeyFile(config->key);
  auto device_cas = core::LoadCertificateFile(config->device_ca);
  if (!certs) return fail(certs.GetError());
  if (!key) return fail(key.GetError());
  if (!device_cas) return fail(device_cas.GetError());

  std::filesystem::create_directories(config->state_dir);
  auto store = gw::OpenSqliteStore(std::filesystem::path(config->state_dir) / "gateway.db");
  if (!store) return fail(store.GetError());
  config->intake.attachments_dir = std::filesystem::path(config->state_dir) / "attachments";
  auto random = core::Drbg::Create(core::AsBytes("kiosk-gateway"));
  if (!random) return fail(random.GetError());
  gw::Intake intake(**store, config->intake, core::SystemClock(), **random);

  core::TlsOptions tls;
  tls.trusted = *device_cas;
  // VietQR payments: the bank's certificates are trusted for /v1/bank/ only.
  std::unique_ptr<gw::PaymentStore> payment_store;
  std::unique_ptr<gw::PaymentDesk> payments;
  if (!config->bank_ca.empty()) {
    auto bank_cas = core::LoadCertificateFile(config->bank_ca);
    if (!bank_cas) return fail(bank_cas.GetError());
    std::ifstream key_in(config->bank_key_file, std::ios::binary);
    const std::string key_text((std::istreambuf_iterator<char>(key_in)), {});
    if (key_text.size() < 32) {
      return fail(core::Error::NeedsPerson("bank.key", "the bank key file holds under 32 bytes"));
    }
    auto opened =
        gw::OpenSqlitePaymentStore(std::filesystem::path(config->state_dir) / "payments.db");
    if (!opened) return fail(opened.GetError());
    payment_store = std::move(opened).Value();
    std::vector<std::string> subjects;
    for (const auto& ca : *bank_cas) {
      subjects.push_back(ca.Subject());
      tls.trusted.push_back(ca);
    }
    payments = std::make_unique<gw::PaymentDesk>(
        *payment_store, subjects, core::SecretBytes(core::AsBytes(key_text)), core::SystemClock());
    intake.SetPaymentDesk(payments.get());
  }
  tls.identity = core::TlsIdentity{*certs, &*key};
  tls.io_timeout = std::chrono::seconds(30);
  auto server =
      core::TlsServer::Listen(config->address, static_cast<std::uint16_t>(config->port), tls);
  if (!server) return fail(server.GetError());

  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);
  std::printf("kiosk-gateway: listening on %s:%u\n", config->address.c_str(), server->Port());
  std::fflush(stdout);
  klog::Info("gateway.ready", {{"address", config->address}, {"port", server->Port()}});

  std::mutex mutex;
  std::condition_variable idle;
  int active = 0;
  while (!g_stop) {
    {
      std::unique_lock lock(mutex);
      idle.wait(lock, [&] { return active < config->max_connections; });
    }
    auto connection = server->Accept(std::chrono::milliseconds(250));
    if (!connection) {
      if (connection.GetError().Code() != "tls.no_client") {
        klog::Warn("gateway.handshake_refused", {{"code", connection.GetError().Code()},
                                                 {"error", connection.GetError().Message()}});
      }
      continue;
    }
    {
      std::lock_guard lock(mutex);
      ++active;
    }
    std::thread([&, c = std::move(connection).Value()]() mutable {
      auto request = core::ReadHttpRequest(c);
      auto peer = c.PeerCertificate();
      if (request && peer) {
        (void)core::WriteHttpResponse(c, intake.Handle(*request, *peer));
      }
      c.Close();
      std::lock_guard lock(mutex);
      --active;
      idle.notify_all();
    }).detach();
  }
  std::unique_lock lock(mutex);
  idle.wait(lock, [&] { return active == 0; });
  klog::Info("gateway.stopped");
  return 0;
}
