#include "kiosk/gateway/peers.h"

#include "kiosk/gateway/fleet_store.h"
#include "kiosk/gateway/intake.h"
#include "responses.h"

namespace kiosk::gateway {

PeerPolicy::PeerPolicy(std::vector<core::Certificate> device_cas,
                       std::vector<core::Certificate> bank_cas, FleetStore* registry,
                       const core::Clock& clock)
    : device_cas_(std::move(device_cas)),
      bank_cas_(std::move(bank_cas)),
      registry_(registry),
      clock_(clock) {}

Peer PeerPolicy::Identify(const core::Certificate& client) const {
  const auto now = clock_.Now();
  // The issuer is proven by its signature, not by the issuer name the
  // certificate claims.
  if (!device_cas_.empty() && core::VerifyChain(client, {}, device_cas_, now)) {
    const std::string kiosk_id = CommonName(client);
    if (registry_ == nullptr) return {PeerKind::kKiosk, kiosk_id, ""};
    auto device = registry_->FindDevice(kiosk_id);
    // A store failure refuses: an unknown certificate never slips through.
    if (!device) return {PeerKind::kNobody, "", "peer.registry_unavailable"};
    if (!*device) return {PeerKind::kNobody, "", "peer.not_enrolled"};
    if ((*device)->state != "active") return {PeerKind::kNobody, "", "peer.revoked"};
    if ((*device)->serial != client.SerialHex()) {
      return {PeerKind::kNobody, "", "peer.not_current_certificate"};
    }
    return {PeerKind::kKiosk, kiosk_id, ""};
  }
  if (!bank_cas_.empty() && core::VerifyChain(client, {}, bank_cas_, now)) {
    return {PeerKind::kBank, "", ""};
  }
  return {PeerKind::kNobody, "", "peer.unknown_issuer"};
}

std::optional<core::HttpResponse> PeerPolicy::CheckRoute(const Peer& peer,
                                                         const core::HttpRequest& request) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  const bool bank_path = path.rfind("/v1/bank/", 0) == 0;
  switch (peer.kind) {
    case PeerKind::kKiosk:
      if (bank_path) return Refuse(403, "peer.forbidden", "a kiosk may not use /v1/bank/");
      return std::nullopt;
    case PeerKind::kBank:
      if (!bank_path)
        return Refuse(403, "peer.forbidden", "a bank certificate may only use /v1/bank/");
      return std::nullopt;
    case PeerKind::kNobody:
      break;
  }
  return Refuse(403, "peer.refused", "this certificate is not a kiosk's current certificate");
}

}  // namespace kiosk::gateway
