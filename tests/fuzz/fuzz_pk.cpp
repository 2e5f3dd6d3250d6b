// Keys and signatures parsed from files, enrollment replies and chip cards.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kiosk/core/pk.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kiosk::core;  // NOLINT(google-build-using-namespace): fuzz target
  const ByteView bytes(data, size);
  if (auto key = PublicKey::FromDer(bytes)) {
    (void)key->ToDer();
    (void)key->P256Point();
  }
  (void)PublicKey::FromPem(std::string_view(reinterpret_cast<const char*>(data), size));
  (void)PublicKey::FromP256Point(bytes);
  (void)PrivateKey::FromDer(SecretBytes(bytes));
  // A DER signature that parses must survive the round trip through r || s,
  // up to DER's own canonical form.
  if (auto raw = EcdsaDerToRaw(bytes, 32)) {
    auto der = EcdsaRawToDer(*raw);
    if (!der) std::abort();
    auto again = EcdsaDerToRaw(*der, 32);
    if (!again || *again != *raw) std::abort();
  }
  return 0;
}
