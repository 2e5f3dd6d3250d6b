#include "kiosk/board/profile.h"

#include <cstdio>

#include "kiosk/core/config.h"

namespace kiosk::board {

namespace {

namespace config = core::config;

void ReadLine(config::Section gpio, std::string_view role, GpioLine& line) {
  auto table = gpio.Table(role);
  table.Read("offset", line.offset, 0, 1023);
  table.Read("active_low", line.active_low);
}

bool ParseHex16(const std::string& text, std::uint16_t& out) {
  if (text.size() != 4) return false;
  unsigned value = 0;
  for (char c : text) {
    value <<= 4;
    if (c >= '0' && c <= '9')
      value |= static_cast<unsigned>(c - '0');
    else if (c >= 'a' && c <= 'f')
      value |= static_cast<unsigned>(c - 'a' + 10);
    else
      return false;
  }
  out = static_cast<std::uint16_t>(value);
  return true;
}

}  // namespace

const UsbDevice* BoardProfile::Usb(std::string_view role) const {
  for (const auto& device : usb) {
    if (device.role == role) return &device;
  }
  return nullptr;
}

core::Expected<BoardProfile> LoadProfile(const std::filesystem::path& path) {
  KIOSK_ASSIGN_OR_RETURN(auto doc, config::Document::Load(path));
  config::Reader reader(doc);
  BoardProfile p;
  auto board = reader.Table("board");
  board.Require("name");
  board.Require("architecture");
  board.Read("name", p.name);
  board.Read("description", p.description);
  board.ReadOneOf("architecture", p.architecture, {"amd64", "arm64", "armhf"});
  board.Read("rauc_compatible", p.rauc_compatible);
  if (p.rauc_compatible.empty()) p.rauc_compatible = "dvc-kiosk-" + p.name;

  auto gpio = reader.Table("gpio");
  gpio.Read("chip", p.gpio_chip);
  gpio.Read("sysfs_base", p.gpio_sysfs_base, 0, 4096);
  ReadLine(gpio, "led_ok", p.led_ok);
  ReadLine(gpio, "led_fault", p.led_fault);
  ReadLine(gpio, "buzzer", p.buzzer);
  ReadLine(gpio, "tamper", p.tamper);
  ReadLine(gpio, "call_lamp", p.call_lamp);
  const bool any_line = p.led_ok.Present() || p.led_fault.Present() || p.buzzer.Present() ||
                        p.tamper.Present() || p.call_lamp.Present();
  gpio.Check(!any_line || !p.gpio_chip.empty(), "chip", "lines are named but no chip is");

  auto watchdog = reader.Table("watchdog");
  watchdog.Read("device", p.watchdog_device);
  watchdog.Read("timeout_s", p.watchdog_timeout_s, 1, 600);

  auto display = reader.Table("display");
  display.Read("width", p.display_width, 0, 16384);
  display.Read("height", p.display_height, 0, 16384);
  display.Read("rotation", p.display_rotation, 0, 270);
  display.Check(p.display_rotation % 90 == 0, "rotation", "must be 0, 90, 180 or 270");
  display.Read("backlight", p.backlight);
  display.Read("backlight_percent", p.backlight_percent, 1, 100);

  auto thermal = reader.Table("thermal");
  thermal.Read("zones", p.thermal_zones);

  for (auto device : reader.Root().TableArray("usb")) {
    UsbDevice d;
    std::string vendor, product;
    device.Require("role");
    device.Require("vendor");
    device.Require("product");
    device.ReadOneOf("role", d.role,
                     {"printer", "card_reader", "scanner", "payment", "touch", "hub"});
    device.Read("vendor", vendor);
    device.Read("product", product);
    device.Read("name", d.name);
    device.Check(ParseHex16(vendor, d.vendor), "vendor", "must be 4 lower-case hex digits");
    device.Check(ParseHex16(product, d.product), "product", "must be 4 lower-case hex digits");
    p.usb.push_back(d);
  }
  KIOSK_TRY(reader.Finish());
  return p;
}

std::string UsbGuardRules(const BoardProfile& profile) {
  std::string rules = "# USBGuard policy for board " + profile.name +
                      " (made from its profile). Anything not listed is blocked.\n";
  // The root hubs the kernel brings up must stay, or nothing else attaches.
  rules += "allow with-interface equals { 09:00:* }\n";
  for (const auto& d : profile.usb) {
    char id[16];
    std::snprintf(id, sizeof id, "%04x:%04x", d.vendor, d.product);
    rules += "# " + d.role + "\n";
    rules += "allow id " + std::string(id);
    if (!d.name.empty()) {
      std::string name;
      for (char c : d.name) {
        if (c != '"' && c != '\\') name += c;
      }
      rules += " name \"" + name + "\"";
    }
    rules += "\n";
  }
  return rules;
}

}  // namespace kiosk::board
