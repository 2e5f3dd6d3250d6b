#pragma once

// Heartbeats: every interval (60 s unless the gateway or a signed config says
// otherwise) the agent reports the kiosk's health, and runs the commands the
// answer carries, reporting each result. What a heartbeat holds is listed in
// docs/fleet.md; none of it is about a citizen.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "kiosk/agent/commands.h"
#include "kiosk/agent/uploader.h"
#include "kiosk/core/clock.h"
#include "kiosk/core/http.h"
#include "kiosk/dossier/outbox.h"

namespace kiosk::agent {

struct HealthSources {
  std::string kiosk_id;
  dossier::Outbox* outbox = nullptr;
  std::filesystem::path app_status_file;       // kiosk-app's snapshot (app_status.h)
  std::chrono::seconds app_status_stale{120};  // older: the app is reported silent
  std::filesystem::path disk_path = "/";
  std::vector<std::filesystem::path> thermal_zones;  // files holding millidegrees Celsius
  std::filesystem::path uptime_file = "/proc/uptime";
  std::string os_version;
  std::string slot;        // the running A/B slot, when known
  std::string compatible;  // the system's board, as RAUC names it: which bundles fit
  // The door alarm (board/, TamperLatch): reported as peripherals.tamper,
  // "open" from the moment the door opened until a technician clears it.
  bool has_door_switch = false;
  std::filesystem::path tamper_latch;
};

// The heartbeat document for this moment (JSON).
core::Expected<std::string> BuildHeartbeat(const HealthSources& sources, std::int64_t sequence,
                                           bool maintenance, const core::Clock& clock);

class Heartbeater {
 public:
  Heartbeater(GatewayEndpoint gateway, HealthSources sources, CommandRunner& runner,
              std::chrono::seconds interval, const core::Clock& clock);

  // Sends a heartbeat if one is due and runs what its answer asks; true when
  // one was sent. Results the gateway has not taken yet go first.
  core::Expected<bool> Step();
  std::chrono::seconds Interval() const { return interval_; }
  // Sends the next heartbeat within a second: something the gateway should hear.
  void Soon() { soon_ = clock_.Monotonic(); }
  // Called with the "update" object of a heartbeat's answer (updater.h).
  void OnUpdateOffer(std::function<void(const std::string&)> handler) {
    on_update_ = std::move(handler);
  }

 private:
  core::Status Report(const CommandOutcome& outcome);
  core::Expected<core::HttpResponse> Post(const std::string& target, const std::string& body,
                                          const std::string& content_type);

  GatewayEndpoint gateway_;
  HealthSources sources_;
  CommandRunner& runner_;
  std::chrono::seconds interval_;
  std::chrono::seconds server_interval_{0};
  const core::Clock& clock_;
  std::int64_t sequence_ = 0;
  std::optional<core::MonoTime> last_sent_;
  std::optional<core::MonoTime> soon_;  // after commands: report their effect without waiting
  bool pending_checked_ = false;
  std::function<void(const std::string&)> on_update_;
};

}  // namespace kiosk::agent
