// kiosk-app's health snapshot as kiosk-agent reads it from disk; and log
// text through the scrubber. Anything accepted round-trips.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kiosk/agent/commands.h"
#include "kiosk/link/app_status.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string scrubbed = kiosk::agent::ScrubLog(text);
  for (const char c : scrubbed) {
    if (static_cast<unsigned char>(c) >= 0x80)
      std::abort();  // no word with letters outside ASCII is left
  }
  auto status = kiosk::link::ParseAppStatus(text);
  if (!status) return 0;
  for (const auto& e : status->errors) {
    if (!kiosk::link::IsStatusCode(e)) std::abort();
  }
  return 0;
}
