#pragma once

// Message digests and HMAC over mbedTLS.

#include <cstddef>
#include <memory>
#include <string_view>

#include "kiosk/core/bytes.h"
#include "kiosk/core/error.h"
#include "kiosk/core/secret.h"

namespace kiosk::core {

enum class HashAlg { kSha1, kSha256, kSha384, kSha512 };

const char* ToString(HashAlg alg);  // "SHA-256"
std::size_t DigestSize(HashAlg alg);

Expected<Bytes> Digest(HashAlg alg, ByteView data);

// Incremental hashing, for files too large to hold at once.
class Hasher {
 public:
  static Expected<Hasher> Create(HashAlg alg);
  ~Hasher();
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;

  Status Update(ByteView data);
  // Finishes; the hasher may not be updated afterwards.
  Expected<Bytes> Finish();

 private:
  Hasher();
  struct State;
  std::unique_ptr<State> state_;
};

Expected<Bytes> Hmac(HashAlg alg, ByteView key, ByteView data);

// PBKDF2 (RFC 8018) with HMAC over `alg`: operators' dashboard passwords.
Expected<SecretBytes> Pbkdf2(HashAlg alg, ByteView password, ByteView salt, unsigned iterations,
                             std::size_t length);

}  // namespace kiosk::core
