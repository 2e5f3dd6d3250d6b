#include "kiosk/link/help_call.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "kiosk/core/files.h"
#include "kiosk/core/text.h"
#include "kiosk/link/app_status.h"

namespace kiosk::link {

using nlohmann::json;

namespace {

constexpr const char* kCall = "call.json";
constexpr const char* kAnswer = "answer.json";
constexpr std::size_t kMaxFile = 8 * 1024;

core::Error Invalid(const std::string& what) {
  return core::Error::NeedsPerson("link.invalid", what);
}

std::optional<std::string> Text(const json& doc, const char* key, std::size_t max) {
  if (!doc.contains(key)) return std::string();
  if (!doc[key].is_string()) return std::nullopt;
  auto value = doc[key].get<std::string>();
  if (value.size() > max) return std::nullopt;
  return value;
}

bool IsState(const std::string& s) { return s == "open" || s == "answered" || s == "offline"; }

bool IsCredential(const std::string& s) {
  return s.empty() || s == "accepted" || s == "refused" || s == "locked";
}

// An officer's name: printable, no control characters, at most 128 bytes.
bool IsName(const std::string& s) {
  return s.size() <= 128 && std::none_of(s.begin(), s.end(), [](char c) {
           return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
         });
}

}  // namespace

bool IsHelpCallId(std::string_view text) { return core::IsCode(text, 64, "-_"); }

bool IsStaffPin(std::string_view text) {
  return text.size() >= 4 && text.size() <= 12 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

core::Expected<HelpCall> ParseHelpCall(std::string_view text) {
  const json doc = json::parse(text, nullptr, false);
  if (!doc.is_object()) return Invalid("a help call is a JSON object");
  HelpCall call;
  auto id = Text(doc, "id", 64);
  auto screen = Text(doc, "screen", 64);
  auto language = Text(doc, "language", 8);
  auto attempt = Text(doc, "attempt", 64);
  auto pin = Text(doc, "pin", 12);
  if (!id || !IsHelpCallId(*id)) return Invalid("help call id");
  if (!screen || !IsStatusCode(*screen)) return Invalid("screen");
  if (!language || (*language != "vi" && *language != "en")) return Invalid("language");
  if (!attempt || !pin) return Invalid("attempt or pin");
  if (attempt->empty() != pin->empty()) return Invalid("an attempt carries a PIN");
  if (!attempt->empty() && (!IsHelpCallId(*attempt) || !IsStaffPin(*pin))) {
    return Invalid("attempt or pin");
  }
  call.id = *id;
  call.screen = *screen;
  call.language = *language;
  call.attempt = *attempt;
  call.pin = *pin;
  return call;
}

std::string HelpCallJson(const HelpCall& call) {
  json doc = {{"id", call.id}, {"screen", call.screen}, {"language", call.language}};
  if (!call.attempt.empty()) {
    doc["attempt"] = call.attempt;
    doc["pin"] = call.pin;
  }
  return doc.dump();
}

core::Expected<HelpAnswer> ParseHelpAnswer(std::string_view text) {
  const json doc = json::parse(text, nullptr, false);
  if (!doc.is_object()) return Invalid("a help answer is a JSON object");
  HelpAnswer a;
  auto id = Text(doc, "call_id", 64);
  auto state = Text(doc, "state", 16);
  auto officer_id = Text(doc, "officer_id", 64);
  auto officer_name = Text(doc, "officer_name", 128);
  auto attempt = Text(doc, "attempt", 64);
  auto credential = Text(doc, "credential", 16);
  auto detail = Text(doc, "detail", 256);
  if (!id || !IsHelpCallId(*id) || !state || !IsState(*state)) return Invalid("call_id or state");
  if (!officer_id || !officer_name || !IsName(*officer_name) || !attempt || !credential ||
      !IsCredential(*credential) || !detail) {
    return Invalid("help answer fields");
  }
  if (!officer_id->empty() && !IsHelpCallId(*officer_id)) return Invalid("officer_id");
  if (!attempt->empty() && !IsHelpCallId(*attempt)) return Invalid("attempt");
  if (attempt->empty() != credential->empty()) return Invalid("a credential answers an attempt");
  if (*credential == "accepted" && officer_id->empty()) {
    return Invalid("an accepted credential names its officer");
  }
  a.call_id = *id;
  a.state = *state;
  a.officer_id = *officer_id;
  a.officer_name = *officer_name;
  a.attempt = *attempt;
  a.credential = *credential;
  a.detail = *detail;
  return a;
}

std::string HelpAnswerJson(const HelpAnswer& a) {
  json doc = {{"call_id", a.call_id}, {"state", a.state}};
  if (!a.officer_id.empty()) doc["officer_id"] = a.officer_id;
  if (!a.officer_name.empty()) doc["officer_name"] = a.officer_name;
  if (!a.attempt.empty()) {
    doc["attempt"] = a.attempt;
    doc["credential"] = a.credential;
  }
  if (!a.detail.empty()) doc["detail"] = a.detail;
  return doc.dump();
}

core::Status HelpMailbox::Call(const HelpCall& call) {
  // What the agent would refuse is refused here, where the mistake is.
  KIOSK_TRY(ParseHelpCall(HelpCallJson(call)));
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return core::Error::Retryable("io.write", "cannot create " + dir_.string());
  if (auto old = OpenCall(); old && *old && (*old)->id != call.id) {
    std::filesystem::remove(dir_ / kAnswer, ec);
  }
  return core::WriteFileAtomically(dir_ / kCall, core::AsBytes(HelpCallJson(call)), 0640);
}

core::Expected<std::optional<HelpAnswer>> HelpMailbox::AnswerTo(const std::string& call_id) const {
  auto text = core::ReadSmallFile(dir_ / kAnswer, kMaxFile);
  if (!text) return std::optional<HelpAnswer>();  // none yet, or swept meanwhile
  KIOSK_ASSIGN_OR_RETURN(auto answer, ParseHelpAnswer(*text));
  if (answer.call_id != call_id) return std::optional<HelpAnswer>();
  return std::optional<HelpAnswer>(std::move(answer));
}

core::Status HelpMailbox::Withdraw() {
  std::error_code ec;
  std::filesystem::remove(dir_ / kCall, ec);
  if (ec) return core::Error::Retryable("io.write", "cannot withdraw the help call");
  return core::Ok();
}

core::Expected<std::optional<HelpCall>> HelpMailbox::OpenCall() const {
  std::error_code ec;
  if (!std::filesystem::exists(dir_ / kCall, ec)) return std::optional<HelpCall>();
  auto text = core::ReadSmallFile(dir_ / kCall, kMaxFile);
  if (!text) return std::optional<HelpCall>();  // withdrawn meanwhile
  KIOSK_ASSIGN_OR_RETURN(auto call, ParseHelpCall(*text));
  return std::optional<HelpCall>(std::move(call));
}

core::Status HelpMailbox::Answer(const HelpAnswer& answer) {
  return core::WriteFileAtomically(dir_ / kAnswer, core::AsBytes(HelpAnswerJson(answer)), 0640);
}

core::Status HelpMailbox::Sweep() {
  std::error_code ec;
  if (std::filesystem::exists(dir_ / kCall, ec)) return core::Ok();
  std::filesystem::remove(dir_ / kAnswer, ec);
  return core::Ok();
}

}  // namespace kiosk::link
