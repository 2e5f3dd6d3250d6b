// Remote settings as kiosk-app reads them (firmware/link). What parses must
// write back to the same settings.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kiosk/link/remote_settings.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto settings =
      kiosk::link::ParseRemoteSettings(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!settings) return 0;
  auto back = kiosk::link::ParseRemoteSettings(kiosk::link::RemoteSettingsJson(*settings));
  if (!back || back->issued_at != settings->issued_at ||
      back->heartbeat_interval_s != settings->heartbeat_interval_s ||
      back->enabled_procedures != settings->enabled_procedures) {
    std::abort();
  }
  return 0;
}
