#pragma once

// The payment terminal's fake, for tests and development builds only
// (library kiosk_payment_fake; release programs cannot link it).

#include <atomic>
#include <deque>
#include <map>
#include <string>

#include "kiosk/payment/payment.h"
#include "kiosk/payment/vietqr_payments.h"

namespace kiosk::payment {

class FakePaymentTerminal final : public PaymentTerminal {
 public:
  explicit FakePaymentTerminal(const core::Clock& clock) : clock_(clock) {}
  // Queues a failure for the next payment; then approvals again.
  void FailNext(std::string error_code) { failures_.push_back(std::move(error_code)); }
  int Approved() const { return approved_; }
  int Committed() const { return committed_; }
  int Released() const { return released_.load(); }  // reversals run on another thread

  core::Expected<PaymentResult> Pay(const PaymentRequest& request) override;
  core::Status Commit(const std::string& reference) override;
  core::Status Release(const std::string& reference) override;

 private:
  const core::Clock& clock_;
  std::deque<std::string> failures_;
  std::map<std::string, PaymentResult> paid_;
  int approved_ = 0;
  int committed_ = 0;
  std::atomic<int> released_{0};
};

// The province gateway's word on VietQR transfers, as a bank whose citizen
// pays at once: "pending" the first time a reference is asked about, then
// "paid". The real VietQrPayments driver runs on it, code and prompt alike.
class FakeGatewayPayments final : public GatewayPayments {
 public:
  core::Status Expect(const std::string& reference, std::int64_t amount_vnd,
                      const std::string& qr) override;
  core::Expected<GatewayPayment> Ask(const std::string& reference) override;
  void Forget(const std::string& reference) override { asked_.erase(reference); }

 private:
  std::map<std::string, std::int64_t> expected_;
  std::map<std::string, int> asked_;
  int paid_ = 0;
};

}  // namespace kiosk::payment
