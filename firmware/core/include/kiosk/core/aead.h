#pragma once

// AES-256-GCM, for sealing dossiers at rest. Output layout is
// ciphertext || 16-byte tag; the 12-byte nonce is the caller's to store.

#include <cstddef>

#include "kiosk/core/bytes.h"
#include "kiosk/core/error.h"
#include "kiosk/core/random.h"
#include "kiosk/core/secret.h"

namespace kiosk::core {

inline constexpr std::size_t kAesGcmKeySize = 32;
inline constexpr std::size_t kAesGcmNonceSize = 12;
inline constexpr std::size_t kAesGcmTagSize = 16;

Expected<Bytes> AesGcmSeal(const SecretBytes& key, ByteView nonce, ByteView aad,
                           ByteView plaintext);

// Fails with "crypto.auth_failed" if the ciphertext, tag, nonce or AAD were
// altered; no plaintext is returned in that case.
Expected<Bytes> AesGcmOpen(const SecretBytes& key, ByteView nonce, ByteView aad, ByteView sealed);

// A fresh random AES-256 key.
Expected<SecretBytes> NewAesKey(RandomSource& random);

}  // namespace kiosk::core
