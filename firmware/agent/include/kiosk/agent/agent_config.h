#pragma once

// kiosk-agent's configuration: the TOML files it reads (the packaged
// defaults, then what kiosk-provision wrote for this kiosk), as a type the
// program and its tests share.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "kiosk/agent/commands.h"
#include "kiosk/agent/heartbeat.h"
#include "kiosk/agent/updater.h"
#include "kiosk/core/device_config.h"
#include "kiosk/core/error.h"
#include "kiosk/core/log.h"

namespace kiosk::agent {

struct AgentConfig {
  core::DeviceConfig device;
  core::LogConfig log;
  std::string outbox_dir = "state/outbox";
  std::string storage_key = "state/storage.key";
  std::string
      sealing_statement;  // dossier/sealing_key.h; empty: manifests signed by the device key
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
  // [heartbeat] app_status, disk_path, os_version
  HealthSources health = [] {
    HealthSources h;
    h.app_status_file = "state/app-status.json";
    return h;
  }();
  std::string os_version_file;  // the image's release file: os_version when not given
  std::vector<std::string> thermal_zones;
  // [commands] restart_app, reboot, self_test, the flag and journal files
  CommandSettings commands = [] {
    CommandSettings s;
    s.maintenance_file = "state/maintenance";
    s.remote_config_file = "state/remote-config.json";
    s.journal = "state/commands.json";
    return s;
  }();
  std::vector<std::string> logs;
  int log_tail_kb = 256;
  std::string config_signer;
  // [board]: no profile, no board devices (a development machine)
  std::string board_profile;
  std::string gpio_backend = "gpiod";
  std::string sys_root = "/sys";
  bool hardware_watchdog = false;
  int watchdog_stall_s = 600;
  std::string tamper_latch = "state/tamper.json";
  // [payments]: kiosk-app's VietQR asks (link/payment_mailbox.h)
  std::string payment_mailbox = "state/payments";
  int payment_poll_ms = 1000;
  // [help]: kiosk-app's calls for an officer (link/help_call.h)
  std::string help_mailbox = "state/help";
  int help_poll_ms = 2000;
  // [ratings] outbox: the citizens' ratings kiosk-app leaves (link/ratings.h)
  std::string ratings_outbox = "state/ratings";
  // [update]
  bool updates = false;
  UpdateSettings update;
};

// Later files override earlier ones key by key; [gateway] ca and [tls]
// certificate and key are required. "config.invalid" names every problem.
core::Expected<AgentConfig> ReadConfig(const std::vector<std::filesystem::path>& paths);

// The TOML of what `config` sets apart from the defaults, through the same
// schema ReadConfig reads (core/config_writer.h): what kiosk-provision writes
// to provisioned/agent.toml.
std::string WriteConfig(const AgentConfig& config);

}  // namespace kiosk::agent
