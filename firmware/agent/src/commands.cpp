#include "kiosk/agent/commands.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "kiosk/core/files.h"
#include "kiosk/core/jws.h"
#include "kiosk/core/log.h"
#include "kiosk/core/process.h"
#include "kiosk/link/flags.h"
#include "kiosk/link/remote_settings.h"

namespace kiosk::agent {

using nlohmann::json;
namespace klog = core::log;

std::string ScrubLog(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  auto is_word = [](unsigned char c) { return c >= 0x80 || std::isalnum(c) || c == '_'; };
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (!is_word(c) && c != '@' && c != '.') {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    // A token: letters, digits, and the '@' and '.' of addresses.
    std::size_t end = i;
    while (end < text.size()) {
      const auto d = static_cast<unsigned char>(text[end]);
      if (!is_word(d) && d != '@' && d != '.' && d != '-' && d != '+') break;
      ++end;
    }
    const std::string_view token = text.substr(i, end - i);
    bool non_ascii = false;
    std::size_t run = 0, longest_run = 0;
    for (const char ch : token) {
      const auto u = static_cast<unsigned char>(ch);
      if (u >= 0x80) non_ascii = true;
      run = std::isdigit(u) ? run + 1 : 0;
      longest_run = std::max(longest_run, run);
    }
    const bool email = token.find('@') != std::string_view::npos;
    if (non_ascii || email || longest_run >= 9) {
      out += "[redacted]";
    } else {
      out += token;
    }
    i = end;
  }
  return out;
}

namespace {

// ---- The journal: {"<id>": {"kind", "state": "running"|"done", "ok", "detail"}} ----

json LoadJournal(const std::filesystem::path& path) {
  auto text = core::ReadSmallFile(path, 1024 * 1024);
  if (!text) return json::object();
  json journal = json::parse(*text, nullptr, false);
  return journal.is_object() ? journal : json::object();
}

core::Status SaveJournal(const std::filesystem::path& path, const json& journal) {
  return core::WriteFileAtomically(path, core::AsBytes(journal.dump()), 0600);
}

CommandOutcome Outcome(const Command& c, bool ok, std::string detail) {
  return CommandOutcome{c.id, c.kind, ok, std::move(detail), {}};
}

}  // namespace

CommandRunner::CommandRunner(CommandSettings settings, const core::Clock& clock)
    : settings_(std::move(settings)), clock_(clock) {
  if (auto applied = link::ReadRemoteSettings(settings_.remote_config_file)) {
    heartbeat_interval_s_ = applied->heartbeat_interval_s;
  }
}

bool CommandRunner::Maintenance() const {
  return !settings_.maintenance_file.empty() && link::FlagRaised(settings_.maintenance_file);
}

core::Expected<std::vector<CommandOutcome>> CommandRunner::Pending() {
  json journal = LoadJournal(settings_.journal);
  std::vector<CommandOutcome> out;
  bool changed = false;
  for (auto& [key, entry] : journal.items()) {
    if (!entry.is_object()) continue;
    CommandOutcome o;
    o.id = std::strtoll(key.c_str(), nullptr, 10);
    o.kind = entry.value("kind", std::string());
    if (entry.value("state", std::string()) == "running") {
      // A crash or restart cut it short; restart_app and reboot end the agent on purpose.
      const bool expected_end = o.kind == "restart_app" || o.kind == "reboot";
      entry["state"] = "done";
      entry["ok"] = expected_end;
      entry["detail"] = expected_end ? "done: the agent restarted"
                                     : "interrupted: the agent restarted while it ran";
      changed = true;
    }
    o.ok = entry.value("ok", false);
    o.detail = entry.value("detail", std::string());
    if (auto upload = core::ReadSmallFile(UploadFile(o.id), 64 * 1024 * 1024)) o.upload = *upload;
    out.push_back(std::move(o));
  }
  if (changed) KIOSK_TRY(SaveJournal(settings_.journal, journal));
  return out;
}

core::Expected<CommandOutcome> CommandRunner::Run(
    const Command& command, const std::function<void(const CommandOutcome&)>& before_run) {
  json journal = LoadJournal(settings_.journal);
  const std::string key = std::to_string(command.id);
  if (journal.contains(key)) {
    // Already ran (the answer carrying it was repeated): report, never rerun.
    const json& entry = journal[key];
    return Outcome(command, entry.value("ok", false), entry.value("detail", std::string()));
  }
  journal[key] = {{"kind", command.kind}, {"state", "running"}};
  KIOSK_TRY(SaveJournal(settings_.journal, journal));
  klog::Info("agent.command", {{"id", command.id}, {"kind", command.kind}});
  if (command.kind == "reboot" && before_run) {
    before_run(Outcome(command, true, "rebooting"));
  }
  CommandOutcome outcome = Execute(command);
  // Scrubbed logs wait beside the journal until the gateway has them.
  if (!outcome.upload.empty()) {
    KIOSK_TRY(
        core::WriteFileAtomically(UploadFile(command.id), core::AsBytes(outcome.upload), 0600));
  }
  journal[key] = {
      {"kind", command.kind}, {"state", "done"}, {"ok", outcome.ok}, {"detail", outcome.detail}};
  KIOSK_TRY(SaveJournal(settings_.journal, journal));
  klog::Info("agent.command_done", {{"id", command.id}, {"ok", outcome.ok}});
  return outcome;
}

core::Status CommandRunner::Acknowledged(std::int64_t id) {
  json journal = LoadJournal(settings_.journal);
  journal.erase(std::to_string(id));
  KIOSK_TRY(SaveJournal(settings_.journal, journal));
  std::error_code ec;
  std::filesystem::remove(UploadFile(id), ec);
  return core::Ok();
}

std::filesystem::path CommandRunner::UploadFile(std::int64_t id) const {
  return settings_.journal.string() + "." + std::to_string(id) + ".upload";
}

CommandOutcome CommandRunner::Execute(const Command& command) {
  if (command.kind == "restart_app") return RunShell(command, settings_.restart_app);
  if (command.kind == "reboot") return RunShell(command, settings_.reboot);
  if (command.kind == "self_test") return RunShell(command, settings_.self_test);
  if (command.kind == "upload_logs") return UploadLogs(command);
  if (command.kind == "config") return ApplyConfig(command);
  if (command.kind == "maintenance_on") return SetMaintenance(command, true);
  if (command.kind == "maintenance_off") return SetMaintenance(command, false);
  return Outcome(command, false, "unknown command kind");
}

CommandOutcome CommandRunner::RunShell(const Command& command, const std::string& line) {
  if (line.empty()) return Outcome(command, false, "not configured on this kiosk");
  // The command's own output is the operator's answer (its last 1,000 bytes).
  FILE* pipe = ::popen((line + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return Outcome(command, false, "cannot start: " + line);
  std::string output;
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) {
    output.append(buf.data(), n);
    if (output.size() > 64 * 1024) output.erase(0, output.size() - 64 * 1024);
  }
  const int status = ::pclose(pipe);
  const bool ok = status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  output = ScrubLog(output);
  if (output.size() > 1000) output = "…" + output.substr(output.size() - 1000);
  const std::string exit =
      status != -1 && WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status)) : "killed";
  return Outcome(command, ok, exit + (output.empty() ? "" : ": " + output));
}

CommandOutcome CommandRunner::UploadLogs(const Command& command) {
  std::string text;
  std::size_t found = 0;
  for (const auto& file : settings_.log_files) {
    // "journal:UNIT" is a unit's journal (the appliance logs there), else a file.
    const std::string name = file.string();
    core::Expected<std::string> content = core::Error::Retryable("log.absent", name);
    if (name.rfind("journal:", 0) == 0) {
      auto run = core::RunProcess(
          {"journalctl", "--no-pager", "-o", "short-iso", "-n", "5000", "-u", name.substr(8)}, {},
          settings_.log_tail_bytes + 4096);
      if (run && run->Ok()) content = std::move(run->output);
    } else {
      content = core::ReadSmallFile(file, 64 * 1024 * 1024);
    }
    if (!content) continue;
    ++found;
    const std::size_t keep = std::min(content->size(), settings_.log_tail_bytes);
    text += "==> " + file.filename().string() + " (last " + std::to_string(keep) + " bytes) <==\n";
    text += ScrubLog(std::string_view(*content).substr(content->size() - keep)) + "\n";
  }
  if (found == 0) return Outcome(command, false, "no log file to upload");
  CommandOutcome outcome = Outcome(
      command, true,
      std::to_string(found) + " log file(s), " + std::to_string(text.size()) + " bytes, scrubbed");
  outcome.upload = std::move(text);
  return outcome;
}

CommandOutcome CommandRunner::ApplyConfig(const Command& command) {
  if (!settings_.config_signer) return Outcome(command, false, "no config signer is pinned");
  const json args = json::parse(command.args, nullptr, false);
  if (!args.is_object() || !args.contains("jws") || !args["jws"].is_string()) {
    return Outcome(command, false, "no signed document");
  }
  auto verified = core::VerifyJwsEs256(args["jws"].get<std::string>(), *settings_.config_signer);
  if (!verified) return Outcome(command, false, "refused: " + verified.GetError().Code());
  if (verified->typ != "kiosk-config+jws") return Outcome(command, false, "refused: not a config");
  auto doc = link::ParseRemoteSettings(std::string_view(
      reinterpret_cast<const char*>(verified->payload.data()), verified->payload.size()));
  if (!doc) return Outcome(command, false, "refused: " + doc.GetError().Message());
  if (doc->kiosk_id != settings_.kiosk_id) {
    return Outcome(command, false, "refused: signed for another kiosk");
  }
  // Never go back to an older document (a replayed command).
  if (auto previous = link::ReadRemoteSettings(settings_.remote_config_file);
      previous && previous->issued_at >= doc->issued_at) {
    return Outcome(command, false, "refused: older than the config in force");
  }
  if (auto written = link::WriteRemoteSettings(settings_.remote_config_file, *doc); !written) {
    return Outcome(command, false, "cannot store: " + written.GetError().Code());
  }
  if (doc->heartbeat_interval_s) heartbeat_interval_s_ = doc->heartbeat_interval_s;
  std::string applied;
  if (doc->heartbeat_interval_s) {
    applied += "heartbeat_interval_s=" + std::to_string(*doc->heartbeat_interval_s);
  }
  if (doc->enabled_procedures) {
    std::string codes;
    for (const auto& code : *doc->enabled_procedures) codes += (codes.empty() ? "" : ",") + code;
    applied += std::string(applied.empty() ? "" : ", ") + "enabled_procedures=[" + codes + "]";
  }
  return Outcome(command, true, "applied: " + applied);
}

CommandOutcome CommandRunner::SetMaintenance(const Command& command, bool on) {
  if (settings_.maintenance_file.empty()) return Outcome(command, false, "not configured");
  if (on) {
    if (!link::RaiseFlag(settings_.maintenance_file, clock_.Now())) {
      return Outcome(command, false, "cannot write the maintenance flag");
    }
    return Outcome(command, true, "out of service: the kiosk takes no new citizen");
  }
  if (!link::LowerFlag(settings_.maintenance_file)) {
    return Outcome(command, false, "cannot remove the maintenance flag");
  }
  return Outcome(command, true, "back in service");
}

}  // namespace kiosk::agent
