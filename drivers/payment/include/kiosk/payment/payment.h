#pragma once

// Fee payment in domain words: ask for an amount against a reference, get a
// transaction reference back or a reason it failed. The card terminal and
// VietQR drivers come with the payment work; FakePaymentTerminal serves the
// kiosk app's tests and the demo meanwhile, with every outcome scriptable.

#include <cstdint>
#include <deque>
#include <string>

#include "kiosk/core/clock.h"
#include "kiosk/core/error.h"

namespace kiosk::payment {

struct PaymentRequest {
  std::int64_t amount_vnd = 0;
  std::string reference;  // the dossier id: the idempotency key at the terminal
  std::string method;     // "card", "vietqr"
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
  // Errors: "payment.declined", "payment.cancelled", "payment.card_removed"
  // (NeedsPerson), "payment.timeout", "payment.offline" (Retryable).
  virtual core::Expected<PaymentResult> Pay(const PaymentRequest& request) = 0;
};

class FakePaymentTerminal final : public PaymentTerminal {
 public:
  explicit FakePaymentTerminal(const core::Clock& clock) : clock_(clock) {}
  // Queues a failure for the next payment; then approvals again.
  void FailNext(std::string error_code) { failures_.push_back(std::move(error_code)); }
  int Approved() const { return approved_; }

  core::Expected<PaymentResult> Pay(const PaymentRequest& request) override;

 private:
  const core::Clock& clock_;
  std::deque<std::string> failures_;
  int approved_ = 0;
};

}  // namespace kiosk::payment
