// kiosk-gateway: the province-side reference back end.
//
//   kiosk-gateway --config FILE
//
// Serves HTTPS (TLS 1.2) on two listeners: devices (mutual TLS: a kiosk's
// current certificate, or the bank's for its notifications; peers.h) and
// operators (the dashboard, enrollment). serve.h bounds what a client may
// hold of either.
// SIGTERM stops accepting and lets requests in progress finish.

#include <sys/resource.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <functional>
#include <optional>
#include <thread>

#include "gateway_config.h"
#include "kiosk/catalog/catalog.h"
#include "kiosk/core/config.h"
#include "kiosk/core/device_config.h"
#include "kiosk/core/files.h"
#include "kiosk/core/http.h"
#include "kiosk/core/log.h"
#include "kiosk/core/random.h"
#include "kiosk/core/sd_notify.h"
#include "kiosk/core/tls.h"
#include "kiosk/core/usage.h"
#include "kiosk/gateway/dashboard.h"
#include "kiosk/gateway/intake.h"
#include "kiosk/gateway/peers.h"
#include "kiosk/gateway/serve.h"
#include "kiosk/i18n/translator.h"

namespace core = kiosk::core;
namespace gw = kiosk::gateway;
namespace klog = kiosk::core::log;

namespace {

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

core::HttpResponse NotFound() {
  return {404, {{"Content-Type", "application/json"}}, R"({"error":"not_found"})"};
}

}  // namespace

// Every kept kiosk connection is a socket: as many as the system allows
// this process (the soft limit is often 1024; systemd's unit raises the
// hard one).
namespace {
void RaiseOpenFileLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    (void)::setrlimit(RLIMIT_NOFILE, &limit);
  }
}
}  // namespace

int main(int argc, char** argv) {
  RaiseOpenFileLimit();
  if (argc != 3 || std::string(argv[1]) != "--config") {
    const bool asked = kiosk::core::AsksForHelp(argc, argv);
    std::fprintf(kiosk::core::UsageStream(asked), "usage: kiosk-gateway --config FILE\n");
    return kiosk::core::UsageStatus(asked);
  }
  auto config = gw::ReadGatewayConfig(argv[2]);
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
  auto stores = gw::OpenStores(*config);
  if (!stores) return fail(stores.GetError());
  gw::DossierStore* const store = stores->dossiers.get();
  config->intake.attachments_dir = gw::SharedDir(*config) / "attachments";
  auto random = core::Drbg::Create(core::AsBytes("kiosk-gateway"));
  if (!random) return fail(random.GetError());
  gw::Intake intake(*store, config->intake, core::SystemClock(), **random);
  intake.ShareLimits(stores->limits.get());

  core::TlsOptions tls;
  tls.trusted = *device_cas;
  std::vector<core::Certificate> bank_ca_list;
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
    payment_store = std::move(stores->payments);
    std::vector<std::string> subjects;
    for (const auto& ca : *bank_cas) {
      subjects.push_back(ca.Subject());
      tls.trusted.push_back(ca);
      bank_ca_list.push_back(ca);
    }
    payments = std::make_unique<gw::PaymentDesk>(
        *payment_store, subjects, core::SecretBytes(core::AsBytes(key_text)), core::SystemClock());
    intake.SetPaymentDesk(payments.get());
  }
  auto fleet = gw::OpenFleet(*config, *stores, **random);
  if (!fleet) return fail(fleet.GetError());
  gw::FleetDesk* desk = fleet->desk.get();
  if (desk != nullptr) {
    // Look-ups stay within the asking kiosk's commune.
    intake.SetCommuneOf([desk](const std::string& kiosk) -> std::optional<std::string> {
      auto device = desk->Stores().devices->FindDevice(kiosk);
      if (!device || !*device) return std::nullopt;
      return (*device)->commune;
    });
  }
  tls.identity = core::TlsIdentity{*certs, &*key};
  tls.io_timeout = std::chrono::seconds(30);
  // A kiosk whose kept connection lapsed, or reached another replica,
  // reconnects: resuming spares both sides the handshake's public-key work
  // (see docs/fleet.md for the figures).
  tls.session_ticket_lifetime = std::chrono::seconds(config->session_ticket_s);
  if (!config->session_ticket_key_file.empty()) {
    auto secret = core::ReadSmallFile(config->session_ticket_key_file, 4096);
    if (!secret || secret->size() < 32) {
      return fail(core::Error::NeedsPerson("config.session_ticket_key",
                                           "the session ticket key file holds under 32 bytes"));
    }
    tls.session_ticket_secret = std::make_shared<const core::SecretBytes>(core::AsBytes(*secret));
  }
  // Every handshake asks who the peer is: only a kiosk's current
  // certificate or the bank's gets further.
  if (desk == nullptr) {
    klog::Warn("gateway.no_registry",
               {{"detail", "no [fleet]: any device-CA certificate is the kiosk its CN names"}});
  }
  const gw::PeerPolicy peers(*device_cas, bank_ca_list,
                             desk ? desk->Stores().devices.get() : nullptr, core::SystemClock());
  tls.accept_peer = [&peers](const core::Certificate& peer) {
    const gw::Peer who = peers.Identify(peer);
    if (who.kind == gw::PeerKind::kNobody) {
      klog::Warn("gateway.peer_refused", {{"code", who.why}, {"serial", peer.SerialHex()}});
    }
    return who.kind != gw::PeerKind::kNobody;
  };
  auto server =
      core::TlsServer::Listen(config->address, static_cast<std::uint16_t>(config->port), tls);
  if (!server) return fail(server.GetError());
  // The operator listener authenticates the server only: browsers, and
  // kiosks that have no certificate yet.
  std::optional<core::TlsServer> operator_server;
  std::unique_ptr<gw::Dashboard> dashboard;
  std::optional<kiosk::i18n::Translator> words;
  if (config->operator_port >= 0) {
    if (desk == nullptr) {
      return fail(core::Error::NeedsPerson("config.operator", "[operator] needs [fleet]"));
    }
    core::TlsOptions open_tls;
    open_tls.identity = tls.identity;
    open_tls.io_timeout = std::chrono::seconds(30);
    open_tls.require_client_certificate = false;
    open_tls.session_ticket_lifetime = tls.session_ticket_lifetime;
    open_tls.session_ticket_secret = tls.session_ticket_secret;
    auto listening = core::TlsServer::Listen(
        config->operator_address, static_cast<std::uint16_t>(config->operator_port), open_tls);
    if (!listening) return fail(listening.GetError());
    operator_server = std::move(listening).Value();
    dashboard =
        std::make_unique<gw::Dashboard>(*desk, **random, fleet->rollouts.get(), fleet->help.get());
    // Vietnamese by default: a dashboard without its words would be English.
    auto loaded = kiosk::i18n::Translator::Load(config->locale_dir, {"vi", "en"}, "dashboard");
    if (!loaded) return fail(loaded.GetError());
    words.emplace(std::move(loaded).Value());
    dashboard->SetWords(&*words);
    dashboard->SetCommuneNames(config->commune_names);
    dashboard->SetProcedureNames(config->procedure_names);
    dashboard->SetDossiers(store);
    dashboard->ShareLimits(stores->limits.get());
    if (!config->metrics_token_file.empty()) {
      auto token = core::ReadSmallFile(config->metrics_token_file, 4096);
      if (!token || token->size() < 16) {
        return fail(core::Error::NeedsPerson("config.metrics_token",
                                             "the metrics token file holds under 16 bytes"));
      }
      while (!token->empty() && (token->back() == '\n' || token->back() == '\r')) token->pop_back();
      dashboard->SetMetricsToken(*token);
    }
  }

  // The folders the gateway writes in, and every database file it created,
  // durably in the state directory before anything is acknowledged.
  const std::filesystem::path state_dir(config->state_dir);
  std::error_code dir_error;
  std::filesystem::remove_all(state_dir / "spool", dir_error);  // a crash's leftovers
  std::filesystem::create_directories(state_dir / "spool", dir_error);
  std::filesystem::permissions(state_dir / "spool", std::filesystem::perms::owner_all, dir_error);
  std::filesystem::create_directories(config->intake.attachments_dir, dir_error);
  if (auto synced = core::SyncDirectory(state_dir); !synced) return fail(synced.GetError());

  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);
  std::printf("kiosk-gateway: listening on %s:%u\n", config->address.c_str(), server->Port());
  if (operator_server) {
    std::printf("kiosk-gateway: operator listening on %s:%u\n", config->operator_address.c_str(),
                operator_server->Port());
  }
  std::fflush(stdout);
  klog::Info("gateway.ready", {{"address", config->address}, {"port", server->Port()}});
  core::SdNotify("READY=1");

  // Each listener bounds what a client may hold: connections per address, the
  // handshake's and the head's time, each route's body (serve.h).
  gw::ServeOptions device_options;
  device_options.max_connections = config->max_connections;
  device_options.max_per_address = config->max_connections_per_address;
  device_options.handshake_time = std::chrono::seconds(config->handshake_timeout_s);
  device_options.limits.body_limit = gw::DeviceBodyLimit;
  device_options.limits.spool_dir = std::filesystem::path(config->state_dir) / "spool";
  gw::ServeOptions operator_options = device_options;
  operator_options.limits.body_limit = gw::OperatorBodyLimit;
  operator_options.limits.spool_dir.clear();
  // Connections and requests per listener, on /metrics: how well kiosks
  // keep their connections open shows as many requests to a connection.
  gw::ServeCounters device_counters, operator_counters;
  device_options.counters = &device_counters;
  operator_options.counters = &operator_counters;
  if (dashboard) {
    dashboard->SetMoreMetrics([&device_counters, &operator_counters] {
      return gw::ServeMetrics({{"device", &device_counters}, {"operator", &operator_counters}});
    });
  }
  std::thread operator_thread;
  if (operator_server) {
    operator_thread = std::thread([&] {
      gw::Serve(*operator_server, operator_options, g_stop,
                [&](const core::HttpRequest& request, const core::Certificate*) {
                  // A load balancer's health check: this process serves.
                  // Not the database's state: while it is down, kiosks
                  // are told 503 by every replica and queue.
                  if (request.method == "GET" && request.target == "/healthz") {
                    return core::HttpResponse{200, {{"Content-Type", "text/plain"}}, "ok\n"};
                  }
                  if (auto answer = desk->HandleEnrollment(request)) return *answer;
                  if (auto answer = dashboard->Handle(request)) return *answer;
                  return NotFound();
                });
    });
  }
  gw::Serve(*server, device_options, g_stop,
            [&](const core::HttpRequest& request, const core::Certificate* client) {
              if (client == nullptr) return NotFound();
              const gw::Peer peer = peers.Identify(*client);
              if (auto refused = gw::PeerPolicy::CheckRoute(peer, request)) return *refused;
              if (desk != nullptr && peer.kind == gw::PeerKind::kKiosk) {
                const gw::DeviceRecord* known = peer.device ? &*peer.device : nullptr;
                if (auto answer = desk->HandleDevice(request, *client, known)) return *answer;
                if (auto answer = fleet->help->HandleDevice(request, peer.kiosk_id)) {
                  return *answer;
                }
                if (auto answer = fleet->rollouts->HandleDevice(request, peer.kiosk_id)) {
                  return *answer;
                }
              }
              return intake.Handle(request, *client);
            });
  if (operator_thread.joinable()) operator_thread.join();
  klog::Info("gateway.stopped");
  return 0;
}
