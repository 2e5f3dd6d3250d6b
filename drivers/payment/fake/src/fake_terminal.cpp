#include <cstdio>

#include "kiosk/payment/fake_terminal.h"

namespace kiosk::payment {

core::Expected<PaymentResult> FakePaymentTerminal::Pay(const PaymentRequest& request) {
  if (request.amount_vnd <= 0) {
    return core::Error::Fatal("payment.bad_amount", "nothing to pay");
  }
  if (const auto it = paid_.find(request.reference); it != paid_.end()) return it->second;
  if (!failures_.empty()) {
    const std::string code = failures_.front();
    failures_.pop_front();
    if (code == "payment.timeout" || code == "payment.offline" || code == "payment.unknown") {
      return core::Error::Retryable(code, "the terminal reported " + code);
    }
    return core::Error::NeedsPerson(code, "the terminal reported " + code);
  }
  ++approved_;
  char reference[32];
  std::snprintf(reference, sizeof reference, "FAKE%08d", approved_);
  PaymentResult result{request.method, reference, request.amount_vnd, clock_.Now()};
  paid_[request.reference] = result;
  return result;
}

core::Status FakePaymentTerminal::Commit(const std::string& reference) {
  if (paid_.erase(reference) != 0) ++committed_;
  return core::Ok();
}

core::Status FakePaymentTerminal::Release(const std::string& reference) {
  if (paid_.erase(reference) != 0) ++released_;
  return core::Ok();
}

}  // namespace kiosk::payment
