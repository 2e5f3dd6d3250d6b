#include "kiosk/core/secret.h"

#include <mbedtls/platform_util.h>

namespace kiosk::core {

void SecureZero(void* data, std::size_t size) {
  if (data != nullptr && size > 0) mbedtls_platform_zeroize(data, size);
}

bool ConstantTimeEquals(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  std::uint8_t diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff = static_cast<std::uint8_t>(diff | (a[i] ^ b[i]));
  }
  return diff == 0;
}

}  // namespace kiosk::core
