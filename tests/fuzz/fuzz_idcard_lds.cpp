// The data groups a chip returns: EF.COM, DG1, DG2 (biometric templates),
// DG13, DG14, DG15. The first byte picks the parser.
#include <cstddef>
#include <cstdint>

#include "kiosk/idcard/lds.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const kiosk::core::ByteView input(data + 1, size - 1);
  switch (data[0] % 6) {
    case 0:
      (void)kiosk::idcard::ParseEfCom(input);
      break;
    case 1:
      (void)kiosk::idcard::ParseDg1(input);
      break;
    case 2:
      (void)kiosk::idcard::ParseDg2(input);
      break;
    case 3: {
      auto dg13 = kiosk::idcard::ParseDg13(input);
      if (dg13) (void)dg13->Text(kiosk::idcard::Dg13Field::kFullName);
      break;
    }
    case 4:
      (void)kiosk::idcard::ParseDg14(input);
      break;
    default:
      (void)kiosk::idcard::ParseDg15(input);
      break;
  }
  return 0;
}
