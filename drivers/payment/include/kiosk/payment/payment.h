#pragma once

// Fee payment in domain words: ask for an amount against a reference, get a
// transaction reference back or a reason it failed. Drivers:
//   NexoTerminal (card_terminal.h)  a card terminal speaking nexo Sale-to-POI
//   VietQrPayments (vietqr_payments.h)  a dynamic VietQR, confirmed through the gateway
//   MethodRouter                    the method the citizen chose picks the driver
//   FakePaymentTerminal             every outcome scriptable (fake/, tests and development)
// The real drivers keep a PaymentLedger so a crash never charges a fee twice
// nor forgets one that was paid.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>

#include "kiosk/core/clock.h"
#include "kiosk/core/error.h"

namespace kiosk::payment {

// What the citizen must see while the payment waits on them: a QR code to
// scan with their banking app, or a prompt to use the card terminal.
struct PaymentPrompt {
  std::string method;
  std::string qr_payload;  // VietQR: the code to show
  std::string message;     // e.g. "present your card on the terminal"
  // VietQR: what the citizen checks in their banking app before paying, and
  // how long the code stays on screen.
  std::string beneficiary;  // the account holder: "UBND phường An Mỹ"
  std::string bank;         // "Vietcombank"
  std::string account;
  std::int64_t amount_vnd = 0;
  std::string purpose;  // the transfer's content, filled in by the code
  std::chrono::seconds valid_for{0};
};

struct PaymentRequest {
  std::int64_t amount_vnd = 0;
  std::string reference;  // the dossier's payment reference: the idempotency key
  std::string method;     // "card", "vietqr"
  std::function<void(const PaymentPrompt&)> prompt;  // may be empty
};

struct PaymentResult {
  std::string method;
  std::string transaction_reference;
  std::int64_t amount_vnd = 0;
  core::WallTime paid_at;
};

class PaymentTerminal {
 public:
  virtual ~PaymentTerminal() = default;
  // Blocks until the payment ends. Paying a reference that was already paid
  // returns that payment. Errors: "payment.declined", "payment.cancelled",
  // "payment.card_removed" (NeedsPerson); "payment.timeout",
  // "payment.offline", "payment.unknown" (Retryable: the outcome is not known
  // yet; it is asked again before anything is charged again).
  virtual core::Expected<PaymentResult> Pay(const PaymentRequest& request) = 0;
  // From another thread while Pay waits: stop waiting for the citizen.
  virtual void Cancel() {}
  // The fee is in a sealed dossier: it is never given back.
  virtual core::Status Commit(const std::string& reference) = 0;
  // The journey ended without a dossier: give the money back where the
  // method allows (a card reversal); otherwise it stays recorded for staff.
  virtual core::Status Release(const std::string& reference) = 0;
};

// The method of the request picks the driver; Commit and Release go to all.
class MethodRouter final : public PaymentTerminal {
 public:
  void Add(const std::string& method, PaymentTerminal& terminal) { terminals_[method] = &terminal; }
  bool Has(const std::string& method) const { return terminals_.count(method) != 0; }

  core::Expected<PaymentResult> Pay(const PaymentRequest& request) override;
  void Cancel() override;
  core::Status Commit(const std::string& reference) override;
  core::Status Release(const std::string& reference) override;

 private:
  std::map<std::string, PaymentTerminal*> terminals_;
};

}  // namespace kiosk::payment
