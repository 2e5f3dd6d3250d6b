#include "kiosk/app/fleet_link.h"

#include "kiosk/core/log.h"
#include "kiosk/link/app_status.h"
#include "kiosk/link/flags.h"

namespace kiosk::app {

namespace klog = core::log;

FleetLink::FleetLink(std::filesystem::path status, std::vector<std::filesystem::path> flags,
                     std::string version, journey::Journey& journey, const core::Clock& clock)
    : status_(std::move(status)),
      flags_(std::move(flags)),
      version_(std::move(version)),
      journey_(journey),
      clock_(clock) {}

void FleetLink::Tick(bool force) {
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_ < std::chrono::seconds(2)) return;
  last_ = now;
  const std::string reason = link::FirstRaisedFlag(flags_);
  const bool out = !reason.empty();
  if (out != journey_.OutOfService()) {
    klog::Info("app.maintenance", {{"out_of_service", out}, {"flag", reason}});
    journey_.SetOutOfService(out);
  }
  if (status_.empty()) return;
  link::AppStatus status;
  status.version = version_;
  status.peripherals = journey_.Counters().PeripheralStates();
  status.counters = journey_.Counters().CounterValues();
  status.errors.assign(journey_.Counters().recent_errors.begin(),
                       journey_.Counters().recent_errors.end());
  status.in_use = journey_.InUse();
  status.out_of_service = journey_.OutOfService();
  status.written_at = clock_.Now();
  if (auto written = link::WriteAppStatus(status_, status); !written) {
    klog::Warn("app.status_not_written", {{"error", written.GetError().Code()}});
  }
}

}  // namespace kiosk::app
