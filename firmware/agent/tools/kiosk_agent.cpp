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

#include "kiosk/agent/heartbeat.h"
#include "kiosk/agent/uploader.h"
#include "kiosk/core/config.h"
#include "kiosk/core/device_config.h"
#include "kiosk/core/files.h"
#include "kiosk/core/log.h"
#include "kiosk/core/sd_notify.h"
#include "kiosk/dossier/package.h"

namespace core = kiosk::core;
namespace klog = kiosk::core::log;

namespace {

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

struct AgentConfig {
  core::DeviceConfig device;
  core::LogConfig log;
  std::string outbox_dir = "state/outbox";
  std::string storage_key = "state/storage.key";
  std::string gateway_host = "127.0.0.1";
  int gateway_port = 8443;
  std::string gateway_ca;
  std::string server_name = "localhost";
  std::string certificate;
  std::string key;
  int backoff_first_ms = 1000;
  int backoff_max_ms = 300000;
  int idle_poll_ms = 200;
  int heartbeat_interval_s = 60;
  kiosk::agent::HealthSources health;
  std::vector<std::string> thermal_zones;
  kiosk::agent::CommandSettings commands;
  std::vector<std::string> logs;
  int log_tail_kb = 256;
  std::string config_signer;
};

core::Expected<AgentConfig> ReadConfig(const std::vector<std::filesystem::path>& paths) {
  KIOSK_ASSIGN_OR_RETURN(auto doc, core::config::Document::LoadAll(paths));
  AgentConfig c;
  core::config::Reader reader(doc);
  core::ReadDeviceConfig(reader.Table("device"), c.device);
  core::ReadLogConfig(reader.Table("log"), c.log);
  auto outbox = reader.Table("outbox");
  outbox.Read("dir", c.outbox_dir);
  outbox.Read("storage_key", c.storage_key);
  auto gateway = reader.Table("gateway");
  gateway.Require("ca");
  gateway.Read("host", c.gateway_host);
  gateway.Read("port", c.gateway_port, 1, 65535);
  gateway.Read("ca", c.gateway_ca);
  gateway.Read("server_name", c.server_name);
  auto tls = reader.Table("tls");
  tls.Require("certificate");
  tls.Require("key");
  tls.Read("certificate", c.certificate);
  tls.Read("key", c.key);
  auto upload = reader.Table("upload");
  upload.Read("backoff_first_ms", c.backoff_first_ms, 10, 3'600'000);
  upload.Read("backoff_max_ms", c.backoff_max_ms, 10, 86'400'000);
  upload.Read("idle_poll_ms", c.idle_poll_ms, 10, 60'000);
  auto heartbeat = reader.Table("heartbeat");
  heartbeat.Read("interval_s", c.heartbeat_interval_s, 1, 3600);
  std::string app_status = "state/app-status.json", disk = "/", os_version;
  heartbeat.Read("app_status", app_status);
  heartbeat.Read("disk_path", disk);
  heartbeat.Read("thermal_zones", c.thermal_zones);
  heartbeat.Read("os_version", os_version);
  c.health.app_status_file = app_status;
  c.health.disk_path = disk;
  c.health.os_version = os_version;
  auto commands = reader.Table("commands");
  commands.Read("restart_app", c.commands.restart_app);
  commands.Read("reboot", c.commands.reboot);
  commands.Read("self_test", c.commands.self_test);
  commands.Read("logs", c.logs);
  commands.Read("log_tail_kb", c.log_tail_kb, 1, 65536);
  std::string maintenance = "state/maintenance", remote = "state/remote-config.json",
              journal = "state/commands.json";
  commands.Read("maintenance_file", maintenance);
  commands.Read("remote_config", remote);
  commands.Read("journal", journal);
  commands.Read("config_signer", c.config_signer);
  c.commands.maintenance_file = maintenance;
  c.commands.remote_config_file = remote;
  c.commands.journal = journal;
  KIOSK_TRY(reader.Finish());
  return c;
}

}  // namespace

int main(int argc, char** argv) {
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
  kiosk::agent::Backoff backoff{std::chrono::milliseconds(config->backoff_first_ms),
                                std::chrono::milliseconds(config->backoff_max_ms)};
  kiosk::agent::Uploader uploader(*outbox, *storage_key, gateway, backoff, core::SystemClock(),
                                  **random);

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
  kiosk::agent::Heartbeater heartbeater(gateway, health, runner,
                                        std::chrono::seconds(config->heartbeat_interval_s),
                                        core::SystemClock());

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
    if (auto beat = heartbeater.Step(); !beat) {
      klog::Warn("agent.heartbeat_failed", {{"error", beat.GetError().ToString()}});
    }
    auto step = uploader.Step();
    if (!step) {
      klog::Error("agent.step_failed", {{"error", step.GetError().ToString()}});
    }
    if (watchdog && std::chrono::steady_clock::now() - last_watchdog >= *watchdog) {
      core::SdNotify("WATCHDOG=1");
      last_watchdog = std::chrono::steady_clock::now();
    }
    if (!step || *step == kiosk::agent::StepResult::kIdle) {
      std::this_thread::sleep_for(std::chrono::milliseconds(config->idle_poll_ms));
    }
  }
  core::SdNotify("STOPPING=1");
  klog::Info("agent.stopped");
  return 0;
}
