#pragma once

// ICAO 9303 p11 §9.8 secure messaging: 3DES with the retail MAC after BAC,
// AES with CMAC after PACE. One object per session holds the keys and the
// send sequence counter (SSC), which both sides increment before every
// command and every response. The terminal protects commands and unprotects
// responses; a card (the simulator) does the reverse with the same object.

#include "kiosk/core/error.h"
#include "kiosk/core/secret.h"
#include "kiosk/idcard/apdu.h"
#include "kiosk/idcard/cipher.h"

namespace kiosk::idcard {

enum class SmCipher { k3Des, kAes128 };

class SecureMessaging : core::NotLoggable {
 public:
  SecureMessaging(SmCipher cipher, SecretBytes ks_enc, SecretBytes ks_mac, Bytes ssc);

  // Terminal side.
  core::Expected<CommandApdu> ProtectCommand(const CommandApdu& plain);
  // Verifies the response MAC always; fails with "sm.bad_mac" if it does not
  // match and with "sm.missing_mac" if the card answered without secure messaging.
  core::Expected<ResponseApdu> UnprotectResponse(const ResponseApdu& secured);

  // Card side.
  core::Expected<CommandApdu> UnprotectCommand(const CommandApdu& secured);
  core::Expected<ResponseApdu> ProtectResponse(const ResponseApdu& plain);

  SmCipher Cipher() const { return cipher_; }
  const Bytes& Ssc() const { return ssc_; }

 private:
  std::size_t Block() const { return cipher_ == SmCipher::k3Des ? 8 : 16; }
  void IncrementSsc();
  core::Expected<Bytes> Mac(ByteView data_after_ssc);
  core::Expected<Bytes> Iv();
  core::Expected<Bytes> Encrypt(ByteView plain);
  core::Expected<Bytes> Decrypt(ByteView cipher);
  // The plaintext of DO'87' (after its 01 padding indicator) or DO'85'.
  core::Expected<Bytes> DecryptDataObject(std::uint32_t tag, ByteView value);
  Bytes PaddedHeader(const CommandApdu& c) const;

  SmCipher cipher_;
  SecretBytes ks_enc_;
  SecretBytes ks_mac_;
  Bytes ssc_;
};

}  // namespace kiosk::idcard
