#pragma once

// The app's side of the link with kiosk-agent, ticked from the frame loop:
// every two seconds it writes the health snapshot (link::AppStatus) and
// follows the flags that take the kiosk out of service: maintenance, the
// door alarm, an update about to install (link::FirstRaisedFlag).

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "kiosk/core/clock.h"
#include "kiosk/journey/journey.h"

namespace kiosk::app {

class FleetLink {
 public:
  // `status` empty: no snapshot is written (a development run).
  FleetLink(std::filesystem::path status, std::vector<std::filesystem::path> flags,
            std::string version, journey::Journey& journey, const core::Clock& clock);

  // Does the work at most every two seconds unless `force`.
  void Tick(bool force = false);

 private:
  std::filesystem::path status_;
  std::vector<std::filesystem::path> flags_;
  std::string version_;
  journey::Journey& journey_;
  const core::Clock& clock_;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace kiosk::app
