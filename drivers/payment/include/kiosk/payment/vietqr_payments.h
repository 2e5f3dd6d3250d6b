#pragma once

// Paying by VietQR: the kiosk shows a dynamic code for the collecting
// agency's account with the amount and the dossier's payment reference; the
// citizen pays from their banking app; the bank notifies the province's
// gateway, and the kiosk learns of it from the gateway. kiosk-app never
// talks to the gateway itself: on a kiosk, GatewayPayments is carried by
// kiosk-agent (link/payment_mailbox.h, agent/payment_relay.h). The kiosk
// never touches the money.
//
// A payment confirmed after the journey ended cannot be given back by the
// kiosk: it stays in the ledger (and at the gateway) for staff to refund.

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

#include "kiosk/core/clock.h"
#include "kiosk/payment/card_terminal.h"
#include "kiosk/payment/ledger.h"
#include "kiosk/payment/payment.h"
#include "kiosk/payment/vietqr.h"

namespace kiosk::payment {

struct VietQrOptions {
  std::string bank_bin;     // the collecting agency's bank
  std::string account;      // and account
  std::string beneficiary;  // the account holder's name, shown beside the code
  std::string bank_name;    // "Vietcombank"
  std::chrono::milliseconds poll_interval{1'000};
  std::chrono::milliseconds wait_timeout{180'000};  // how long the code stays on screen
};

// The gateway's record of a payment, as the kiosk learns it.
struct GatewayPayment {
  std::string status;  // "pending", "paid", "mismatch" (a transfer of another amount), "unknown"
  std::string bank_transaction_id;
  std::int64_t amount_vnd = 0;
  std::string paid_at;
};

// Whoever carries the kiosk's questions about payments to the gateway.
class GatewayPayments {
 public:
  virtual ~GatewayPayments() = default;
  // The gateway is to expect `amount_vnd` for `reference`, shown as `qr`.
  // Retryable "payment.offline" when it could not be told.
  virtual core::Status Expect(const std::string& reference, std::int64_t amount_vnd,
                              const std::string& qr) = 0;
  // Its latest word on `reference` (while expected: the last one heard).
  virtual core::Expected<GatewayPayment> Ask(const std::string& reference) = 0;
  // The code left the screen: stop asking about `reference`.
  virtual void Forget(const std::string& reference) = 0;
};

class VietQrPayments final : public PaymentTerminal {
 public:
  VietQrPayments(VietQrOptions options, GatewayPayments& gateway, PaymentLedger& ledger,
                 const core::Clock& clock);

  core::Expected<PaymentResult> Pay(const PaymentRequest& request) override;
  void Cancel() override { cancelled_ = true; }
  core::Status Commit(const std::string& reference) override;
  core::Status Release(const std::string& reference) override;
  core::Expected<RecoveryReport> Recover(const std::function<bool(const std::string&)>& sealed);

  int RoundTrips() const { return round_trips_.load(); }

 private:
  VietQrOptions options_;
  GatewayPayments& gateway_;
  PaymentLedger& ledger_;
  const core::Clock& clock_;
  std::atomic<bool> cancelled_{false};
  std::atomic<int> round_trips_{0};
};

}  // namespace kiosk::payment
