#pragma once

// Remote commands, as they arrive in heartbeat answers, run by the agent:
//   restart_app, reboot, self_test   run the configured command line
//   upload_logs                      the tail of the configured logs, scrubbed
//   config                           a settings document the gateway's config
//                                    key signed for this kiosk (JWS, ES256)
//   maintenance_on / maintenance_off the flag file kiosk-app watches
// Every command is journaled before it runs and its result kept until the
// gateway has it, so a crash neither loses an answer nor runs a command twice.
// reboot is acknowledged before it runs: it ends the agent.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/clock.h"
#include "kiosk/core/error.h"
#include "kiosk/core/pk.h"

namespace kiosk::agent {

struct CommandSettings {
  std::string kiosk_id;
  std::string restart_app;  // shell command lines; empty: the command is refused
  std::string reboot;
  std::string self_test;
  std::vector<std::filesystem::path> log_files;
  std::size_t log_tail_bytes = 256 * 1024;
  std::filesystem::path maintenance_file;
  std::filesystem::path remote_config_file;  // the last verified settings (link/remote_settings.h)
  std::optional<core::PublicKey> config_signer;
  std::filesystem::path journal;  // commands whose results the gateway has not taken yet
};

struct Command {
  std::int64_t id = 0;
  std::string kind;
  std::string args;  // JSON object
};

struct CommandOutcome {
  std::int64_t id = 0;
  std::string kind;
  bool ok = false;
  std::string detail;  // for the operator: what happened, no personal data
  std::string upload;  // upload_logs: the scrubbed text to send
};

// Log text with what could identify a person replaced: runs of 9 or more
// digits (ID and phone numbers), e-mail addresses, and words with letters
// outside ASCII (Vietnamese names carry diacritics).
std::string ScrubLog(std::string_view text);

class CommandRunner {
 public:
  CommandRunner(CommandSettings settings, const core::Clock& clock);

  // Results left from before a restart: finished ones not yet acknowledged,
  // and ones a crash interrupted (reported as failed).
  core::Expected<std::vector<CommandOutcome>> Pending();
  // Runs a command unless the journal shows it already ran; `before_run`
  // delivers the outcome of reboot before it ends the agent.
  core::Expected<CommandOutcome> Run(const Command& command,
                                     const std::function<void(const CommandOutcome&)>& before_run);
  // The gateway has the result: forget it.
  core::Status Acknowledged(std::int64_t id);

  // Applied by a config command; nullopt until one is.
  std::optional<int> HeartbeatInterval() const { return heartbeat_interval_s_; }
  bool Maintenance() const;

 private:
  CommandOutcome Execute(const Command& command);
  CommandOutcome RunShell(const Command& command, const std::string& line);
  CommandOutcome UploadLogs(const Command& command);
  CommandOutcome ApplyConfig(const Command& command);
  CommandOutcome SetMaintenance(const Command& command, bool on);
  // Where an upload_logs result's text waits for the gateway: JOURNAL.ID.upload.
  std::filesystem::path UploadFile(std::int64_t id) const;

  CommandSettings settings_;
  const core::Clock& clock_;
  std::optional<int> heartbeat_interval_s_;
};

}  // namespace kiosk::agent
