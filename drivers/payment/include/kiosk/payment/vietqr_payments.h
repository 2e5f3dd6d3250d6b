#pragma once

// Paying by VietQR: the kiosk shows a dynamic code for the collecting
// agency's account with the amount and the dossier's payment reference; the
// citizen pays from their banking app; the bank notifies the province's
// gateway, and the kiosk learns of it from the gateway (over its mutual-TLS
// device connection). The kiosk never touches the money.
//
//   PUT /v1/payments/{reference}   {"amount_vnd": N, "method": "vietqr", "qr": code}
//   GET /v1/payments/{reference}   {"status": "pending"|"paid", "bank_transaction_id", ...}
//
// A payment confirmed after the journey ended cannot be given back by the
// kiosk: it stays in the ledger (and at the gateway) for staff to refund.

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

#include "kiosk/core/clock.h"
#include "kiosk/core/tls.h"
#include "kiosk/payment/card_terminal.h"
#include "kiosk/payment/ledger.h"
#include "kiosk/payment/payment.h"
#include "kiosk/payment/vietqr.h"

namespace kiosk::payment {

struct VietQrOptions {
  std::string bank_bin;  // the collecting agency's bank
  std::string account;   // and account
  std::string gateway_host = "127.0.0.1";
  std::uint16_t gateway_port = 8443;
  core::TlsOptions tls;  // the kiosk's device identity; trusted = the gateway's CA
  std::chrono::milliseconds poll_interval{1'000};
  std::chrono::milliseconds wait_timeout{180'000};  // how long the code stays on screen
};

// A gateway payment record as the kiosk reads it.
struct GatewayPayment {
  std::string status;  // "pending", "paid", "mismatch" (a transfer of another amount)
  std::string bank_transaction_id;
  std::int64_t amount_vnd = 0;
  std::string paid_at;
};
core::Expected<GatewayPayment> ParseGatewayPayment(std::string_view json);

class VietQrPayments final : public PaymentTerminal {
 public:
  VietQrPayments(VietQrOptions options, PaymentLedger& ledger, const core::Clock& clock);

  core::Expected<PaymentResult> Pay(const PaymentRequest& request) override;
  void Cancel() override { cancelled_ = true; }
  core::Status Commit(const std::string& reference) override;
  core::Status Release(const std::string& reference) override;
  core::Expected<RecoveryReport> Recover(const std::function<bool(const std::string&)>& sealed);

  int RoundTrips() const { return round_trips_.load(); }

 private:
  core::Expected<GatewayPayment> Ask(const std::string& reference);
  core::Status Expect(const std::string& reference, std::int64_t amount_vnd,
                      const std::string& payload);

  VietQrOptions options_;
  PaymentLedger& ledger_;
  const core::Clock& clock_;
  std::atomic<bool> cancelled_{false};
  std::atomic<int> round_trips_{0};
};

}  // namespace kiosk::payment
