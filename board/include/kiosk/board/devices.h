#pragma once

// The board's small devices behind interfaces, each with a real
// implementation and a fake:
//
//   Gpio       libgpiod on /dev/gpiochipN; the legacy sysfs ABI under a
//              root (/sys, or a fake tree in tests); FakeGpio in memory
//   Watchdog   /dev/watchdog (kernel watchdog API); FakeWatchdog
//   Backlight  /sys/class/backlight/<name>
//   Thermal    /sys/class/thermal/<zone>/temp
//
// Every path under /sys is taken relative to a root so the tests run the
// real code against a tree of files.

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/board/profile.h"
#include "kiosk/core/error.h"

namespace kiosk::board {

class Gpio {
 public:
  virtual ~Gpio() = default;
  // Raw levels; active-low inversion is the Board's business.
  virtual core::Expected<bool> Read(int offset) = 0;
  virtual core::Status Write(int offset, bool level) = 0;
};

// The GPIO character device through libgpiod. Lines are requested on first
// use and held until destruction.
std::unique_ptr<Gpio> OpenGpiodChip(const std::string& chip, core::Status* error);

// The legacy /sys/class/gpio ABI: <root>/class/gpio/gpio<base+offset>/value.
std::unique_ptr<Gpio> OpenSysfsGpio(std::filesystem::path sys_root, int base);

class FakeGpio : public Gpio {
 public:
  core::Expected<bool> Read(int offset) override;
  core::Status Write(int offset, bool level) override;
  std::map<int, bool> levels;
  std::vector<std::pair<int, bool>> writes;
};

class Watchdog {
 public:
  virtual ~Watchdog() = default;
  virtual core::Status Kick() = 0;
  // The magic close: tells the driver the stop is deliberate.
  virtual core::Status Disarm() = 0;
};

// Opens the device (arming it), sets the timeout where the driver allows.
core::Expected<std::unique_ptr<Watchdog>> OpenWatchdog(const std::filesystem::path& device,
                                                       std::chrono::seconds timeout);

class FakeWatchdog : public Watchdog {
 public:
  core::Status Kick() override {
    ++kicks;
    return {};
  }
  core::Status Disarm() override {
    disarmed = true;
    return {};
  }
  int kicks = 0;
  bool disarmed = false;
};

class Backlight {
 public:
  Backlight(std::filesystem::path sys_root, std::string name);
  core::Expected<int> Percent() const;
  core::Status SetPercent(int percent);

 private:
  core::Expected<int> ReadNumber(const char* file) const;
  std::filesystem::path dir_;
};

// Degrees Celsius of the first zone that reads, or nothing.
std::optional<double> ReadTemperature(const std::filesystem::path& sys_root,
                                      const std::vector<std::string>& zones);
// The files the agent's heartbeat reads: <root>/class/thermal/<zone>/temp.
std::vector<std::filesystem::path> ThermalFiles(const std::filesystem::path& sys_root,
                                                const std::vector<std::string>& zones);

}  // namespace kiosk::board
