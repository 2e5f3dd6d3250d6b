// Help from staff: the citizen's call for an officer, carried by kiosk-agent
// (link/help_call.h), and the assisted mode an officer enters with a PIN the
// gateway checks. The call outlives screens and sessions' steps, never the
// citizen: it is withdrawn when the journey returns to attract.

#include "kiosk/core/log.h"
#include "kiosk/journey/journey.h"

namespace kiosk::journey {

namespace klog = core::log;

namespace {

constexpr auto kHelpPoll = std::chrono::milliseconds(250);

}  // namespace

void Journey::CallHelp() {
  Activity();
  if (help_line_ == nullptr) return;
  help_.shown = true;
  if (help_.assisting || !help_call_id_.empty()) return;  // already called
  auto id = ids_.Next();
  if (!id) {
    help_.state = HelpState::kOffline;
    return;
  }
  link::HelpCall call;
  call.id = "help-" + id->ToString();
  call.screen = ToString(screen_);
  call.language = language_;
  if (auto written = help_line_->Call(call); !written) {
    klog::Warn("journey.help_not_called", {{"error", written.GetError().Code()}});
    help_.state = HelpState::kOffline;
    return;
  }
  help_call_id_ = call.id;
  help_.state = HelpState::kCalling;
  help_.officer_name.clear();
  ++telemetry_.help_calls;
  klog::Info("journey.help_called", {{"screen", call.screen}});
}

void Journey::HideHelp() {
  Activity();
  help_.shown = false;
  help_.pin_entry = false;
  if (message_.rfind("help.", 0) == 0) message_.clear();
}

void Journey::CancelHelp() {
  Activity();
  const bool assisting = help_.assisting.has_value();
  EndHelp();
  // An officer who is assisting stays so until they end it themselves.
  if (assisting) EndAssistance();
}

void Journey::StartOfficerPin() {
  Activity();
  if (help_line_ == nullptr) return;
  if (help_call_id_.empty()) CallHelp();  // a PIN is checked against a call
  help_.shown = true;
  help_.pin_entry = true;
  message_.clear();
}

void Journey::OfficerPin(std::string pin) {
  Activity();
  if (help_line_ == nullptr || help_call_id_.empty() || help_.checking) return;
  if (!link::IsStaffPin(pin)) {
    message_ = "help.pin_invalid";
    return;
  }
  auto id = ids_.Next();
  if (!id) return;
  link::HelpCall call;
  call.id = help_call_id_;
  call.screen = ToString(screen_);
  call.language = language_;
  call.attempt = "pin-" + id->ToString();
  call.pin = std::move(pin);
  auto written = help_line_->Call(call);
  std::fill(call.pin.begin(), call.pin.end(), '\0');
  if (!written) {
    message_ = "help.offline";
    return;
  }
  help_attempt_ = call.attempt;
  help_.checking = true;
  message_.clear();
  help_polled_ = {};  // read the answer on the next poll
}

void Journey::EndAssistance() {
  Activity();
  if (!help_.assisting) return;
  klog::Info("journey.assistance_ended", {{"officer", help_.assisting->officer_id}});
  help_.assisting.reset();
  if (session_) session_->assisted_by.reset();
  EndHelp();
}

void Journey::EndHelp() {
  if (help_line_ != nullptr && !help_call_id_.empty()) {
    if (auto withdrawn = help_line_->Withdraw(); !withdrawn) {
      klog::Warn("journey.help_not_withdrawn", {{"error", withdrawn.GetError().Code()}});
    }
  }
  help_call_id_.clear();
  help_attempt_.clear();
  const auto assisting = help_.assisting;
  help_ = Help{};
  help_.assisting = assisting;
  if (!assisting) help_.officer_name.clear();
  if (message_.rfind("help.", 0) == 0) message_.clear();
}

void Journey::PollHelp() {
  if (help_line_ == nullptr || help_call_id_.empty()) return;
  const auto now = clock_.Monotonic();
  if (now - help_polled_ < kHelpPoll) return;
  help_polled_ = now;
  auto read = help_line_->AnswerTo(help_call_id_);
  if (!read || !*read) return;
  const link::HelpAnswer& answer = **read;
  if (!help_.assisting) {
    help_.officer_name = answer.officer_name;
    help_.state = answer.state == "answered" ? HelpState::kAnswered
                  : answer.state == "open"   ? HelpState::kOpen
                                             : HelpState::kOffline;
  }
  if (help_attempt_.empty()) return;
  std::string problem;
  if (answer.attempt == help_attempt_) {
    if (answer.credential == "accepted") {
      help_.assisting = dossier::Assistance{answer.officer_id, answer.officer_name};
      if (session_) session_->assisted_by = help_.assisting;
      help_.officer_name = answer.officer_name;
      help_.state = HelpState::kAnswered;
      help_.shown = false;
      help_.pin_entry = false;
      ++telemetry_.assisted_sessions;
      klog::Info("journey.assisted", {{"officer", answer.officer_id}});
    } else {
      problem = answer.credential == "locked" ? "help.pin_locked" : "help.pin_refused";
    }
  } else if (answer.state == "offline" && answer.attempt.empty()) {
    problem = "help.offline";  // the PIN could not be checked
  } else {
    return;  // not answered yet
  }
  help_attempt_.clear();
  help_.checking = false;
  if (!problem.empty()) message_ = problem;
  // The PIN leaves the call file as soon as it is answered.
  link::HelpCall call;
  call.id = help_call_id_;
  call.screen = ToString(screen_);
  call.language = language_;
  if (auto written = help_line_->Call(call); !written) {
    klog::Warn("journey.help_not_rewritten", {{"error", written.GetError().Code()}});
  }
}

}  // namespace kiosk::journey
