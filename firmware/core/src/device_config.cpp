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

void ReadDeviceConfig(config::Section section, DeviceConfig& out) {
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

void ReadLogConfig(config::Section section, LogConfig& out) {
  std::string level = log::ToString(out.level);
  for (auto& c : level) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  section.ReadOneOf("level", level, {"debug", "info", "warn", "error"});
  auto parsed = log::ParseLevel(level);
  if (parsed) out.level = *parsed;
}

}  // namespace kiosk::core
