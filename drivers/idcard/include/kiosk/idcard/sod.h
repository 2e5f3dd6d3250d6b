#pragma once

// EF.SOD: a CMS SignedData (RFC 5652) whose content is the LDS security
// object, the hashes of the data groups (ICAO 9303 p10 §4.6.2). mbedTLS 2.28
// has no CMS, so this is a small reader on our BER-TLV parser, strict about
// structure and tolerant of optional parts.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/error.h"
#include "kiosk/core/hash.h"
#include "kiosk/core/x509.h"
#include "kiosk/idcard/apdu.h"

namespace kiosk::idcard {

enum class SignatureScheme { kEcdsa, kRsaPkcs1, kRsaPss };

struct SecurityObject {
  core::HashAlg hash = core::HashAlg::kSha256;  // for the data group hashes
  std::map<int, Bytes> data_group_hashes;
  // The signature over the signed attributes (or the content if there are none).
  core::HashAlg digest = core::HashAlg::kSha256;  // SignerInfo digestAlgorithm
  SignatureScheme scheme = SignatureScheme::kEcdsa;
  core::HashAlg signature_hash = core::HashAlg::kSha256;
  Bytes signed_bytes;  // DER that the signature covers
  Bytes signature;
  Bytes content;                                // the encapsulated LDSSecurityObject DER
  std::optional<Bytes> message_digest;          // the messageDigest signed attribute
  std::vector<core::Certificate> certificates;  // normally the document signer
  // How the signer is named: issuer + serial, or a subject key identifier.
  std::string signer_issuer;
  Bytes signer_serial;
  Bytes signer_key_id;
};

core::Expected<SecurityObject> ParseSod(ByteView bytes);

// OIDs used by the reader and the builder (DER value bytes).
namespace oid {
extern const Bytes kSignedData;         // 1.2.840.113549.1.7.2
extern const Bytes kLdsSecurityObject;  // 2.23.136.1.1.1
extern const Bytes kContentType;        // 1.2.840.113549.1.9.3
extern const Bytes kMessageDigest;      // 1.2.840.113549.1.9.4
extern const Bytes kEcdsaSha256;        // 1.2.840.10045.4.3.2
Bytes ForHash(core::HashAlg alg);
}  // namespace oid

}  // namespace kiosk::idcard
