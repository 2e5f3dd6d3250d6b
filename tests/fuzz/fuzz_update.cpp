// Updates: the offer in a heartbeat's answer (from the gateway), RAUC's
// status (JSON from the rauc client) on the kiosk, and the Range header the
// gateway serves bundles by. Whatever is accepted is within bounds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kiosk/agent/updater.h"
#include "kiosk/gateway/rollouts.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto offer = kiosk::agent::ParseUpdateOffer(text)) {
    if (offer->size <= 0 || offer->sha256.size() != 64 || offer->rollout <= 0) std::abort();
    if (offer->url != "/v1/bundles/" + offer->sha256) std::abort();
  }
  if (auto status = kiosk::agent::ParseRaucStatus(text)) {
    // What the heartbeat carries: a code, never free text.
    for (const char c : status->compatible) {
      if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) std::abort();
    }
  }
  for (const std::int64_t file_size :
       {std::int64_t{1}, std::int64_t{100000}, std::int64_t{1} << 40}) {
    if (auto range = kiosk::gateway::ParseByteRange(text, file_size)) {
      if (range->first < 0 || range->first > range->second || range->second >= file_size) {
        std::abort();
      }
    }
  }
  return 0;
}
