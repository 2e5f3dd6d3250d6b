// A PKCS#10 request as the gateway's enrollment endpoint receives it (base64
// decoded), DER or PEM. A request that parses verifies its own signature.
#include <cstddef>
#include <cstdint>

#include "kiosk/core/csr.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)kiosk::core::ParseCsr(kiosk::core::ByteView(data, size));
  return 0;
}
