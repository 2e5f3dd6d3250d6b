#include "kiosk/agent/agent_config.h"

#include <type_traits>

#include "kiosk/core/config.h"
#include "kiosk/core/config_writer.h"
#include "kiosk/core/files.h"

namespace kiosk::agent {

namespace {

// Every key kiosk-agent reads: run on a config::Reader it reads the files, on
// a config::Recorder it records the values (core/config_writer.h). `C` is
// AgentConfig when reading, const AgentConfig when recording. Paths kept as
// std::filesystem::path go through a string and back.
template <class R, class C>
void Schema(R& reader, C& c) {
  const auto path = [](auto& section, std::string_view key, auto& field) {
    std::string text = field.string();
    section.Read(key, text);
    if constexpr (!std::is_const_v<std::remove_reference_t<decltype(field)>>) field = text;
  };
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
  path(heartbeat, "app_status", c.health.app_status_file);
  path(heartbeat, "disk_path", c.health.disk_path);
  heartbeat.Read("thermal_zones", c.thermal_zones);
  heartbeat.Read("os_version", c.health.os_version);
  heartbeat.Read("os_version_file", c.os_version_file);
  auto commands = reader.Table("commands");
  commands.Read("restart_app", c.commands.restart_app);
  commands.Read("reboot", c.commands.reboot);
  commands.Read("self_test", c.commands.self_test);
  commands.Read("logs", c.logs);
  commands.Read("log_tail_kb", c.log_tail_kb, 1, 65536);
  path(commands, "maintenance_file", c.commands.maintenance_file);
  path(commands, "remote_config", c.commands.remote_config_file);
  path(commands, "journal", c.commands.journal);
  commands.Read("config_signer", c.config_signer);
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
  auto help = reader.Table("help");
  help.Read("mailbox", c.help_mailbox);
  help.Read("poll_ms", c.help_poll_ms, 100, 60'000);
  reader.Table("ratings").Read("outbox", c.ratings_outbox);
  auto update = reader.Table("update");
  update.Read("enabled", c.updates);
  path(update, "dir", c.update.dir);
  path(update, "hold_file", c.update.hold_file);
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
}

}  // namespace

core::Expected<AgentConfig> ReadConfig(const std::vector<std::filesystem::path>& paths) {
  KIOSK_ASSIGN_OR_RETURN(auto doc, core::config::Document::LoadAll(paths));
  AgentConfig c;
  core::config::Reader reader(doc);
  Schema(reader, c);
  KIOSK_TRY(reader.Finish());
  // The image's release file, when the version is not given: its first line.
  if (c.health.os_version.empty() && !c.os_version_file.empty()) {
    if (auto text = core::ReadSmallFile(c.os_version_file, 4096)) {
      c.health.os_version = text->substr(0, text->find('\n'));
    }
  }
  return c;
}

std::string WriteConfig(const AgentConfig& config) {
  core::config::Recorder written, defaults;
  Schema(written, config);
  const AgentConfig base;
  Schema(defaults, base);
  return written.Difference(defaults);
}

}  // namespace kiosk::agent
