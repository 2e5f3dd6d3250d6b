// A sealing key statement as the gateway receives it (header Kiosk-Sealing-Key
// of an upload), checked against a fixed device key.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kiosk/core/random.h"
#include "kiosk/dossier/sealing_key.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const kiosk::core::PublicKey device = [] {
    kiosk::core::DeterministicRandom random{1};
    return kiosk::core::PrivateKey::GenerateP256(random).Value().Public().Value();
  }();
  (void)kiosk::dossier::VerifySealingStatement(
      std::string_view(reinterpret_cast<const char*>(data), size), device, "QNM-TAMKY-0001");
  return 0;
}
