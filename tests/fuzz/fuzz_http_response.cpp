// HTTP responses from the gateway, through the parser the agent uses.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kiosk/core/http.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)kiosk::core::ParseHttpResponse(std::string_view(reinterpret_cast<const char*>(data), size),
                                       1 << 20);
  return 0;
}
