// EF.SOD: CMS SignedData from the chip, then passive authentication on it.
#include <cstddef>
#include <cstdint>

#include "kiosk/idcard/passive_auth.h"
#include "kiosk/idcard/sod.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto sod = kiosk::idcard::ParseSod(kiosk::core::ByteView(data, size));
  if (!sod) return 0;
  std::map<int, kiosk::core::Bytes> groups{{1, kiosk::core::Bytes{0x61, 0x00}}};
  kiosk::idcard::AuthenticityReport report;
  kiosk::idcard::VerifyPassive(*sod, groups, kiosk::idcard::TrustStore{}, kiosk::core::WallTime{},
                               report);
  (void)report.Verdict();
  return 0;
}
