#pragma once

// The gateway's side of VietQR as kiosk-app reaches it: through kiosk-agent,
// by the payment mailbox (link/payment_mailbox.h). kiosk-app opens no
// connection and holds no device key.

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "kiosk/link/payment_mailbox.h"
#include "kiosk/payment/vietqr_payments.h"

namespace kiosk::app {

class RelayedPayments final : public payment::GatewayPayments {
 public:
  // `answer_wait`: how long a registration or a query waits for the agent.
  explicit RelayedPayments(link::PaymentMailbox mailbox,
                           std::chrono::milliseconds answer_wait = std::chrono::seconds(15));

  core::Status Expect(const std::string& reference, std::int64_t amount_vnd,
                      const std::string& qr) override;
  core::Expected<payment::GatewayPayment> Ask(const std::string& reference) override;
  void Forget(const std::string& reference) override;

 private:
  std::string NextAskId();
  // Posts `ask` and waits for its answer; withdraws it when none comes.
  core::Expected<link::PaymentAnswer> Exchange(const link::PaymentAsk& ask);

  link::PaymentMailbox mailbox_;
  std::chrono::milliseconds answer_wait_;
  std::mutex mutex_;
  std::map<std::string, std::string> expecting_;  // reference -> ask id
  unsigned asks_ = 0;
};

}  // namespace kiosk::app
