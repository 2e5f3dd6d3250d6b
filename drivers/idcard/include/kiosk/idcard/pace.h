#pragma once

// PACE (ICAO 9303 p11 §4.4) with ECDH Generic Mapping and AES-128, the
// protocol the CCCD offers with the CAN (last 6 digits of the ID number) as
// password. These are the protocol's computations, shared by the terminal
// (reader session) and the card (simulator); the APDU exchange lives in the
// session.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kiosk/core/error.h"
#include "kiosk/core/random.h"
#include "kiosk/core/secret.h"
#include "kiosk/idcard/secure_messaging.h"

namespace kiosk::idcard {

// id-PACE-ECDH-GM-AES-CBC-CMAC-128 = 0.4.0.127.0.7.2.2.4.2.2 (DER value).
extern const Bytes kPaceEcdhGmAes128Oid;
inline constexpr int kParamNistP256 = 12;
inline constexpr int kParamBrainpoolP256r1 = 13;
inline constexpr std::uint8_t kPasswordMrz = 0x01;
inline constexpr std::uint8_t kPasswordCan = 0x02;

// One PACEInfo from EF.CardAccess (or DG14).
struct PaceInfo {
  Bytes protocol;  // OID value bytes
  int version = 0;
  int parameter_id = -1;  // -1 if absent
  bool IsSupported() const;
  std::string Describe() const;
};

// EF.CardAccess: SET OF SecurityInfo; non-PACE infos are skipped.
core::Expected<std::vector<PaceInfo>> ParseCardAccess(ByteView bytes);

// The elliptic curve of a standardized domain parameter (12 or 13), with
// points as uncompressed octet strings (04 || X || Y).
class PaceCurve {
 public:
  // `random` makes private keys and blinds scalar multiplications; it must
  // outlive the curve.
  static core::Expected<PaceCurve> ForParameterId(int parameter_id, core::RandomSource& random);
  ~PaceCurve();
  PaceCurve(PaceCurve&&) noexcept;
  PaceCurve& operator=(PaceCurve&&) noexcept;

  std::size_t CoordinateSize() const;
  // A private key in [1, n-1].
  core::Expected<SecretBytes> NewPrivateKey() const;
  // scalar * generator, where generator is G if empty.
  core::Expected<Bytes> PublicKey(const SecretBytes& scalar, ByteView generator = {}) const;
  // scalar * point, checking the point is on the curve first.
  core::Expected<Bytes> Multiply(const SecretBytes& scalar, ByteView point) const;
  // Generic Mapping: G~ = s * G + H.
  core::Expected<Bytes> MapGenerator(const SecretBytes& nonce, ByteView shared_point) const;

 private:
  PaceCurve();
  struct State;
  std::unique_ptr<State> state_;
};

// K_pi = KDF(password, 3): the CAN as ASCII, or SHA-1(MRZ_information) for MRZ.
core::Expected<SecretBytes> PacePasswordKey(const SecretBytes& password, std::uint8_t reference);

// The nonce: s = AES-CBC-decrypt(K_pi, IV 0, z), and its inverse for the card.
core::Expected<SecretBytes> PaceDecryptNonce(const SecretBytes& password_key, ByteView encrypted);
core::Expected<Bytes> PaceEncryptNonce(const SecretBytes& password_key, const SecretBytes& nonce);

// Session keys from the shared secret's x-coordinate: KSenc = KDF(K,1), KSmac = KDF(K,2).
struct PaceSessionKeys : core::NotLoggable {
  SecretBytes ks_enc;
  SecretBytes ks_mac;
};
core::Expected<PaceSessionKeys> PaceDeriveKeys(ByteView shared_point);

// 7F49 { 06 OID, 86 point }: the input of an authentication token.
Bytes PacePublicKeyObject(ByteView oid, ByteView point);
// CMAC(KSmac, 7F49{OID, 86 point})[0..7].
core::Expected<Bytes> PaceAuthToken(const SecretBytes& ks_mac, ByteView oid, ByteView point);

// Secure messaging as it starts after PACE: AES, SSC = 0.
SecureMessaging PaceSecureMessaging(PaceSessionKeys keys);

}  // namespace kiosk::idcard
