#include "kiosk/payment/payment.h"

namespace kiosk::payment {

core::Expected<PaymentResult> MethodRouter::Pay(const PaymentRequest& request) {
  const auto it = terminals_.find(request.method);
  if (it == terminals_.end()) {
    return core::Error::NeedsPerson("payment.method", "no payment by " + request.method + " here");
  }
  return it->second->Pay(request);
}

void MethodRouter::Cancel() {
  for (auto& [method, terminal] : terminals_) terminal->Cancel();
}

core::Status MethodRouter::Commit(const std::string& reference) {
  core::Status status = core::Ok();
  for (auto& [method, terminal] : terminals_) {
    auto done = terminal->Commit(reference);
    if (!done && status) status = std::move(done);
  }
  return status;
}

core::Status MethodRouter::Release(const std::string& reference) {
  core::Status status = core::Ok();
  for (auto& [method, terminal] : terminals_) {
    auto done = terminal->Release(reference);
    if (!done && status) status = std::move(done);
  }
  return status;
}

}  // namespace kiosk::payment
