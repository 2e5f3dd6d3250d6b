// BER-TLV from the chip: every file and every protocol answer goes through it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "kiosk/idcard/tlv.h"

namespace {
void Walk(const kiosk::idcard::Tlv& tlv, int depth) {
  if (depth > 32 || !tlv.IsConstructed()) return;
  auto children = tlv.Children();
  if (!children) return;
  for (const auto& child : *children) {
    // Children lie inside their parent's value.
    if (child.raw.data() < tlv.value.data() ||
        child.raw.data() + child.raw.size() > tlv.value.data() + tlv.value.size()) {
      std::abort();
    }
    Walk(child, depth + 1);
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const kiosk::core::ByteView input(data, size);
  auto all = kiosk::idcard::ParseTlvs(input);
  if (!all) return 0;
  for (const auto& tlv : *all) {
    Walk(tlv, 0);
    // What was parsed re-encodes to a TLV that parses to the same value.
    const auto again = kiosk::idcard::EncodeTlv(tlv.tag, tlv.value);
    auto back = kiosk::idcard::ParseSingleTlv(again);
    if (!back || back->tag != tlv.tag || back->value.size() != tlv.value.size()) std::abort();
  }
  return 0;
}
