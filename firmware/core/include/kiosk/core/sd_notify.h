#pragma once

// systemd's notification protocol, spoken directly: READY=1 when a service
// is up, WATCHDOG=1 to show it is alive. Does nothing outside systemd.

#include <chrono>
#include <optional>
#include <string_view>

namespace kiosk::core {

// Sends `state` ("READY=1", "WATCHDOG=1", "STOPPING=1") to $NOTIFY_SOCKET.
bool SdNotify(std::string_view state);

// Half of $WATCHDOG_USEC: how often to send WATCHDOG=1, if the watchdog is on.
std::optional<std::chrono::milliseconds> WatchdogInterval();

}  // namespace kiosk::core
