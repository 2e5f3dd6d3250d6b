#pragma once

// A citizen's call for an officer ("Nhờ cán bộ hỗ trợ"), carried by
// kiosk-agent to the gateway, where the commune's officers see it on the
// dashboard. A folder of two small files, each with one writer:
//
//   call.json    kiosk-app: the open call (there while the citizen waits or
//                is helped; removed when the session ends), and an officer's
//                PIN typed on the kiosk, to be checked by the gateway
//   answer.json  kiosk-agent: the gateway's latest word on that call,
//                echoing its id so an old answer is never taken for a new one
//
// The PIN is in the call file only until its answer is read: the app writes
// the call again without it. The agent lights the kiosk's call lamp while a
// call is open.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "kiosk/core/error.h"

namespace kiosk::link {

struct HelpCall {
  std::string id;        // unique per call (letters, digits, - and _)
  std::string screen;    // where the citizen is: "review_form" (a status code)
  std::string language;  // "vi", "en"
  // An officer's credential to check: a fresh attempt id each time one is
  // typed, and the PIN (4 to 12 digits). Both empty when there is none.
  std::string attempt;
  std::string pin;
};

// What the gateway said. `state`:
//   "open"      the officers see the call (no one has answered yet)
//   "answered"  an officer took it: officer_name is on the way
//   "offline"   the agent could not reach the gateway; detail is the error code
// `attempt` echoes the credential attempt this answer settles, with
// `credential`: "accepted" (officer_id, officer_name: the officer now
// assisting), "refused" (a wrong PIN) or "locked" (too many wrong PINs).
struct HelpAnswer {
  std::string call_id;
  std::string state;
  std::string officer_id;
  std::string officer_name;
  std::string attempt;
  std::string credential;
  std::string detail;
};

bool IsHelpCallId(std::string_view text);
bool IsStaffPin(std::string_view text);

core::Expected<HelpCall> ParseHelpCall(std::string_view json);
std::string HelpCallJson(const HelpCall& call);
core::Expected<HelpAnswer> ParseHelpAnswer(std::string_view json);
std::string HelpAnswerJson(const HelpAnswer& answer);

class HelpMailbox {
 public:
  explicit HelpMailbox(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // kiosk-app's side. Writing a call with a new id removes the old answer.
  core::Status Call(const HelpCall& call);
  // The answer to call `call_id`; nullopt while there is none.
  core::Expected<std::optional<HelpAnswer>> AnswerTo(const std::string& call_id) const;
  core::Status Withdraw();

  // kiosk-agent's side.
  core::Expected<std::optional<HelpCall>> OpenCall() const;
  core::Status Answer(const HelpAnswer& answer);
  // Removes an answer whose call was withdrawn.
  core::Status Sweep();

  const std::filesystem::path& Dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

}  // namespace kiosk::link
