#pragma once

// Who a client certificate on the device listener is. Decided in one place,
// by allow-list, before any handler runs:
//   - a kiosk: a certificate the device CA issued whose serial is the one the
//     registry holds as that kiosk's current, active certificate;
//   - the bank: a certificate its CA issued, which reaches /v1/bank/ and
//     nothing else;
//   - anyone else: refused in the handshake.
// Without a registry (an intake-only development gateway, no [fleet]) a
// device-CA certificate is the kiosk its CN names.

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/clock.h"
#include "kiosk/core/http.h"
#include "kiosk/core/x509.h"
#include "kiosk/gateway/store/devices.h"

namespace kiosk::gateway {

// kUnconfirmed: a certificate the device CA signed whose registry entry
// could not be read (the store is down). Its connection is kept, so the
// kiosk hears why, and every request on it is answered 503: nothing is
// served to a certificate the registry has not confirmed.
enum class PeerKind { kNobody, kKiosk, kBank, kUnconfirmed };

struct Peer {
  PeerKind kind = PeerKind::kNobody;
  std::string kiosk_id;  // a kiosk's id (its certificate's CN)
  std::string why;       // for a refusal: a code for the log
  // A kiosk's registry entry as read for this request (none without a
  // registry), so the desks need not read it again.
  std::optional<DeviceRecord> device;
};

class PeerPolicy {
 public:
  PeerPolicy(std::vector<core::Certificate> device_cas, std::vector<core::Certificate> bank_cas,
             DeviceStore* registry, const core::Clock& clock);

  // Thread-safe; asks the registry each time (revocation takes effect at once).
  Peer Identify(const core::Certificate& client) const;

  // The one route check: a bank reaches /v1/bank/ only; a kiosk anything
  // but /v1/bank/. A refusal to send, or nullopt to go on.
  static std::optional<core::HttpResponse> CheckRoute(const Peer& peer,
                                                      const core::HttpRequest& request);

 private:
  enum class Issuer { kNone, kDevice, kBank };
  // Which CA signed the certificate, remembered by its SHA-256: each
  // connection asks two or three times, and a kiosk reconnects every minute.
  Issuer IssuerOf(const core::Certificate& client) const;

  std::vector<core::Certificate> device_cas_;
  std::vector<core::Certificate> bank_cas_;
  DeviceStore* registry_;
  const core::Clock& clock_;
  mutable std::mutex mutex_;
  mutable std::map<std::string, Issuer> issuers_;
};

}  // namespace kiosk::gateway
