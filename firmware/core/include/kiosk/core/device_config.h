#pragma once

// Configuration every kiosk program shares: who this kiosk is, and how it
// logs. Programs embed these in their own config struct.

#include <string>

#include "kiosk/core/config.h"
#include "kiosk/core/config_writer.h"
#include "kiosk/core/log.h"

namespace kiosk::core {

// [device]
struct DeviceConfig {
  std::string kiosk_id = "KIOSK-DEV-0001";  // [A-Z0-9-], 3 to 64 characters
  std::string site_name = "UBND phường thử nghiệm";
  std::string province_code = "49";  // two-digit administrative code
};

// [log]
struct LogConfig {
  log::Level level = log::Level::kInfo;
};

void ReadDeviceConfig(config::Section section, DeviceConfig& out);
void ReadLogConfig(config::Section section, LogConfig& out);
// The same schemas recorded, for config::Recorder (config_writer.h).
void ReadDeviceConfig(config::Recorder::Section section, const DeviceConfig& in);
void ReadLogConfig(config::Recorder::Section section, const LogConfig& in);

bool IsValidKioskId(std::string_view id);

}  // namespace kiosk::core
