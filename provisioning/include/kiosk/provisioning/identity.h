#pragma once

// The kiosk's keys and certificates under its state directory, written once
// the gateway has enrolled it (a refused enrollment leaves the kiosk as it
// was), and wiped when it is decommissioned:
//   device-key.pem     the device key (0600)
//   device.pem         its certificate from the gateway, then the device CA
//   gateway-ca.pem     the pinned CA of the gateway
//   config-signer.pem  the public key remote config changes must be signed with
//   sealing-key.pem    kiosk-app's own key for sealing dossiers (0600)
//   sealing-key.jws    the device key's statement vouching for it

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "kiosk/core/error.h"
#include "kiosk/core/pk.h"
#include "kiosk/core/random.h"
#include "kiosk/core/x509.h"
#include "kiosk/provisioning/enroll.h"

namespace kiosk::provisioning {

struct IdentityInputs {
  const core::PrivateKey& device_key;
  const Enrollment& enrollment;
  const std::vector<core::Certificate>& pinned_ca;
  std::string kiosk_id;
  std::int64_t now_s = 0;  // when the sealing statement is issued, Unix seconds
};

// Writes every file above; generates the sealing key.
core::Status WriteIdentity(const std::filesystem::path& state, const IdentityInputs& inputs,
                           core::RandomSource& random);

// Overwrites both keys before removing them, and removes the certificate and
// the drop-ins: the kiosk can no longer speak for itself.
void WipeIdentity(const std::filesystem::path& state);

// On a kiosk (the appliance's users exist and this runs as root) what was
// written goes to the services: kiosk-agent owns the state, group kiosk
// (kiosk-app) may read it, each key is its owner's alone (the device key
// kiosk-agent's, the sealing key kiosk-app's). Elsewhere the files stay the
// caller's. Returns whether it handed them over; `failures` names each file
// it could not hand over.
bool HandOver(const std::filesystem::path& state, std::vector<std::string>& failures);

}  // namespace kiosk::provisioning
