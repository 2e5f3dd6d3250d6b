#pragma once

// The symmetric primitives of ICAO 9303 p11: two-key 3DES-CBC and the ISO
// 9797-1 MAC algorithm 3 ("retail MAC") for BAC; AES-CBC and AES-CMAC for
// PACE; the SHA-1 key derivation function; ISO 9797-1 padding method 2.

#include <cstdint>

#include "kiosk/core/bytes.h"
#include "kiosk/core/error.h"
#include "kiosk/core/secret.h"

namespace kiosk::idcard {

using core::Bytes;
using core::ByteView;
using core::SecretBytes;

// Appends 0x80 then zeros up to a multiple of `block`.
Bytes Pad(ByteView data, std::size_t block);
// Removes method-2 padding; fails if it is malformed.
core::Expected<Bytes> Unpad(ByteView data);

enum class Direction { kEncrypt, kDecrypt };

// Two-key 3DES (16-byte key) in CBC mode; data must be whole 8-byte blocks.
core::Expected<Bytes> Des3Cbc(Direction direction, const SecretBytes& key, ByteView iv,
                              ByteView data);
// ISO 9797-1 MAC algorithm 3 with DES, over data already padded to 8 bytes.
core::Expected<Bytes> RetailMac(const SecretBytes& key, ByteView padded);

// AES (key of 16, 24 or 32 bytes) in CBC mode; whole 16-byte blocks.
core::Expected<Bytes> AesCbc(Direction direction, const SecretBytes& key, ByteView iv,
                             ByteView data);
core::Expected<Bytes> AesEcbEncryptBlock(const SecretBytes& key, ByteView block);
// AES-CMAC (NIST SP 800-38B), the full 16 bytes.
core::Expected<Bytes> AesCmac(const SecretBytes& key, ByteView data);

// ICAO 9303 p11 §9.7.1: SHA-1(seed || counter) truncated to 16 bytes, the
// key length of 3DES and AES-128. Counter 1 = encryption, 2 = MAC, 3 = PACE password.
core::Expected<SecretBytes> KdfSha1(ByteView seed, std::uint32_t counter);

}  // namespace kiosk::idcard
