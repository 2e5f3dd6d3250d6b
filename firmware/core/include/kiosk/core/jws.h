#pragma once

// JWS compact serialization (RFC 7515) with ES256 only (RFC 7518 §3.4): the
// device signs dossier manifests with its P-256 key. Verification refuses
// every other algorithm, "none" included, and any critical header.

#include <string>
#include <string_view>

#include "kiosk/core/bytes.h"
#include "kiosk/core/error.h"
#include "kiosk/core/pk.h"
#include "kiosk/core/random.h"

namespace kiosk::core {

// header.payload.signature, with {"alg":"ES256","kid":kid,"typ":typ}.
Expected<std::string> SignJwsEs256(ByteView payload, const PrivateKey& key, std::string_view kid,
                                   std::string_view typ, RandomSource& random);
// The length of what SignJwsEs256 returns for a payload of `payload_size`
// bytes: known before the payload is, so space can be kept for it.
std::size_t SignedJwsEs256Size(std::size_t payload_size, std::string_view kid,
                               std::string_view typ);

struct JwsParts {
  std::string kid;  // empty when absent
  std::string typ;  // empty when absent
  Bytes payload;
  std::string signing_input;  // "header.payload" as received
  Bytes signature;            // r || s
};

// Splits and decodes; checks the header names ES256 and nothing critical.
// The signature is not checked: use VerifyJwsEs256.
Expected<JwsParts> ParseJws(std::string_view compact);

// The payload of a JWS whose ES256 signature verifies with `key`.
Expected<JwsParts> VerifyJwsEs256(std::string_view compact, const PublicKey& key);

}  // namespace kiosk::core
