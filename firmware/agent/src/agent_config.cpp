#include "kiosk/agent/agent_config.h"

#include "kiosk/core/config.h"
#include "kiosk/core/files.h"

namespace kiosk::agent {

core::Expected<AgentConfig> ReadConfig(const std::vector<std::filesystem::path>& paths) {
  KIOSK_ASSIGN_OR_RETURN(auto doc, core::config::Document::LoadAll(paths));
  AgentConfig c;
  core::config::Reader reader(doc);
  core::ReadDeviceConfig(reader.Table("device"), c.device);
  core::ReadLogConfig(reader.Table("log"), c.log);
  auto outbox = reader.Table("outbox");
  outbox.Read("dir", c.outbox_dir);
  outbox.Read("storage_key", c.storage_key);
  outbox.Read("sealing_statement", c.sealing_statement);
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
  // The image's release file, when the version is not given: its first line.
  std::string os_version_file;
  heartbeat.Read("os_version_file", os_version_file);
  if (os_version.empty() && !os_version_file.empty()) {
    if (auto text = core::ReadSmallFile(os_version_file, 4096)) {
      os_version = text->substr(0, text->find('\n'));
    }
  }
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
  auto board = reader.Table("board");
  board.Read("profile", c.board_profile);
  board.ReadOneOf("gpio", c.gpio_backend, {"gpiod", "sysfs", "none"});
  board.Read("sys_root", c.sys_root);
  board.Read("watchdog", c.hardware_watchdog);
  board.Read("watchdog_stall_s", c.watchdog_stall_s, 30, 86400);
  board.Read("tamper_latch", c.tamper_latch);
  auto payments = reader.Table("payments");
  payments.Read("mailbox", c.payment_mailbox);
  payments.Read("poll_ms", c.payment_poll_ms, 100, 60'000);
  auto update = reader.Table("update");
  update.Read("enabled", c.updates);
  std::string update_dir = c.update.dir.string(), hold = c.update.hold_file.string();
  update.Read("dir", update_dir);
  update.Read("hold_file", hold);
  update.Read("install", c.update.install);
  update.Read("status", c.update.status);
  update.Read("mark_good", c.update.mark_good);
  update.Read("mark_bad", c.update.mark_bad);
  update.Read("self_test", c.update.self_test);
  update.Read("reboot", c.update.reboot);
  update.Read("chunk_bytes", c.update.chunk_bytes, std::int64_t{4096}, std::int64_t{64} << 20);
  update.Read("max_attempts", c.update.max_attempts, 1, 10);
  update.Check(!c.update.install.empty() && !c.update.reboot.empty(), "install",
               "install and reboot must name a program");
  c.update.dir = update_dir;
  c.update.hold_file = hold;
  KIOSK_TRY(reader.Finish());
  return c;
}

}  // namespace kiosk::agent
