#pragma once

// A board profile: the facts about one kind of kiosk hardware, as data
// (board/profiles/*.toml). The same binaries run on every board; the
// profile says which GPIO lines carry the LEDs, the call lamp, the buzzer
// and the door switch, which USB devices the kiosk may have (USBGuard's policy is made
// from them), the display and its rotation, the backlight and the thermal
// zones.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/error.h"

namespace kiosk::board {

struct GpioLine {
  int offset = -1;  // on the profile's chip; -1 when the board has no such line
  bool active_low = false;
  bool Present() const { return offset >= 0; }
};

struct UsbDevice {
  std::string role;  // printer, card_reader, scanner, payment, touch
  std::uint16_t vendor = 0;
  std::uint16_t product = 0;
  std::string name;
};

struct BoardProfile {
  std::string name;  // x86-minipc, rpi-cm4
  std::string description;
  std::string architecture;  // Debian's: amd64, arm64
  std::string rauc_compatible;

  std::string gpio_chip;    // gpiochip0; the chip's label or device name
  int gpio_sysfs_base = 0;  // the legacy sysfs ABI numbers lines from here
  GpioLine led_ok, led_fault, buzzer, tamper;
  GpioLine call_lamp;  // the lamp over the kiosk that calls an officer to it

  std::string watchdog_device = "/dev/watchdog";
  int watchdog_timeout_s = 30;

  std::string backlight;  // a name under /sys/class/backlight; empty: none
  int backlight_percent = 80;
  std::vector<std::string> thermal_zones;  // names under /sys/class/thermal

  int display_width = 0, display_height = 0;  // the panel's native mode
  int display_rotation = 0;  // degrees clockwise, to how the citizen sees it: 0, 90, 180, 270

  std::vector<UsbDevice> usb;

  const UsbDevice* Usb(std::string_view role) const;
};

core::Expected<BoardProfile> LoadProfile(const std::filesystem::path& path);

// The USBGuard rules for the profile: its devices allowed, everything else
// blocked (the daemon's ImplicitPolicyTarget=block does the rest).
std::string UsbGuardRules(const BoardProfile& profile);

}  // namespace kiosk::board
