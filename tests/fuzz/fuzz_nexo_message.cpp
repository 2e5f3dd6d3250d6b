// A message from the card terminal (or, for the simulator, from a sale
// system): JSON of any shape. What parses must encode and parse back the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kiosk/payment/nexo.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  namespace nexo = kiosk::payment::nexo;
  if (auto response = nexo::ParseResponse(text)) {
    auto again = nexo::ParseResponse(nexo::Encode(*response));
    if (!again || again->result != response->result ||
        again->authorized_amount_vnd != response->authorized_amount_vnd) {
      std::abort();
    }
  }
  if (auto request = nexo::ParseRequest(text)) {
    auto again = nexo::ParseRequest(nexo::Encode(*request));
    if (!again || again->amount_vnd != request->amount_vnd) std::abort();
  }
  return 0;
}
