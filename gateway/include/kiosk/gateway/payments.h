#pragma once

// Fees paid by VietQR, as the gateway sees them. The kiosk registers the
// payment it expects (with the code it shows); the collecting agency's bank
// reads the expected payments, as a bank's collection service takes orders,
// and notifies each transfer it receives, signed with a shared key; the
// kiosk asks whether its payment arrived. The gateway never holds money.
//
//   PUT  /v1/payments/{reference}  (kiosk)  {"amount_vnd", "method": "vietqr", "qr"}
//   GET  /v1/payments/{reference}  (kiosk)  {"status": "pending"|"paid"|"mismatch", ...}
//   GET  /v1/bank/pending          (bank)   [{"reference", "amount_vnd", "qr"}]
//   POST /v1/bank/notifications    (bank)   {"transaction_id", "amount_vnd",
//                                            "description", "paid_at"}
//        with X-Signature: hex HMAC-SHA256 of the body under the bank's key
//
// Kiosks and the bank both present certificates; the bank's come from its
// own CA, and each side is allowed only its own endpoints.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/clock.h"
#include "kiosk/core/error.h"
#include "kiosk/core/http.h"
#include "kiosk/core/secret.h"
#include "kiosk/core/x509.h"
#include "kiosk/gateway/store/payments.h"

namespace kiosk::gateway {

// The reference a transfer's description carries: "DVC" and 20 hex digits.
std::string FindPaymentReference(const std::string& description);

class PaymentDesk {
 public:
  PaymentDesk(PaymentStore& store, std::vector<std::string> bank_ca_subjects,
              core::SecretBytes bank_key, const core::Clock& clock);

  bool IsBank(const core::Certificate& client) const;
  // Handles /v1/payments/... and /v1/bank/...; nullopt for other paths.
  std::optional<core::HttpResponse> Handle(const core::HttpRequest& request,
                                           const core::Certificate& client,
                                           const std::string& kiosk_id);

 private:
  core::HttpResponse Expect(const std::string& reference, const core::HttpRequest& request,
                            const std::string& kiosk_id);
  core::HttpResponse Status(const std::string& reference, const std::string& kiosk_id);
  core::HttpResponse Pending();
  core::HttpResponse Notify(const core::HttpRequest& request);

  PaymentStore& store_;
  std::vector<std::string> bank_ca_subjects_;
  core::SecretBytes bank_key_;
  const core::Clock& clock_;
};

}  // namespace kiosk::gateway
