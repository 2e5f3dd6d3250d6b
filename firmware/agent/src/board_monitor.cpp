#include "kiosk/agent/board_monitor.h"

#include "kiosk/board/devices.h"
#include "kiosk/board/profile.h"
#include "kiosk/core/log.h"

namespace kiosk::agent {

namespace klog = core::log;

BoardMonitor::BoardMonitor(board::Board& board, board::TamperLatch& latch,
                           std::function<bool()> out_of_service, std::function<bool()> help_called)
    : board_(board),
      latch_(latch),
      out_of_service_(std::move(out_of_service)),
      help_called_(std::move(help_called)) {}

core::Expected<bool> BoardMonitor::Step() {
  KIOSK_ASSIGN_OR_RETURN(const bool raised, latch_.Observe(board_.ReadDoor()));
  if (raised) KIOSK_TRY(board_.Buzz(std::chrono::milliseconds(300)));
  const bool fault = latch_.Latched() || (out_of_service_ && out_of_service_());
  if (fault_shown_ != fault) {
    KIOSK_TRY(board_.SetLed(board::Led::kFault, fault));
    KIOSK_TRY(board_.SetLed(board::Led::kOk, !fault));
    fault_shown_ = fault;
  }
  const bool called = help_called_ && help_called_();
  if (lamp_shown_ != called) {
    // A lamp that cannot be lit is said once; the door and the LEDs go on.
    if (auto lit = board_.SetLed(board::Led::kCall, called); !lit) {
      klog::Warn("agent.call_lamp_failed", {{"error", lit.GetError().Code()}});
    }
    lamp_shown_ = called;
  }
  return raised;
}

core::Expected<BoardParts> OpenBoard(const AgentConfig& config, HealthSources& health) {
  BoardParts parts;
  if (config.board_profile.empty()) return parts;
  KIOSK_ASSIGN_OR_RETURN(const auto profile, board::LoadProfile(config.board_profile));
  KIOSK_ASSIGN_OR_RETURN(auto gpio, board::OpenGpio(profile, config.gpio_backend, config.sys_root));
  parts.board = std::make_unique<board::Board>(profile, std::move(gpio), config.sys_root);
  health.has_door_switch = profile.tamper.Present() && config.gpio_backend != "none";
  health.tamper_latch = config.tamper_latch;
  if (health.thermal_zones.empty()) health.thermal_zones = parts.board->ThermalFiles();
  if (config.hardware_watchdog) {
    const std::chrono::seconds timeout(profile.watchdog_timeout_s);
    KIOSK_ASSIGN_OR_RETURN(auto device, board::OpenWatchdog(profile.watchdog_device, timeout));
    parts.watchdog = std::make_unique<board::WatchdogFeeder>(
        std::move(device), timeout / 3, std::chrono::seconds(config.watchdog_stall_s));
  }
  return parts;
}

}  // namespace kiosk::agent
