#include "kiosk/board/devices.h"

#include <fcntl.h>
#include <gpiod.h>
#include <linux/watchdog.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>

#include "kiosk/core/files.h"
#include "kiosk/core/text.h"

namespace kiosk::board {

namespace {

core::Error SysError(std::string code, const std::string& what) {
  return core::Error::Retryable(std::move(code), what + ": " + std::strerror(errno));
}

core::Status WriteText(const std::filesystem::path& path, const std::string& text) {
  // O_TRUNC is harmless on sysfs attributes and right for a tree of files.
  const int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) return SysError("board.write_failed", path.string());
  const auto n = ::write(fd, text.data(), text.size());
  const int saved = errno;
  ::close(fd);
  errno = saved;
  if (n != static_cast<ssize_t>(text.size())) return SysError("board.write_failed", path.string());
  return {};
}

core::Expected<long> ReadLong(const std::filesystem::path& path) {
  KIOSK_ASSIGN_OR_RETURN(auto text, core::ReadSmallFile(path, 256));
  char* end = nullptr;
  errno = 0;
  const long value = std::strtol(text.c_str(), &end, 10);
  if (end == text.c_str() || errno != 0) {
    return core::Error::Retryable("board.bad_value", path.string() + " does not hold a number");
  }
  return value;
}

// libgpiod 1.6: one chip, lines requested on first use.
class GpiodGpio : public Gpio {
 public:
  explicit GpiodGpio(gpiod_chip* chip) : chip_(chip) {}
  ~GpiodGpio() override {
    for (auto& [offset, held] : lines_) gpiod_line_release(held.line);
    gpiod_chip_close(chip_);
  }
  GpiodGpio(const GpiodGpio&) = delete;
  GpiodGpio& operator=(const GpiodGpio&) = delete;

  core::Expected<bool> Read(int offset) override {
    KIOSK_ASSIGN_OR_RETURN(auto* line, Request(offset, false, false));
    const int value = gpiod_line_get_value(line);
    if (value < 0) return SysError("board.gpio_failed", "reading line " + std::to_string(offset));
    return value == 1;
  }
  core::Status Write(int offset, bool level) override {
    KIOSK_ASSIGN_OR_RETURN(auto* line, Request(offset, true, level));
    if (gpiod_line_set_value(line, level ? 1 : 0) < 0) {
      return SysError("board.gpio_failed", "writing line " + std::to_string(offset));
    }
    return {};
  }

 private:
  struct Held {
    gpiod_line* line;
    bool output;
  };
  core::Expected<gpiod_line*> Request(int offset, bool output, bool level) {
    if (auto it = lines_.find(offset); it != lines_.end() && it->second.output == output) {
      return it->second.line;
    }
    gpiod_line* line = gpiod_chip_get_line(chip_, static_cast<unsigned>(offset));
    if (line == nullptr) return SysError("board.gpio_failed", "line " + std::to_string(offset));
    if (lines_.count(offset)) gpiod_line_release(line);
    const int rc = output ? gpiod_line_request_output(line, "kiosk", level ? 1 : 0)
                          : gpiod_line_request_input(line, "kiosk");
    if (rc < 0) return SysError("board.gpio_busy", "requesting line " + std::to_string(offset));
    lines_[offset] = {line, output};
    return line;
  }
  gpiod_chip* chip_;
  std::map<int, Held> lines_;
};

class SysfsGpio : public Gpio {
 public:
  SysfsGpio(std::filesystem::path root, int base) : root_(std::move(root)), base_(base) {}
  core::Expected<bool> Read(int offset) override {
    KIOSK_ASSIGN_OR_RETURN(const long value, ReadLong(Value(offset)));
    return value != 0;
  }
  core::Status Write(int offset, bool level) override {
    return WriteText(Value(offset), level ? "1" : "0");
  }

 private:
  std::filesystem::path Value(int offset) const {
    return root_ / "class/gpio" / ("gpio" + std::to_string(base_ + offset)) / "value";
  }
  std::filesystem::path root_;
  int base_;
};

class DevWatchdog : public Watchdog {
 public:
  explicit DevWatchdog(int fd) : fd_(fd) {}
  ~DevWatchdog() override {
    if (fd_ >= 0) ::close(fd_);  // without the magic close: the board resets on time
  }
  DevWatchdog(const DevWatchdog&) = delete;
  DevWatchdog& operator=(const DevWatchdog&) = delete;

  core::Status Kick() override {
    if (fd_ < 0) return core::Error::Fatal("board.watchdog_closed", "the watchdog is disarmed");
    if (::ioctl(fd_, WDIOC_KEEPALIVE, 0) == 0) return {};
    // Any write is a keepalive too, for drivers (and files) without the ioctl.
    if (::write(fd_, "k", 1) == 1) return {};
    return SysError("board.watchdog_failed", "keepalive");
  }
  core::Status Disarm() override {
    if (fd_ < 0) return {};
    const bool ok = ::write(fd_, "V", 1) == 1;
    ::close(fd_);
    fd_ = -1;
    if (!ok) return SysError("board.watchdog_failed", "magic close");
    return {};
  }

 private:
  int fd_;
};

}  // namespace

std::unique_ptr<Gpio> OpenGpiodChip(const std::string& chip, core::Status* error) {
  gpiod_chip* handle = gpiod_chip_open_lookup(chip.c_str());
  if (handle == nullptr) {
    if (error != nullptr) *error = SysError("board.no_gpio_chip", "opening " + chip);
    return nullptr;
  }
  return std::make_unique<GpiodGpio>(handle);
}

std::unique_ptr<Gpio> OpenSysfsGpio(std::filesystem::path sys_root, int base) {
  return std::make_unique<SysfsGpio>(std::move(sys_root), base);
}

core::Expected<bool> FakeGpio::Read(int offset) {
  const auto it = levels.find(offset);
  if (it == levels.end()) {
    return core::Error::Retryable("board.gpio_failed", "no line " + std::to_string(offset));
  }
  return it->second;
}

core::Status FakeGpio::Write(int offset, bool level) {
  levels[offset] = level;
  writes.emplace_back(offset, level);
  return {};
}

core::Expected<std::unique_ptr<Watchdog>> OpenWatchdog(const std::filesystem::path& device,
                                                       std::chrono::seconds timeout) {
  const int fd = ::open(device.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return SysError("board.no_watchdog", "opening " + device.string());
  int seconds = static_cast<int>(timeout.count());
  // Not every driver can change it (nor can a plain file): the default stays.
  (void)::ioctl(fd, WDIOC_SETTIMEOUT, &seconds);
  return std::unique_ptr<Watchdog>(std::make_unique<DevWatchdog>(fd));
}

Backlight::Backlight(std::filesystem::path sys_root, std::string name)
    : dir_(std::move(sys_root) / "class/backlight" / name) {}

core::Expected<int> Backlight::ReadNumber(const char* file) const {
  KIOSK_ASSIGN_OR_RETURN(const long value, ReadLong(dir_ / file));
  if (value < 0 || value > 1'000'000) {
    return core::Error::Retryable("board.bad_value", (dir_ / file).string() + " is out of range");
  }
  return static_cast<int>(value);
}

core::Expected<int> Backlight::Percent() const {
  KIOSK_ASSIGN_OR_RETURN(const int max, ReadNumber("max_brightness"));
  KIOSK_ASSIGN_OR_RETURN(const int now, ReadNumber("brightness"));
  if (max == 0) return 0;
  return static_cast<int>(std::lround(100.0 * now / max));
}

core::Status Backlight::SetPercent(int percent) {
  if (percent < 1 || percent > 100) {
    // 0 would leave a citizen before a black screen that looks broken.
    return core::Error::Fatal("board.bad_brightness", "brightness must be 1 to 100 per cent");
  }
  KIOSK_ASSIGN_OR_RETURN(const int max, ReadNumber("max_brightness"));
  const long value = std::max<long>(1, std::lround(static_cast<double>(max) * percent / 100.0));
  return WriteText(dir_ / "brightness", std::to_string(value));
}

std::vector<std::filesystem::path> ThermalFiles(const std::filesystem::path& sys_root,
                                                const std::vector<std::string>& zones) {
  std::vector<std::filesystem::path> files;
  for (const auto& zone : zones) files.push_back(sys_root / "class/thermal" / zone / "temp");
  return files;
}

std::optional<double> ReadTemperature(const std::filesystem::path& sys_root,
                                      const std::vector<std::string>& zones) {
  for (const auto& file : ThermalFiles(sys_root, zones)) {
    auto milli = ReadLong(file);
    if (milli) return static_cast<double>(*milli) / 1000.0;
  }
  return std::nullopt;
}

}  // namespace kiosk::board
