#include <cstdio>

#include "kiosk/payment/fake_terminal.h"

namespace kiosk::payment {

core::Expected<PaymentResult> FakePaymentTerminal::Pay(const PaymentRequest& request) {
  if (request.amount_vnd <= 0) {
    return core::Error::Fatal("payment.bad_amount", "nothing to pay");
  }
  if (const auto it = paid_.find(request.reference); it != paid_.end()) return it->second;
  // As a real terminal does, the citizen is asked first (to present the
  // card); then the answer, or the failure queued.
  if (request.prompt) {
    PaymentPrompt prompt;
    prompt.method = request.method;
    prompt.message = "Đưa thẻ vào máy thanh toán / Present the card on the terminal";
    prompt.amount_vnd = request.amount_vnd;
    request.prompt(prompt);
  }
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

core::Status FakeGatewayPayments::Expect(const std::string& reference, std::int64_t amount_vnd,
                                         const std::string& /*qr*/) {
  expected_[reference] = amount_vnd;
  return core::Ok();
}

core::Expected<GatewayPayment> FakeGatewayPayments::Ask(const std::string& reference) {
  const auto it = expected_.find(reference);
  if (it == expected_.end()) return GatewayPayment{"unknown", "", 0, ""};
  if (asked_[reference]++ == 0) return GatewayPayment{"pending", "", 0, ""};
  char id[32];
  std::snprintf(id, sizeof id, "FAKEQR%08d", ++paid_);
  return GatewayPayment{"paid", id, it->second, "2026-11-30T02:05:00.000Z"};
}

}  // namespace kiosk::payment
