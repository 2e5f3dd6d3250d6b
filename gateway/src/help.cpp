#include "kiosk/gateway/help.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "kiosk/core/log.h"
#include "kiosk/core/text.h"
#include "kiosk/gateway/dashboard.h"
#include "responses.h"

namespace kiosk::gateway {

namespace klog = core::log;
using core::HttpResponse;
using nlohmann::json;

namespace {

// A PIN is checked against every officer of the commune; the PIN's own
// strength is the gateway's lock on wrong tries, not the hash's cost.
constexpr unsigned kPinHashIterations = 20'000;

bool IsCallId(std::string_view text) { return core::IsCode(text, 64, "-_"); }

json CallJson(const HelpCallRecord& r) {
  json out = {{"state", r.state}};
  if (!r.answered_by.empty()) out["officer_name"] = r.answered_by;
  if (!r.officer_id.empty()) out["officer_id"] = r.officer_id;
  return out;
}

}  // namespace

std::int64_t HelpDesk::Now() const { return core::UnixMillis(clock_.Now()); }

std::optional<HttpResponse> HelpDesk::HandleDevice(const core::HttpRequest& request,
                                                   const std::string& kiosk_id) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  constexpr std::string_view kPrefix = "/v1/help-calls/";
  if (path.rfind(kPrefix, 0) != 0) return std::nullopt;
  std::string rest = path.substr(kPrefix.size());
  bool credential = false;
  if (const auto slash = rest.find('/'); slash != std::string::npos) {
    if (rest.substr(slash) != "/credential") return Refuse(404, "help.not_found", "no such path");
    credential = true;
    rest.resize(slash);
  }
  if (!IsCallId(rest)) return Refuse(400, "help.invalid", "a call id is letters and digits");
  if (credential) {
    if (request.method != "POST") return Refuse(405, "help.method", "POST a credential");
    return Credential(rest, request, kiosk_id);
  }
  if (request.method == "PUT") return Open(rest, request, kiosk_id);
  if (request.method == "DELETE") return Close(rest, kiosk_id);
  return Refuse(405, "help.method", "PUT or DELETE a call");
}

HttpResponse HelpDesk::Open(const std::string& id, const core::HttpRequest& request,
                            const std::string& kiosk_id) {
  const json body = json::parse(request.body, nullptr, false);
  if (!body.is_object() || !body.contains("screen") || !body["screen"].is_string() ||
      !body.contains("language") || !body["language"].is_string()) {
    return Refuse(400, "help.invalid", "a call names its screen and language");
  }
  HelpCallRecord call;
  call.id = id;
  call.kiosk_id = kiosk_id;
  call.screen = body["screen"].get<std::string>();
  call.language = body["language"].get<std::string>();
  if (!core::IsCode(call.screen, 64) || (call.language != "vi" && call.language != "en")) {
    return Refuse(400, "help.invalid", "screen or language");
  }
  auto device = devices_.FindDevice(kiosk_id);
  if (!device) return Refuse(503, "help.store", "the fleet store is unavailable");
  call.commune = *device ? (*device)->commune : "";
  call.opened_at = Now();
  auto stored = store_.OpenCall(call);
  if (!stored) return Refuse(503, "help.store", stored.GetError().Message());
  if (stored->kiosk_id != kiosk_id) return Refuse(409, "help.conflict", "another kiosk's call");
  if (stored->state == "closed") return Refuse(409, "help.closed", "this call was closed");
  if (stored->opened_at == call.opened_at) {
    klog::Info("gateway.help_called", {{"kiosk", kiosk_id}, {"screen", call.screen}});
  }
  return Json(200, CallJson(*stored));
}

core::Expected<std::optional<StaffRecord>> HelpDesk::StaffWithPin(const std::string& commune,
                                                                  const std::string& pin) {
  KIOSK_ASSIGN_OR_RETURN(const auto staff, store_.Staff(commune, Now()));
  for (const auto& s : staff) {
    if (s.commune == commune && CheckPassword(pin, s.pin_hash)) {
      return std::optional<StaffRecord>(s);
    }
  }
  return std::optional<StaffRecord>();
}

HttpResponse HelpDesk::Credential(const std::string& id, const core::HttpRequest& request,
                                  const std::string& kiosk_id) {
  {
    std::lock_guard lock(mutex_);
    if (failures_[kiosk_id].locked_until > Now()) {
      return Refuse(429, "help.credential_locked", "too many wrong PINs; try again later");
    }
  }
  const json body = json::parse(request.body, nullptr, false);
  const std::string pin =
      body.is_object() && body.contains("pin") && body["pin"].is_string() ? body["pin"] : "";
  if (pin.size() < 4 || pin.size() > 12 || !std::all_of(pin.begin(), pin.end(), ::isdigit)) {
    return Refuse(400, "help.invalid", "a PIN is 4 to 12 digits");
  }
  auto call = store_.FindCall(id);
  if (!call) return Refuse(503, "help.store", call.GetError().Message());
  if (!*call || (*call)->kiosk_id != kiosk_id) return Refuse(404, "help.unknown", "no such call");
  if ((*call)->state == "closed") return Refuse(409, "help.closed", "this call was closed");
  auto staff = StaffWithPin((*call)->commune, pin);
  if (!staff) return Refuse(503, "help.store", staff.GetError().Message());
  if (!*staff) {
    std::lock_guard lock(mutex_);
    auto& f = failures_[kiosk_id];
    if (++f.count >= kLockAfter) {
      f.count = 0;
      f.locked_until = Now() + kLockMs;
      klog::Warn("gateway.help_pin_locked", {{"kiosk", kiosk_id}});
    }
    return Refuse(403, "help.credential_refused", "no officer of this commune has that PIN");
  }
  {
    std::lock_guard lock(mutex_);
    failures_.erase(kiosk_id);
  }
  auto answered = store_.AnswerCall(id, (*staff)->name, (*staff)->id, Now());
  if (!answered) return Refuse(503, "help.store", answered.GetError().Message());
  klog::Info("gateway.help_assisting", {{"kiosk", kiosk_id}, {"officer", (*staff)->id}});
  return Json(200, {{"officer_id", (*staff)->id}, {"officer_name", (*staff)->name}});
}

HttpResponse HelpDesk::Close(const std::string& id, const std::string& kiosk_id) {
  auto call = store_.FindCall(id);
  if (!call) return Refuse(503, "help.store", call.GetError().Message());
  if (!*call || (*call)->kiosk_id != kiosk_id) return Json(200, {{"state", "closed"}});
  if (auto closed = store_.CloseCall(id, Now()); !closed) {
    return Refuse(503, "help.store", closed.GetError().Message());
  }
  return Json(200, {{"state", "closed"}});
}

core::Expected<std::vector<HelpCallRecord>> HelpDesk::Waiting() {
  return store_.Waiting(Now() - kShownMs);
}

core::Expected<bool> HelpDesk::Answer(const std::string& call_id, const std::string& by) {
  return store_.AnswerCall(call_id, by, "", Now());
}

core::Expected<IssuedStaff> HelpDesk::IssueStaff(const std::string& commune,
                                                 const std::string& name, int days,
                                                 const std::string& issued_by) {
  if (!core::IsCode(commune, 32) || name.empty() || name.size() > 128 ||
      std::any_of(name.begin(), name.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    return core::Error::NeedsPerson("help.staff_invalid", "a commune code and a name are needed");
  }
  days = std::clamp(days, 1, 366);
  KIOSK_ASSIGN_OR_RETURN(const auto staff, store_.Staff(commune, Now()));
  std::lock_guard lock(mutex_);
  for (int tries = 0; tries < 20; ++tries) {
    std::string pin;
    while (pin.size() < kPinDigits) {
      KIOSK_ASSIGN_OR_RETURN(const auto bytes, core::RandomBytes(random_, 16));
      for (const auto b : bytes) {
        if (b < 250 && pin.size() < kPinDigits) pin += static_cast<char>('0' + b % 10);
      }
    }
    // A PIN names its officer within the commune: never two alike.
    if (std::any_of(staff.begin(), staff.end(),
                    [&](const StaffRecord& s) { return CheckPassword(pin, s.pin_hash); })) {
      continue;
    }
    StaffRecord record;
    record.commune = commune;
    record.name = name;
    KIOSK_ASSIGN_OR_RETURN(record.pin_hash, HashPassword(pin, random_, kPinHashIterations));
    record.issued_by = issued_by;
    record.issued_at = Now();
    record.expires_at = record.issued_at + static_cast<std::int64_t>(days) * 86'400'000LL;
    KIOSK_ASSIGN_OR_RETURN(auto id, store_.AddStaff(record));
    return IssuedStaff{std::move(id), std::move(pin)};
  }
  return core::Error::Retryable("help.pin_space", "no free PIN found; try again");
}

core::Expected<std::vector<StaffRecord>> HelpDesk::Staff() { return store_.Staff("", Now()); }

core::Expected<bool> HelpDesk::Revoke(const std::string& staff_id) {
  return store_.RevokeStaff(staff_id, Now());
}

}  // namespace kiosk::gateway
