#pragma once

// The key kiosk-app seals dossiers with is not the device key. The device key
// is kiosk-agent's alone (mode 0600): it proves the kiosk on the network.
// kiosk-app signs manifests with a sealing key of its own; a statement signed
// by the device key binds that key to the kiosk:
//
//   JWS (ES256, device key, typ "kiosk-sealing-key+jws") over
//   {"kiosk_id": "QNM-TAMKY-0001", "sealing_key": "<SPKI, base64url>", "issued_at": 1767225600}
//
// kiosk-provision makes both at enrollment; kiosk-agent sends the statement
// with each upload (header Kiosk-Sealing-Key) and the gateway checks it with
// the client certificate's key before it trusts the manifest's signature.

#include <cstdint>
#include <string>
#include <string_view>

#include "kiosk/core/error.h"
#include "kiosk/core/pk.h"
#include "kiosk/core/random.h"

namespace kiosk::dossier {

inline constexpr std::string_view kSealingKeyHeader = "Kiosk-Sealing-Key";
inline constexpr std::string_view kSealingKeyId = "sealing";

core::Expected<std::string> MakeSealingStatement(const core::PrivateKey& device_key,
                                                 const std::string& kiosk_id,
                                                 const core::PublicKey& sealing_key,
                                                 std::int64_t issued_at,
                                                 core::RandomSource& random);

// The sealing key a statement binds to `kiosk_id`, once its signature checks
// with the device's key; "sealing.invalid" otherwise.
core::Expected<core::PublicKey> VerifySealingStatement(std::string_view statement,
                                                       const core::PublicKey& device_key,
                                                       const std::string& kiosk_id);

}  // namespace kiosk::dossier
