// Text from a camera or a QR scanner: the TD1 MRZ and the CCCD QR payload.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kiosk/idcard/access_key.h"
#include "kiosk/idcard/mrz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const kiosk::idcard::Date today{2026, 11, 29};
  if (auto td1 = kiosk::idcard::ParseTd1(text)) {
    // A valid MRZ always yields a usable BAC key.
    auto key = kiosk::idcard::AccessKey::FromMrz(text);
    if (!key || key->BacCandidates().empty()) std::abort();
  }
  if (auto qr = kiosk::idcard::ParseCccdQr(text)) {
    auto key = kiosk::idcard::AccessKey::FromQr(text, today);
    if (!key || !key->Can() || key->Can()->size() != 6) std::abort();
  }
  (void)kiosk::idcard::AccessKey::FromIdNumber(
      text.substr(0, 12), text.size() > 18 ? text.substr(12, 6) : "", "", today);
  return 0;
}
