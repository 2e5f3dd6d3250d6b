#include <cstdio>

#include "kiosk/payment/payment.h"

namespace kiosk::payment {

core::Expected<PaymentResult> FakePaymentTerminal::Pay(const PaymentRequest& request) {
  if (request.amount_vnd <= 0) {
    return core::Error::Fatal("payment.bad_amount", "nothing to pay");
  }
  if (!failures_.empty()) {
    const std::string code = failures_.front();
    failures_.pop_front();
    if (code == "payment.timeout" || code == "payment.offline") {
      return core::Error::Retryable(code, "the terminal reported " + code);
    }
    return core::Error::NeedsPerson(code, "the terminal reported " + code);
  }
  ++approved_;
  char reference[32];
  std::snprintf(reference, sizeof reference, "FAKE%08d", approved_);
  return PaymentResult{request.method, reference, request.amount_vnd, clock_.Now()};
}

}  // namespace kiosk::payment
