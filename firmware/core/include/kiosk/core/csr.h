#pragma once

// PKCS#10 certificate signing requests (RFC 2986): the kiosk makes one with
// its device key for enrollment; the gateway's device CA reads it. Parsing
// checks the request's own signature, which proves the requester holds the
// private key of the public key it asks a certificate for.

#include <string>

#include "kiosk/core/bytes.h"
#include "kiosk/core/error.h"
#include "kiosk/core/pk.h"
#include "kiosk/core/random.h"

namespace kiosk::core {

// A DER CSR for `key` with an mbedTLS subject name ("C=VN,O=...,CN=..."),
// signed with ECDSA and SHA-256.
Expected<Bytes> MakeCsr(const PrivateKey& key, const std::string& subject, RandomSource& random);

struct CsrInfo {
  std::string subject;  // "C=VN, O=..., CN=..."
  std::string common_name;
  PublicKey key;
};

// A DER or PEM CSR whose self-signature verifies; "csr.invalid" otherwise.
Expected<CsrInfo> ParseCsr(ByteView csr);

}  // namespace kiosk::core
