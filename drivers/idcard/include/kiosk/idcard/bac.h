#pragma once

// Basic Access Control (ICAO 9303 p11 §4.3): keys from the MRZ information,
// mutual authentication with GET CHALLENGE and EXTERNAL AUTHENTICATE, then
// 3DES secure messaging. Both the terminal's and the card's halves are here;
// the card's half serves the simulator.

#include "kiosk/core/error.h"
#include "kiosk/core/secret.h"
#include "kiosk/idcard/secure_messaging.h"

namespace kiosk::idcard {

struct BacKeys : core::NotLoggable {
  SecretBytes k_enc;
  SecretBytes k_mac;
};

// K_seed = SHA-1(MRZ_information)[0..15]; K_enc, K_mac = KDF(K_seed, 1 / 2).
core::Expected<BacKeys> DeriveBacKeys(const SecretBytes& mrz_information);

// The terminal's state between its EXTERNAL AUTHENTICATE and the card's answer.
struct BacTerminalState : core::NotLoggable {
  Bytes rnd_ifd;       // 8 bytes
  SecretBytes k_ifd;   // 16 bytes
  Bytes rnd_ic;        // 8 bytes, from GET CHALLENGE
  Bytes command_data;  // E.IFD || M.IFD, 40 bytes
};

// Builds the EXTERNAL AUTHENTICATE data from the card's challenge.
core::Expected<BacTerminalState> BacBeginAuthentication(const BacKeys& keys, ByteView rnd_ic,
                                                        ByteView rnd_ifd, SecretBytes k_ifd);

// Checks the card's answer (E.IC || M.IC) and derives the session. Fails with
// "bac.bad_mac" or "bac.bad_nonce" when the card does not prove the key.
core::Expected<SecureMessaging> BacCompleteAuthentication(const BacKeys& keys,
                                                          const BacTerminalState& state,
                                                          ByteView response);

// Card side: verifies the terminal's data and returns (answer, session).
struct BacCardResult {
  Bytes response;
  SecureMessaging session;
};
core::Expected<BacCardResult> BacCardAuthenticate(const BacKeys& keys, ByteView rnd_ic,
                                                  ByteView command_data, const SecretBytes& k_ic);

}  // namespace kiosk::idcard
