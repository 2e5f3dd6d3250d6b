// kiosk-agent: drains the outbox to the gateway over mutual TLS, sends
// heartbeats and runs the remote commands they bring back.
//
//   kiosk-agent --config FILE [--config FILE...]
//
// Later files override earlier ones key by key: the packaged defaults, then
// what kiosk-provision wrote for this kiosk.
//
// Crash-only: it may be killed at any moment; an upload in flight is retried
// after restart and the gateway answers it with the same code. SIGTERM lets
// the upload in progress finish, then exits.

#include <csignal>
#include <cstdio>
#include <thread>

#include "kiosk/agent/agent_config.h"
#include "kiosk/agent/board_monitor.h"
#include "kiosk/agent/heartbeat.h"
#include "kiosk/agent/payment_relay.h"
#include "kiosk/agent/rating_sender.h"
#include "kiosk/agent/updater.h"
#include "kiosk/agent/uploader.h"
#include "kiosk/board/board.h"
#include "kiosk/core/config.h"
#include "kiosk/core/device_config.h"
#include "kiosk/core/files.h"
#include "kiosk/core/log.h"
#include "kiosk/core/sd_notify.h"
#include "kiosk/core/text.h"
#include "kiosk/core/usage.h"
#include "kiosk/dossier/package.h"
#include "kiosk/link/app_status.h"

namespace core = kiosk::core;
namespace klog = kiosk::core::log;

namespace {

using kiosk::agent::AgentConfig;
using kiosk::agent::ReadConfig;

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

}  // namespace

int main(int argc, char** argv) {
  if (core::AsksForHelp(argc, argv)) {
    std::printf("usage: kiosk-agent --config FILE [--config FILE...]\n");
    return 0;
  }
  std::vector<std::filesystem::path> files;
  for (int i = 1; i + 1 < argc && std::string(argv[i]) == "--config"; i += 2) {
    files.emplace_back(argv[i + 1]);
  }
  if (files.empty() || argc != 1 + 2 * static_cast<int>(files.size())) {
    std::fprintf(stderr, "usage: kiosk-agent --config FILE [--config FILE...]\n");
    return 2;
  }
  auto config = ReadConfig(files);
  if (!config) {
    std::fprintf(stderr, "kiosk-agent: %s\n", config.GetError().ToString().c_str());
    return 2;
  }
  klog::Install(
      std::make_unique<klog::Logger>(klog::SinkForEnvironment("kiosk-agent"), config->log.level));
  auto fail = [](const core::Error& e) {
    klog::Error("agent.failed", {{"error", e.ToString()}});
    return 1;
  };
  auto random = core::Drbg::Create(core::AsBytes("kiosk-agent"));
  if (!random) return fail(random.GetError());
  auto pinned = core::LoadCertificateFile(config->gateway_ca);
  auto chain = core::LoadCertificateFile(config->certificate);
  auto key = core::LoadPrivateKeyFile(config->key);
  if (!pinned) return fail(pinned.GetError());
  if (!chain) return fail(chain.GetError());
  if (!key) return fail(key.GetError());
  auto storage_key = kiosk::dossier::LoadOrCreateStorageKey(config->storage_key, **random);
  if (!storage_key) return fail(storage_key.GetError());
  auto outbox = kiosk::dossier::Outbox::Open(config->outbox_dir, core::SystemClock());
  if (!outbox) return fail(outbox.GetError());

  kiosk::agent::GatewayEndpoint gateway{
      config->gateway_host, static_cast<std::uint16_t>(config->gateway_port), {}};
  gateway.tls.trusted = *pinned;
  gateway.tls.identity = core::TlsIdentity{*chain, &*key};
  gateway.tls.server_name = config->server_name;
  // Uploads and heartbeats resume one TLS session instead of a full handshake each.
  gateway.tls.session_cache = std::make_shared<core::TlsSessionCache>();
  // One connection kept open to the gateway: a heartbeat or an upload costs
  // no handshake (docs/deployment.md).
  gateway.tls.connection_cache = std::make_shared<core::TlsConnectionCache>();
  kiosk::agent::Backoff backoff{std::chrono::milliseconds(config->backoff_first_ms),
                                std::chrono::milliseconds(config->backoff_max_ms)};
  kiosk::agent::Uploader uploader(*outbox, *storage_key, gateway, backoff, core::SystemClock(),
                                  **random);
  if (!config->sealing_statement.empty()) {
    auto statement = core::ReadSmallFile(config->sealing_statement, 4096);
    if (!statement) return fail(statement.GetError());
    uploader.SetSealingStatement(std::string(core::TrimAscii(*statement)));
  }

  auto commands = config->commands;
  commands.kiosk_id = config->device.kiosk_id;
  for (const auto& log : config->logs) commands.log_files.emplace_back(log);
  commands.log_tail_bytes = static_cast<std::size_t>(config->log_tail_kb) * 1024;
  if (!config->config_signer.empty()) {
    auto pem = core::ReadSmallFile(config->config_signer, 64 * 1024);
    if (!pem) return fail(pem.GetError());
    auto signer = core::PublicKey::FromPem(*pem);
    if (!signer) return fail(signer.GetError());
    commands.config_signer = *signer;
  }
  kiosk::agent::CommandRunner runner(commands, core::SystemClock());
  auto health = config->health;
  health.kiosk_id = config->device.kiosk_id;
  health.outbox = &*outbox;
  for (const auto& zone : config->thermal_zones) health.thermal_zones.emplace_back(zone);

  // The board: door alarm, LEDs, the hardware watchdog.
  kiosk::board::TamperLatch tamper(config->tamper_latch, core::SystemClock());
  auto board_parts = kiosk::agent::OpenBoard(*config, health);
  if (!board_parts) return fail(board_parts.GetError());
  std::unique_ptr<kiosk::board::Board> board = std::move(board_parts->board);
  std::unique_ptr<kiosk::board::WatchdogFeeder> watchdog_feeder = std::move(board_parts->watchdog);
  // Alive, for the board's watchdog and for systemd's (WatchdogSec=): called
  // by the loop and during long work (a self-test, an install).
  const auto progress = [&watchdog_feeder] {
    if (watchdog_feeder) watchdog_feeder->Progress();
    core::SdNotify("WATCHDOG=1");
  };

  // Updates: ranges of the bundle and status reports over the same TLS session.
  std::unique_ptr<kiosk::agent::Updater> updater;
  if (config->updates) {
    updater = std::make_unique<kiosk::agent::Updater>(
        config->update, kiosk::agent::GatewayUpdateTransport(gateway), core::SystemClock());
    // Ready first: after an update the self-test waits for kiosk-app, which
    // starts after the agent. Alive meanwhile for systemd and the board.
    core::SdNotify("READY=1");
    if (auto started = updater->Start(progress); !started) return fail(started.GetError());
    health.slot = updater->Slot();
    health.compatible = updater->Compatible();
    if (!updater->RunningVersion().empty()) health.os_version = updater->RunningVersion();
  }
  kiosk::agent::Heartbeater heartbeater(gateway, health, runner,
                                        std::chrono::seconds(config->heartbeat_interval_s),
                                        core::SystemClock());
  if (updater) {
    heartbeater.OnUpdateOffer([&updater](const std::string& text) {
      auto offer = kiosk::agent::ParseUpdateOffer(text);
      if (offer) {
        updater->Offer(*offer);
      } else {
        klog::Warn("agent.bad_update_offer", {{"error", offer.GetError().Message()}});
      }
    });
  }
  // kiosk-app's payment asks and calls for an officer, on a thread and a
  // TLS session of their own.
  kiosk::agent::GatewayEndpoint payment_gateway = gateway;
  payment_gateway.tls.session_cache = std::make_shared<core::TlsSessionCache>();
  kiosk::agent::PaymentRelay relay(
      kiosk::link::PaymentMailbox(config->payment_mailbox),
      [&payment_gateway](const core::HttpRequest& request) {
        return core::HttpsRequest(payment_gateway.host, payment_gateway.port, payment_gateway.tls,
                                  request, 64 * 1024);
      },
      std::chrono::milliseconds(config->payment_poll_ms));
  kiosk::agent::HelpRelay help(
      kiosk::link::HelpMailbox(config->help_mailbox),
      [&payment_gateway](const core::HttpRequest& request) {
        return core::HttpsRequest(payment_gateway.host, payment_gateway.port, payment_gateway.tls,
                                  request, 64 * 1024);
      },
      std::chrono::milliseconds(config->help_poll_ms));
  kiosk::agent::PaymentRelayThread relay_thread(relay, std::chrono::milliseconds(100), &help);
  // The citizens' ratings, after their dossiers (the uploads' TLS session).
  kiosk::agent::RatingSender ratings(kiosk::link::RatingOutbox(config->ratings_outbox),
                                     [&gateway](const core::HttpRequest& request) {
                                       return core::HttpsRequest(gateway.host, gateway.port,
                                                                 gateway.tls, request, 16 * 1024);
                                     });
  std::optional<kiosk::agent::BoardMonitor> monitor;
  if (board) {
    monitor.emplace(
        *board, tamper,
        [&runner, &updater] { return runner.Maintenance() || (updater && updater->Holding()); },
        [&help] { return help.Called(); });
  }

  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);
  core::SdNotify("READY=1");
  klog::Info("agent.ready",
             {{"kiosk", config->device.kiosk_id},
              {"gateway", config->gateway_host + ":" + std::to_string(config->gateway_port)}});
  const auto watchdog = core::WatchdogInterval();
  auto last_watchdog = std::chrono::steady_clock::now();
  while (!g_stop) {
    progress();
    if (monitor) {
      auto raised = monitor->Step();
      if (!raised) {
        klog::Warn("agent.board_failed", {{"error", raised.GetError().Code()}});
      } else if (*raised) {
        heartbeater.Soon();  // the operators hear of the open door now
      }
    }
    if (auto beat = heartbeater.Step(); !beat) {
      klog::Warn("agent.heartbeat_failed", {{"error", beat.GetError().ToString()}});
    }
    bool busy = false;
    if (updater) {
      auto app = kiosk::link::ReadAppStatus(health.app_status_file);
      kiosk::agent::AppActivity activity;
      activity.fresh =
          app && core::SystemClock().Now() - app->written_at <= health.app_status_stale;
      activity.in_use = activity.fresh && app->in_use;
      activity.out_of_service = activity.fresh && app->out_of_service;
      auto updated = updater->Step(activity, progress);
      if (!updated) {
        klog::Warn("agent.update_step_failed", {{"error", updated.GetError().ToString()}});
      } else {
        busy = *updated;
      }
    }
    auto step = uploader.Step();
    if (!step) {
      klog::Error("agent.step_failed", {{"error", step.GetError().ToString()}});
    }
    if (auto rated = ratings.Step(std::chrono::steady_clock::now()); !rated) {
      klog::Warn("agent.ratings_failed", {{"error", rated.GetError().Code()}});
    }
    if (watchdog && std::chrono::steady_clock::now() - last_watchdog >= *watchdog) {
      core::SdNotify("WATCHDOG=1");
      last_watchdog = std::chrono::steady_clock::now();
    }
    if (!busy && (!step || *step == kiosk::agent::StepResult::kIdle)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(config->idle_poll_ms));
    }
  }
  core::SdNotify("STOPPING=1");
  klog::Info("agent.stopped");
  return 0;
}
