#pragma once

// One board: a profile and its devices. What the agent and the technician's
// tool use; the status LEDs, the buzzer and the door switch by role, with
// the profile's polarity applied.

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "kiosk/board/devices.h"
#include "kiosk/board/profile.h"
#include "kiosk/core/clock.h"

namespace kiosk::board {

enum class Led { kOk, kFault, kCall };
enum class Door { kClosed, kOpen, kUnknown };

class Board {
 public:
  Board(BoardProfile profile, std::unique_ptr<Gpio> gpio, std::filesystem::path sys_root);

  const BoardProfile& Profile() const { return profile_; }
  core::Status SetLed(Led led, bool on);
  core::Status Buzz(std::chrono::milliseconds duration);
  // kUnknown when the board has no switch or it cannot be read.
  Door ReadDoor();
  std::optional<Backlight> DisplayBacklight() const;
  std::optional<double> Temperature() const;
  std::vector<std::filesystem::path> ThermalFiles() const;

 private:
  core::Status Drive(const GpioLine& line, bool on);
  BoardProfile profile_;
  std::unique_ptr<Gpio> gpio_;
  std::filesystem::path sys_root_;
};

// The GPIO backend named in config: "gpiod" (the chip in the profile),
// "sysfs" (under sys_root) or "none".
core::Expected<std::unique_ptr<Gpio>> OpenGpio(const BoardProfile& profile,
                                               const std::string& backend,
                                               const std::filesystem::path& sys_root);

// The door switch, latched: once seen open the kiosk stays out of service,
// across restarts, until a technician clears the latch with the door shut.
// The latch is a file (JSON: when it opened), so kiosk-app can follow it.
class TamperLatch {
 public:
  TamperLatch(std::filesystem::path file, const core::Clock& clock)
      : file_(std::move(file)), clock_(clock) {}
  // True when this observation set the latch (an alert to raise now).
  core::Expected<bool> Observe(Door door);
  bool Latched() const;
  // Refused while the door is open or unknown.
  core::Status Clear(Door door);

 private:
  std::filesystem::path file_;
  const core::Clock& clock_;
};

// Keeps the hardware watchdog fed from its own thread while the owner shows
// progress: a loop that stops calling Progress() for longer than `stall`
// lets the watchdog reset the board. A long upload or install is not a
// stall as long as it calls Progress() now and then.
class WatchdogFeeder {
 public:
  WatchdogFeeder(std::unique_ptr<Watchdog> watchdog, std::chrono::milliseconds period,
                 std::chrono::milliseconds stall);
  ~WatchdogFeeder();  // a deliberate stop: disarms
  WatchdogFeeder(const WatchdogFeeder&) = delete;
  WatchdogFeeder& operator=(const WatchdogFeeder&) = delete;
  void Progress();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace kiosk::board
