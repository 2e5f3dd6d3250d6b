// Secure messaging answers from the chip: the MAC must be checked before
// anything is decrypted, and nothing may crash on a forged answer.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "kiosk/idcard/secure_messaging.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kiosk::idcard;  // NOLINT(google-build-using-namespace): fuzz target
  if (size < 1) return 0;
  const SmCipher cipher = (data[0] & 1) ? SmCipher::kAes128 : SmCipher::k3Des;
  const kiosk::core::Bytes keys(16, 0x42);
  SecureMessaging sm(cipher, SecretBytes(kiosk::core::ByteView(keys)),
                     SecretBytes(kiosk::core::ByteView(keys)),
                     kiosk::core::Bytes(cipher == SmCipher::kAes128 ? 16 : 8, 0));
  auto response = ResponseApdu::Parse(kiosk::core::ByteView(data + 1, size - 1));
  if (!response) return 0;
  (void)sm.UnprotectResponse(*response);
  // And the card side, for the simulator.
  auto command = CommandApdu::Parse(kiosk::core::ByteView(data + 1, size - 1));
  if (command) (void)sm.UnprotectCommand(*command);
  return 0;
}
