#pragma once

// One step of kiosk-agent: take the oldest due dossier from the outbox,
// upload it, and record the outcome. Uploads are idempotent (the dossier
// UUID is the key), so a retry after any failure or crash is safe.
//   201/200 with a code      -> acknowledged, package purged
//   400/403/404/409/413/422  -> quarantined: the gateway will never take it
//   anything else, no answer -> retried later with exponential backoff and jitter

#include <chrono>
#include <string>

#include "kiosk/core/clock.h"
#include "kiosk/core/random.h"
#include "kiosk/core/tls.h"
#include "kiosk/dossier/outbox.h"

namespace kiosk::agent {

struct Backoff {
  std::chrono::milliseconds first{1000};
  std::chrono::milliseconds max{5 * 60 * 1000};
  // The delay before attempt `attempts + 1`: first * 2^(attempts-1), capped,
  // then scaled by a random factor in [0.5, 1.5) so kiosks do not retry in step.
  std::chrono::milliseconds Delay(int attempts, core::RandomSource& random) const;
};

struct GatewayEndpoint {
  std::string host;
  std::uint16_t port = 8443;
  core::TlsOptions tls;
};

enum class StepResult { kIdle, kAcknowledged, kRetrying, kQuarantined };

class Uploader {
 public:
  Uploader(dossier::Outbox& outbox, const core::SecretBytes& storage_key, GatewayEndpoint gateway,
           Backoff backoff, const core::Clock& clock, core::RandomSource& random);
  core::Expected<StepResult> Step();
  // Sent with every upload: the device key's word for kiosk-app's sealing key
  // (dossier/sealing_key.h). Empty: the manifests are signed by the device key.
  void SetSealingStatement(std::string statement) { sealing_statement_ = std::move(statement); }

 private:
  dossier::Outbox& outbox_;
  const core::SecretBytes& storage_key_;
  GatewayEndpoint gateway_;
  Backoff backoff_;
  const core::Clock& clock_;
  core::RandomSource& random_;
  std::string sealing_statement_;
};

}  // namespace kiosk::agent
