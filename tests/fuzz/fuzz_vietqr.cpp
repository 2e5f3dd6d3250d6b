// A VietQR payload as a banking app (or kiosk-sim-bank) scans it. Whatever
// parses must encode back to a payload that parses to the same fields.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kiosk/payment/vietqr.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)kiosk::payment::ParseEmvFields(text);
  auto qr = kiosk::payment::ParseVietQr(text);
  if (!qr) return 0;
  auto encoded = kiosk::payment::EncodeVietQr(*qr);
  if (!encoded) return 0;  // e.g. a non-ASCII purpose: parsed, but never made by the kiosk
  auto back = kiosk::payment::ParseVietQr(*encoded);
  if (!back || back->amount_vnd != qr->amount_vnd || back->purpose != qr->purpose ||
      back->account != qr->account) {
    std::abort();
  }
  return 0;
}
