#pragma once

// The payment terminal's fake, for tests and development builds only
// (library kiosk_payment_fake; release programs cannot link it).

#include <atomic>
#include <deque>
#include <map>
#include <string>

#include "kiosk/payment/payment.h"

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

}  // namespace kiosk::payment
