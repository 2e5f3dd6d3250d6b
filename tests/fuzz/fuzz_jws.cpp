// JWS compact serializations from the network.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kiosk/core/jws.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)kiosk::core::ParseJws(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
