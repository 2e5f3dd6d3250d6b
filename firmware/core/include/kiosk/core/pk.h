#pragma once

// Public and private keys over mbedTLS. The device key is ECDSA P-256; public
// keys may also be RSA (document signers and CSCAs often are).

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "kiosk/core/bytes.h"
#include "kiosk/core/error.h"
#include "kiosk/core/hash.h"
#include "kiosk/core/random.h"
#include "kiosk/core/secret.h"

namespace kiosk::core {

class Certificate;
class PrivateKey;

// Copyable: a public key is not a secret.
class PublicKey {
 public:
  enum class Type { kEc, kRsa, kOther };

  // SubjectPublicKeyInfo, DER or PEM ("-----BEGIN PUBLIC KEY-----").
  static Expected<PublicKey> FromDer(ByteView spki);
  static Expected<PublicKey> FromPem(std::string_view pem);
  // An uncompressed P-256 point: 0x04 || X || Y, 65 bytes.
  static Expected<PublicKey> FromP256Point(ByteView point);

  Expected<Bytes> ToDer() const;
  Expected<std::string> ToPem() const;
  // The uncompressed point of a P-256 key (for JWK "x" and "y").
  Expected<Bytes> P256Point() const;

  Type GetType() const;
  std::size_t BitLength() const;

  // Verifies a signature over `digest`: ECDSA as a DER ECDSA-Sig-Value, RSA as
  // PKCS#1 v1.5. Fails with "crypto.bad_signature" when it does not verify.
  Status Verify(HashAlg alg, ByteView digest, ByteView signature) const;
  // RSASSA-PSS with MGF1 over the same hash and any salt length.
  Status VerifyPss(HashAlg alg, ByteView digest, ByteView signature) const;
  // ECDSA with the fixed-width r || s form that JWS (ES256) uses.
  Status VerifyRaw(HashAlg alg, ByteView digest, ByteView raw_signature) const;

  // SHA-256 of the DER SubjectPublicKeyInfo, hex: a stable key fingerprint.
  Expected<std::string> Fingerprint() const;

  struct State;
  // For adapters inside firmware/core that hand the key to mbedTLS.
  State& GetState() const { return *state_; }

 private:
  friend class Certificate;
  friend class PrivateKey;
  explicit PublicKey(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

// An ECDSA P-256 private key. Move-only; mbedTLS zeroes it when freed.
class PrivateKey : NotLoggable {
 public:
  static Expected<PrivateKey> GenerateP256(RandomSource& random);
  // PKCS#8 or SEC1 ("EC PRIVATE KEY"), DER or PEM, unencrypted.
  static Expected<PrivateKey> FromDer(const SecretBytes& der);
  static Expected<PrivateKey> FromPem(const SecretBytes& pem);
  // The raw 32-byte secret scalar (test vectors, card simulators).
  static Expected<PrivateKey> FromP256Scalar(const SecretBytes& scalar, RandomSource& random);

  ~PrivateKey();
  PrivateKey(PrivateKey&&) noexcept;
  PrivateKey& operator=(PrivateKey&&) noexcept;

  Expected<SecretBytes> ToDer() const;  // SEC1 DER
  Expected<SecretBytes> ToPem() const;  // "-----BEGIN EC PRIVATE KEY-----"
  Expected<PublicKey> Public() const;

  // ECDSA over `digest`, r || s, 64 bytes for P-256.
  Expected<Bytes> SignRaw(HashAlg alg, ByteView digest, RandomSource& random) const;
  // The same signature as a DER ECDSA-Sig-Value (X.509, CMS).
  Expected<Bytes> SignDer(HashAlg alg, ByteView digest, RandomSource& random) const;
  // RFC 6979 deterministic ECDSA (r || s); `random` only blinds the computation.
  Expected<Bytes> SignRawDeterministic(HashAlg alg, ByteView digest, RandomSource& random) const;

  struct State;
  // For adapters inside firmware/core that hand the key to mbedTLS.
  State& GetState() const { return *state_; }

 private:
  PrivateKey();
  std::unique_ptr<State> state_;
};

// A private key from a PEM file on disk; the file's bytes are wiped after use.
Expected<PrivateKey> LoadPrivateKeyFile(const std::filesystem::path& path);

// Conversions between the two ECDSA signature forms.
Expected<Bytes> EcdsaDerToRaw(ByteView der, std::size_t coordinate_size);
Expected<Bytes> EcdsaRawToDer(ByteView raw);

}  // namespace kiosk::core
