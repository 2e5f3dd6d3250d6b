// Certificates come from the gateway, from enrollment and from chip cards.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kiosk/core/x509.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kiosk::core;  // NOLINT(google-build-using-namespace): fuzz target
  if (auto cert = Certificate::FromDer(ByteView(data, size))) {
    (void)cert->Subject();
    (void)cert->Issuer();
    (void)cert->SerialHex();
    (void)cert->NotAfter();
    if (auto key = cert->SubjectPublicKey()) (void)key->Fingerprint();
    (void)VerifyChain(*cert, {}, {*cert}, cert->NotBefore());
  }
  (void)ParsePemBundle(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
