// A heartbeat body as a kiosk (or anyone with a device certificate) sends it
// to the gateway. What the schema accepts must check again unchanged: the
// canonical form is a fixed point, and holds only codes and numbers.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "kiosk/gateway/fleet.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  auto checked = kiosk::gateway::CheckHeartbeat(body, "QNM-TAMKY-0001");
  if (!checked) return 0;
  auto again = kiosk::gateway::CheckHeartbeat(*checked, "QNM-TAMKY-0001");
  if (!again || *again != *checked) std::abort();
  for (const char c : *checked) {
    if (static_cast<unsigned char>(c) >= 0x80)
      std::abort();  // no letter outside ASCII survives: no names
  }
  return 0;
}
