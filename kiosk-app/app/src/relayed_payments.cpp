#include "kiosk/app/relayed_payments.h"

#include <unistd.h>

#include <thread>

namespace kiosk::app {

namespace {

core::Error Offline(const std::string& why) {
  return core::Error::Retryable("payment.offline", why);
}

payment::GatewayPayment FromAnswer(const link::PaymentAnswer& a) {
  payment::GatewayPayment p;
  p.status = a.state == "registered" ? "pending" : a.state;
  p.bank_transaction_id = a.bank_transaction_id;
  p.amount_vnd = a.amount_vnd;
  p.paid_at = a.paid_at;
  return p;
}

}  // namespace

RelayedPayments::RelayedPayments(link::PaymentMailbox mailbox,
                                 std::chrono::milliseconds answer_wait)
    : mailbox_(std::move(mailbox)), answer_wait_(answer_wait) {}

std::string RelayedPayments::NextAskId() {
  const auto now = std::chrono::steady_clock::now().time_since_epoch();
  std::lock_guard lock(mutex_);
  return std::to_string(::getpid()) + "-" + std::to_string(++asks_) + "-" +
         std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(now).count());
}

core::Expected<link::PaymentAnswer> RelayedPayments::Exchange(const link::PaymentAsk& ask) {
  KIOSK_TRY(mailbox_.Post(ask));
  const auto deadline = std::chrono::steady_clock::now() + answer_wait_;
  while (true) {
    KIOSK_ASSIGN_OR_RETURN(auto answer, mailbox_.AnswerTo(ask.reference, ask.id));
    if (answer) return std::move(*answer);
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  (void)mailbox_.Withdraw(ask.reference);
  return Offline("kiosk-agent did not carry the ask to the gateway");
}

core::Status RelayedPayments::Expect(const std::string& reference, std::int64_t amount_vnd,
                                     const std::string& qr) {
  link::PaymentAsk ask{NextAskId(), reference, link::AskKind::kExpect, amount_vnd, qr};
  KIOSK_ASSIGN_OR_RETURN(auto answer, Exchange(ask));
  if (answer.state == "offline") {
    (void)mailbox_.Withdraw(reference);
    return Offline("the gateway was not told: " + answer.detail);
  }
  std::lock_guard lock(mutex_);
  expecting_[reference] = ask.id;
  return core::Ok();
}

core::Expected<payment::GatewayPayment> RelayedPayments::Ask(const std::string& reference) {
  std::string expecting;
  {
    std::lock_guard lock(mutex_);
    if (auto found = expecting_.find(reference); found != expecting_.end()) {
      expecting = found->second;
    }
  }
  if (!expecting.empty()) {
    // The agent keeps asking on its own; read what it heard last.
    KIOSK_ASSIGN_OR_RETURN(auto answer, mailbox_.AnswerTo(reference, expecting));
    if (!answer) return payment::GatewayPayment{"pending", "", 0, ""};
    if (answer->state == "offline") return Offline(answer->detail);
    return FromAnswer(*answer);
  }
  link::PaymentAsk ask{NextAskId(), reference, link::AskKind::kQuery, 0, ""};
  auto answer = Exchange(ask);
  (void)mailbox_.Withdraw(reference);
  if (!answer) return answer.GetError();
  if (answer->state == "offline") return Offline(answer->detail);
  return FromAnswer(*answer);
}

void RelayedPayments::Forget(const std::string& reference) {
  {
    std::lock_guard lock(mutex_);
    expecting_.erase(reference);
  }
  (void)mailbox_.Withdraw(reference);
}

}  // namespace kiosk::app
