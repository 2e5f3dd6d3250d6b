#include "kiosk/agent/heartbeat.h"

#include <sys/statvfs.h>

#include <nlohmann/json.hpp>

#include "kiosk/core/files.h"
#include "kiosk/core/http.h"
#include "kiosk/core/log.h"
#include "kiosk/link/app_status.h"

#ifndef KIOSK_VERSION
#define KIOSK_VERSION "dev"
#endif

namespace kiosk::agent {

using nlohmann::json;
namespace klog = core::log;

namespace {

std::int64_t UptimeSeconds(const std::filesystem::path& file) {
  auto text = core::ReadSmallFile(file, 4096);
  return text ? static_cast<std::int64_t>(std::strtod(text->c_str(), nullptr)) : 0;
}

json Temperature(const std::vector<std::filesystem::path>& zones) {
  for (const auto& zone : zones) {
    auto text = core::ReadSmallFile(zone, 4096);
    if (!text || text->empty()) continue;
    char* end = nullptr;
    const double milli = std::strtod(text->c_str(), &end);
    if (end == text->c_str()) continue;
    return std::round(milli / 100.0) / 10.0;
  }
  return nullptr;
}

}  // namespace

core::Expected<std::string> BuildHeartbeat(const HealthSources& sources, std::int64_t sequence,
                                           bool maintenance, const core::Clock& clock) {
  json hb = {{"kiosk_id", sources.kiosk_id},
             {"sequence", sequence},
             {"uptime_s", UptimeSeconds(sources.uptime_file)},
             {"maintenance", maintenance}};
  hb["versions"] = {{"agent", KIOSK_VERSION}};
  if (link::IsStatusCode(sources.os_version)) hb["versions"]["os"] = sources.os_version;
  if (link::IsStatusCode(sources.slot)) hb["versions"]["slot"] = sources.slot;
  if (link::IsStatusCode(sources.compatible)) hb["versions"]["compatible"] = sources.compatible;
  std::vector<std::string> errors;

  // The outbox: what waits, and for how long.
  if (sources.outbox != nullptr) {
    KIOSK_ASSIGN_OR_RETURN(const auto counts, sources.outbox->CountByState());
    KIOSK_ASSIGN_OR_RETURN(const auto oldest, sources.outbox->OldestWaiting());
    auto count = [&](dossier::OutboxState s) {
      const auto it = counts.find(s);
      return it == counts.end() ? 0 : it->second;
    };
    const std::int64_t age =
        oldest
            ? std::max<std::int64_t>(
                  0,
                  std::chrono::duration_cast<std::chrono::seconds>(clock.Now() - *oldest).count())
            : 0;
    hb["outbox"] = {
        {"depth", count(dossier::OutboxState::kQueued) + count(dossier::OutboxState::kUploading)},
        {"oldest_age_s", age},
        {"quarantined", count(dossier::OutboxState::kQuarantined)}};
  }
  struct statvfs fs {};
  if (::statvfs(sources.disk_path.c_str(), &fs) == 0) {
    const auto mb = [&](unsigned long long blocks) {
      return static_cast<std::int64_t>(blocks * fs.f_frsize / (1024 * 1024));
    };
    hb["disk"] = {{"free_mb", mb(fs.f_bavail)}, {"total_mb", mb(fs.f_blocks)}};
  }
  hb["temperature_c"] = Temperature(sources.thermal_zones);

  // What kiosk-app last said; a silent app is itself the news.
  auto app = link::ReadAppStatus(sources.app_status_file);
  const bool fresh = app && clock.Now() - app->written_at <= sources.app_status_stale;
  hb["peripherals"] = json::object();
  hb["counters"] = json::object();
  if (fresh) {
    if (!app->version.empty()) hb["versions"]["app"] = app->version;
    for (const auto& [name, state] : app->peripherals) hb["peripherals"][name] = state;
    for (const auto& [name, value] : app->counters) hb["counters"][name] = value;
    errors = app->errors;
  } else {
    errors.push_back(app ? "app.silent" : "app.no_status");
  }
  if (sources.has_door_switch) {
    std::error_code ec;
    hb["peripherals"]["tamper"] =
        std::filesystem::exists(sources.tamper_latch, ec) ? "open" : "closed";
  }
  if (errors.size() > 32) errors.erase(errors.begin(), errors.end() - 32);
  hb["errors"] = errors;
  return hb.dump();
}

Heartbeater::Heartbeater(GatewayEndpoint gateway, HealthSources sources, CommandRunner& runner,
                         std::chrono::seconds interval, const core::Clock& clock)
    : gateway_(std::move(gateway)),
      sources_(std::move(sources)),
      runner_(runner),
      interval_(interval),
      clock_(clock) {}

core::Expected<core::HttpResponse> Heartbeater::Post(const std::string& target,
                                                     const std::string& body,
                                                     const std::string& content_type) {
  core::HttpRequest request{"POST", target, {{"Content-Type", content_type}}, body};
  return core::HttpsRequest(gateway_.host, gateway_.port, gateway_.tls, request, 1024 * 1024);
}

core::Status Heartbeater::Report(const CommandOutcome& outcome) {
  const std::string id = std::to_string(outcome.id);
  if (!outcome.upload.empty()) {
    KIOSK_ASSIGN_OR_RETURN(auto stored, Post("/v1/commands/" + id + "/log", outcome.upload,
                                             "text/plain; charset=utf-8"));
    if (stored.status != 200) {
      return core::Error::Retryable(
          "agent.log_refused", "the gateway refused the log: " + std::to_string(stored.status));
    }
  }
  const json body = {{"ok", outcome.ok}, {"detail", outcome.detail}};
  KIOSK_ASSIGN_OR_RETURN(auto answer,
                         Post("/v1/commands/" + id + "/result", body.dump(), "application/json"));
  // 404: the gateway no longer waits for it (already recorded): done either way.
  if (answer.status != 200 && answer.status != 404) {
    return core::Error::Retryable("agent.result_refused",
                                  "the gateway refused a result: " + std::to_string(answer.status));
  }
  return runner_.Acknowledged(outcome.id);
}

core::Expected<bool> Heartbeater::Step() {
  const auto now = clock_.Monotonic();
  std::chrono::seconds interval = interval_;
  if (server_interval_.count() > 0) interval = server_interval_;
  if (auto configured = runner_.HeartbeatInterval()) interval = std::chrono::seconds(*configured);
  const bool soon = soon_ && now >= *soon_;
  if (last_sent_ && now - *last_sent_ < interval && !soon) return false;
  last_sent_ = now;
  soon_.reset();

  if (!pending_checked_) {
    KIOSK_ASSIGN_OR_RETURN(auto pending, runner_.Pending());
    for (const auto& outcome : pending) KIOSK_TRY(Report(outcome));
    pending_checked_ = true;
  }
  KIOSK_ASSIGN_OR_RETURN(const std::string body,
                         BuildHeartbeat(sources_, ++sequence_, runner_.Maintenance(), clock_));
  KIOSK_ASSIGN_OR_RETURN(auto answer, Post("/v1/heartbeat", body, "application/json"));
  if (answer.status != 200) {
    klog::Warn("agent.heartbeat_refused", {{"status", answer.status}});
    return core::Error::Retryable("agent.heartbeat_refused",
                                  "the gateway answered " + std::to_string(answer.status));
  }
  const json reply = json::parse(answer.body, nullptr, false);
  if (!reply.is_object()) return core::Error::Retryable("agent.bad_answer", "not JSON");
  if (reply.contains("interval_s") && reply["interval_s"].is_number_integer()) {
    server_interval_ = std::chrono::seconds(std::clamp(reply["interval_s"].get<int>(), 1, 3600));
  }
  if (on_update_ && reply.contains("update") && reply["update"].is_object()) {
    on_update_(reply["update"].dump());
  }
  if (reply.contains("commands") && reply["commands"].is_array()) {
    for (const auto& c : reply["commands"]) {
      if (!c.is_object() || !c.contains("id") || !c["id"].is_number_integer() ||
          !c.contains("kind") || !c["kind"].is_string()) {
        continue;
      }
      Command command{c["id"].get<std::int64_t>(), c["kind"].get<std::string>(),
                      c.contains("args") ? c["args"].dump() : "{}"};
      auto outcome = runner_.Run(command, [this](const CommandOutcome& early) {
        // reboot: the gateway hears before the agent ends.
        (void)Report(early);
      });
      if (!outcome) {
        klog::Error("agent.command_failed",
                    {{"id", command.id}, {"error", outcome.GetError().Code()}});
        continue;
      }
      if (auto reported = Report(*outcome); !reported) {
        // Kept in the journal; sent again before the next heartbeat.
        pending_checked_ = false;
        klog::Warn("agent.result_not_sent",
                   {{"id", command.id}, {"error", reported.GetError().Code()}});
      }
    }
    // A command may change what the next heartbeat says: send it soon.
    if (!reply["commands"].empty()) soon_ = now + std::chrono::seconds(1);
  }
  return true;
}

}  // namespace kiosk::agent
