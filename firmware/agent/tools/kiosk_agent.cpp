// kiosk-agent: drains the outbox to the gateway over mutual TLS.
//
//   kiosk-agent --config FILE
//
// Crash-only: it may be killed at any moment; an upload in flight is retried
// after restart and the gateway answers it with the same code. SIGTERM lets
// the upload in progress finish, then exits.

#include <csignal>
#include <cstdio>
#include <thread>

#include "kiosk/agent/uploader.h"
#include "kiosk/core/config.h"
#include "kiosk/core/device_config.h"
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
};

core::Expected<AgentConfig> ReadConfig(const std::string& path) {
  KIOSK_ASSIGN_OR_RETURN(auto doc, core::config::Document::Load(path));
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
  KIOSK_TRY(reader.Finish());
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || std::string(argv[1]) != "--config") {
    std::fprintf(stderr, "usage: kiosk-agent --config FILE\n");
    return 2;
  }
  auto config = ReadConfig(argv[2]);
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
  kiosk::agent::Backoff backoff{std::chrono::milliseconds(config->backoff_first_ms),
                                std::chrono::milliseconds(config->backoff_max_ms)};
  kiosk::agent::Uploader uploader(*outbox, *storage_key, gateway, backoff, core::SystemClock(),
                                  **random);

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
