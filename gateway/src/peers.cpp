#include "kiosk/gateway/peers.h"

#include "kiosk/core/encoding.h"
#include "kiosk/core/hash.h"
#include "kiosk/gateway/intake.h"
#include "kiosk/gateway/store/devices.h"
#include "responses.h"

namespace kiosk::gateway {

PeerPolicy::PeerPolicy(std::vector<core::Certificate> device_cas,
                       std::vector<core::Certificate> bank_cas, DeviceStore* registry,
                       const core::Clock& clock)
    : device_cas_(std::move(device_cas)),
      bank_cas_(std::move(bank_cas)),
      registry_(registry),
      clock_(clock) {}

PeerPolicy::Issuer PeerPolicy::IssuerOf(const core::Certificate& client) const {
  constexpr std::size_t kRemembered = 16384;
  const auto digest = core::Digest(core::HashAlg::kSha256, client.Der());
  const std::string key = digest ? core::HexEncode(*digest) : std::string();
  {
    std::lock_guard lock(mutex_);
    const auto it = issuers_.find(key);
    if (it != issuers_.end()) return it->second;
  }
  // The issuer is proven by its signature, not by the issuer name the
  // certificate claims.
  const auto now = clock_.Now();
  Issuer issuer = Issuer::kNone;
  if (!device_cas_.empty() && core::VerifyChain(client, {}, device_cas_, now)) {
    issuer = Issuer::kDevice;
  } else if (!bank_cas_.empty() && core::VerifyChain(client, {}, bank_cas_, now)) {
    issuer = Issuer::kBank;
  }
  if (issuer != Issuer::kNone && !key.empty()) {
    std::lock_guard lock(mutex_);
    if (issuers_.size() >= kRemembered) issuers_.clear();
    issuers_[key] = issuer;
  }
  return issuer;
}

Peer PeerPolicy::Identify(const core::Certificate& client) const {
  // Dates every time: a resumed TLS session does not check them again.
  const auto now = clock_.Now();
  if (now < client.NotBefore() || now > client.NotAfter()) {
    return {PeerKind::kNobody, "", "peer.expired", std::nullopt};
  }
  const Issuer issuer = IssuerOf(client);
  if (issuer == Issuer::kDevice) {
    const std::string kiosk_id = CommonName(client);
    if (registry_ == nullptr) return {PeerKind::kKiosk, kiosk_id, "", std::nullopt};
    auto device = registry_->FindDevice(kiosk_id);
    // A store failure serves nothing (CheckRoute answers 503): an unknown
    // certificate never slips through.
    if (!device)
      return {PeerKind::kUnconfirmed, kiosk_id, "peer.registry_unavailable", std::nullopt};
    if (!*device) return {PeerKind::kNobody, "", "peer.not_enrolled", std::nullopt};
    if ((*device)->state != "active") return {PeerKind::kNobody, "", "peer.revoked", std::nullopt};
    if ((*device)->serial != client.SerialHex()) {
      return {PeerKind::kNobody, "", "peer.not_current_certificate", std::nullopt};
    }
    return {PeerKind::kKiosk, kiosk_id, "", std::move(*device)};
  }
  if (issuer == Issuer::kBank) return {PeerKind::kBank, "", "", std::nullopt};
  return {PeerKind::kNobody, "", "peer.unknown_issuer", std::nullopt};
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
    case PeerKind::kUnconfirmed:
      return Refuse(503, "peer.registry_unavailable",
                    "the registry cannot be read just now; try again");
    case PeerKind::kNobody:
      break;
  }
  return Refuse(403, "peer.refused", "this certificate is not a kiosk's current certificate");
}

}  // namespace kiosk::gateway
