#include "kiosk/core/device_config.h"

#include <cctype>

namespace kiosk::core {

bool IsValidKioskId(std::string_view id) {
  if (id.size() < 3 || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

namespace {

template <class S, class D>
void DeviceSchema(S& section, D& out) {
  section.Read("kiosk_id", out.kiosk_id);
  section.Check(IsValidKioskId(out.kiosk_id), "kiosk_id",
                "must be 3 to 64 characters of A-Z, 0-9 and '-'");
  section.Read("site_name", out.site_name);
  section.Check(!out.site_name.empty(), "site_name", "must not be empty");
  section.Read("province_code", out.province_code);
  section.Check(out.province_code.size() == 2 && out.province_code[0] >= '0' &&
                    out.province_code[0] <= '9' && out.province_code[1] >= '0' &&
                    out.province_code[1] <= '9',
                "province_code", "must be two digits");
}

template <class S>
std::string LevelSchema(S& section, log::Level level) {
  std::string name = log::ToString(level);
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  section.ReadOneOf("level", name, {"debug", "info", "warn", "error"});
  return name;
}

}  // namespace

void ReadDeviceConfig(config::Section section, DeviceConfig& out) { DeviceSchema(section, out); }
void ReadDeviceConfig(config::Recorder::Section section, const DeviceConfig& in) {
  DeviceSchema(section, in);
}

void ReadLogConfig(config::Section section, LogConfig& out) {
  auto parsed = log::ParseLevel(LevelSchema(section, out.level));
  if (parsed) out.level = *parsed;
}
void ReadLogConfig(config::Recorder::Section section, const LogConfig& in) {
  LevelSchema(section, in.level);
}

}  // namespace kiosk::core
