#pragma once

// X.509 certificates over mbedTLS: parse, read the fields we show and log,
// and verify a chain against trust anchors at a time from the injected clock.

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/bytes.h"
#include "kiosk/core/clock.h"
#include "kiosk/core/error.h"
#include "kiosk/core/pk.h"
#include "kiosk/core/random.h"

namespace kiosk::core {

class Certificate {
 public:
  static Expected<Certificate> FromDer(ByteView der);
  // One certificate; use ParsePemBundle for several.
  static Expected<Certificate> FromPem(std::string_view pem);

  const Bytes& Der() const;
  std::string Subject() const;  // "C=VN, O=..., CN=..."
  std::string Issuer() const;
  std::string SerialHex() const;
  WallTime NotBefore() const;
  WallTime NotAfter() const;
  bool IsCa() const;
  Expected<PublicKey> SubjectPublicKey() const;

  struct State;

 private:
  explicit Certificate(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

// What IssueCertificate writes. Names are mbedTLS strings: "C=VN,O=...,CN=...".
struct CertificateSpec {
  std::string subject;
  std::string issuer;  // equal to subject for a self-signed certificate
  Bytes serial;        // big-endian, positive
  WallTime not_before;
  WallTime not_after;
  bool is_ca = false;
  int path_length = -1;    // -1: unlimited (CA only)
  unsigned key_usage = 0;  // MBEDTLS_X509_KU_* bits; 0 leaves the extension out
};
inline constexpr unsigned kKeyUsageDigitalSignature = 0x80;
inline constexpr unsigned kKeyUsageKeyCertSign = 0x04;
inline constexpr unsigned kKeyUsageCrlSign = 0x02;

// Signs a certificate for `subject_key` with `issuer_key` (ECDSA, SHA-256).
Expected<Certificate> IssueCertificate(const CertificateSpec& spec, const PublicKey& subject_key,
                                       const PrivateKey& issuer_key, RandomSource& random);

// PEM text of a certificate.
std::string ToPem(const Certificate& cert);

// Every certificate in a PEM file on disk.
Expected<std::vector<Certificate>> LoadCertificateFile(const std::filesystem::path& path);

// Every certificate in a PEM file, in order.
Expected<std::vector<Certificate>> ParsePemBundle(std::string_view pem);

// Verifies that `leaf` chains through `intermediates` to one of `anchors`, with
// each certificate valid at `now`. The reason for a failure is named
// ("x509.expired", "x509.untrusted", "x509.bad_signature", ...).
Status VerifyChain(const Certificate& leaf, const std::vector<Certificate>& intermediates,
                   const std::vector<Certificate>& anchors, WallTime now);

}  // namespace kiosk::core
