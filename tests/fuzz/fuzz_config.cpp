// Config files are edited by technicians in the field.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kiosk/core/config.h"
#include "kiosk/core/device_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = kiosk::core::config::Document::Parse(text, "fuzz.toml");
  if (!doc) return 0;
  kiosk::core::DeviceConfig device;
  kiosk::core::LogConfig log;
  kiosk::core::config::Reader reader(*doc);
  kiosk::core::ReadDeviceConfig(reader.Table("device"), device);
  kiosk::core::ReadLogConfig(reader.Table("log"), log);
  auto other = reader.Table("ui");
  int seconds = 60;
  double ratio = 0.5;
  std::vector<std::string> list;
  other.Read("seconds", seconds, 1, 100);
  other.Read("ratio", ratio, 0.0, 1.0);
  other.Read("list", list);
  (void)reader.Finish();
  return 0;
}
