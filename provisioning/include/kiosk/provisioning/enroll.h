#pragma once

// The kiosk's side of enrollment (docs/fleet.md): a CSR for the device key,
// sent with the operator's one-time token to the gateway's
// /.well-known/est/simpleenroll over TLS that trusts only the pinned CA. The
// private key never leaves the kiosk.

#include <cstdint>
#include <string>
#include <vector>

#include "kiosk/core/pk.h"
#include "kiosk/core/random.h"
#include "kiosk/core/tls.h"
#include "kiosk/core/x509.h"

namespace kiosk::provisioning {

struct HostPort {
  std::string host;
  std::uint16_t port = 0;
  std::string ToString() const { return host + ":" + std::to_string(port); }
};
// "host:port"; "args.address" otherwise.
core::Expected<HostPort> ParseHostPort(const std::string& text);

struct EnrollmentRequest {
  HostPort gateway;  // the gateway's operator listener
  std::vector<core::Certificate> pinned_ca;
  std::string server_name = "localhost";
  std::string kiosk_id;
  std::string commune;
  std::string token;
};

struct Enrollment {
  std::vector<core::Certificate> chain;  // the kiosk's certificate, then the device CA
  std::string agency;                    // bound to the token by the operator
  std::string commune;
  std::string config_signer_pem;  // the public key remote configs are signed with
};

// Errors keep the gateway's reason: "enroll.token_used", "enroll.token_expired",
// "enroll.token_unknown", "enroll.wrong_commune", "csr.invalid", ...
core::Expected<Enrollment> Enroll(const EnrollmentRequest& request, const core::PrivateKey& key,
                                  core::RandomSource& random);

// Tells the gateway, with the kiosk's own certificate, to revoke it.
core::Status Decommission(const HostPort& device_gateway, const core::TlsOptions& tls);

}  // namespace kiosk::provisioning
