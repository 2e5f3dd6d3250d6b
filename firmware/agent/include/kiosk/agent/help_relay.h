#pragma once

// kiosk-agent's side of the help mailbox (link/help_call.h): it carries a
// citizen's call for an officer to the gateway over the device connection,
// asks about it until the citizen is done, has an officer's PIN checked,
// and closes the call when kiosk-app withdraws it (gateway/help.h has the
// protocol). Stepped on the relay thread beside the payments, so a call is
// never behind a long upload.

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

#include "kiosk/core/error.h"
#include "kiosk/core/http.h"
#include "kiosk/link/help_call.h"

namespace kiosk::agent {

class HelpRelay {
 public:
  using Send = std::function<core::Expected<core::HttpResponse>(const core::HttpRequest&)>;
  using Steady = std::chrono::steady_clock;

  HelpRelay(link::HelpMailbox mailbox, Send send,
            std::chrono::milliseconds poll_interval = std::chrono::milliseconds(2000));

  // One pass: a new or due call is put to the gateway, a PIN checked once,
  // a withdrawn call closed. Returns how many requests went to the gateway.
  core::Expected<int> Step(Steady::time_point now);
  // A call is open: the board's call lamp is lit. Safe from any thread.
  bool Called() const { return called_; }

 private:
  link::HelpAnswer Put(const link::HelpCall& call);
  void CheckCredential(const link::HelpCall& call, link::HelpAnswer& answer);

  link::HelpMailbox mailbox_;
  Send send_;
  std::chrono::milliseconds poll_interval_;
  std::string call_id_;    // the call last seen open
  std::string checked_;    // the credential attempt already checked
  link::HelpAnswer last_;  // the answer last written
  std::string to_close_;   // a withdrawn call the gateway has not closed yet
  Steady::time_point next_ask_{};
  std::atomic<bool> called_{false};
};

}  // namespace kiosk::agent
