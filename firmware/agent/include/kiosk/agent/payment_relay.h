#pragma once

// kiosk-agent's side of the payment mailbox (link/payment_mailbox.h): it
// carries kiosk-app's VietQR asks to the gateway over the device connection
// and leaves the gateway's word as the answer.
//
//   PUT /v1/payments/{reference}  {"amount_vnd": N, "method": "vietqr", "qr": code}
//   GET /v1/payments/{reference}  {"status": "pending"|"paid"|"mismatch", "bank_transaction_id",
//                                  "amount_vnd", "paid_at"}   404: unknown
//
// An expected payment is registered once per ask, then asked about every poll
// interval until it is paid or refused or the app withdraws the ask; a query
// is answered once. Runs on its own thread: a citizen waiting at the code is
// never behind a long upload.

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <thread>

#include "kiosk/agent/help_relay.h"
#include "kiosk/core/error.h"
#include "kiosk/core/http.h"
#include "kiosk/link/payment_mailbox.h"

namespace kiosk::agent {

// The gateway's payment record, as JSON, into the mailbox's words.
core::Expected<link::PaymentAnswer> ParseGatewayPayment(std::string_view json);

class PaymentRelay {
 public:
  using Send = std::function<core::Expected<core::HttpResponse>(const core::HttpRequest&)>;
  using Steady = std::chrono::steady_clock;

  PaymentRelay(link::PaymentMailbox mailbox, Send send,
               std::chrono::milliseconds poll_interval = std::chrono::milliseconds(1000));

  // One pass over the asks: registers new ones, asks about those due, answers.
  // Returns how many requests went to the gateway.
  core::Expected<int> Step(Steady::time_point now);

 private:
  struct Progress {
    std::string ask_id;
    bool registered = false;
    bool settled = false;  // paid, refused, answered: nothing more to ask
    Steady::time_point next_ask{};
  };
  link::PaymentAnswer Register(const link::PaymentAsk& ask);
  link::PaymentAnswer Query(const std::string& reference, const std::string& ask_id);

  link::PaymentMailbox mailbox_;
  Send send_;
  std::chrono::milliseconds poll_interval_;
  std::map<std::string, Progress> progress_;  // by reference
};

// Steps a relay every `period` on a thread of its own until destroyed, and
// the help relay (help_relay.h) beside it when given: a citizen calling an
// officer is never behind a long upload either.
class PaymentRelayThread {
 public:
  PaymentRelayThread(PaymentRelay& relay, std::chrono::milliseconds period,
                     HelpRelay* help = nullptr);
  ~PaymentRelayThread();
  PaymentRelayThread(const PaymentRelayThread&) = delete;
  PaymentRelayThread& operator=(const PaymentRelayThread&) = delete;

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace kiosk::agent
