#pragma once

// What the dashboard raises as a security alert: a re-enrolled kiosk, a
// locked operator account, a burst of wrong passwords. Times are Unix
// milliseconds.

#include <cstdint>
#include <string>
#include <vector>

#include "kiosk/core/error.h"

namespace kiosk::gateway {

struct FleetEvent {
  std::int64_t at = 0;
  std::string kind;     // "reenrolled", "login_locked", ...
  std::string subject;  // the kiosk id or the operator's name
  std::string detail;
};

class EventStore {
 public:
  virtual ~EventStore() = default;
  virtual core::Status AddEvent(const FleetEvent& event) = 0;
  // The newest first, from `since` on.
  virtual core::Expected<std::vector<FleetEvent>> Events(std::int64_t since, int limit) = 0;
};

}  // namespace kiosk::gateway
