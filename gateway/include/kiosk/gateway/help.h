#pragma once

// Help from staff: a citizen at a kiosk taps "Nhờ cán bộ hỗ trợ"; the call
// reaches the commune's officers on the dashboard with the kiosk and the
// screen, and is cleared when one answers it. An officer at the kiosk enters
// an assisted mode with a PIN issued from the dashboard for that commune;
// the gateway checks it, so a PIN works at every kiosk of its commune and
// nowhere else.
//
//   PUT    /v1/help-calls/{id}             (kiosk) {"screen", "language"}: opens the
//          call, or asks about it; 200 {"state": "open"|"answered", "officer_name",
//          "officer_id"}  409: the id is another kiosk's, or the call is closed
//   POST   /v1/help-calls/{id}/credential  (kiosk) {"pin"}: 200 {"officer_id",
//          "officer_name"}; 403 help.credential_refused; 429 help.credential_locked
//   DELETE /v1/help-calls/{id}             (kiosk) the citizen is done: closed
//
// Wrong PINs are counted per kiosk: five in a row lock that kiosk's PIN entry
// for ten minutes. A call nobody closes stops showing after an hour.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/clock.h"
#include "kiosk/core/http.h"
#include "kiosk/core/random.h"
#include "kiosk/gateway/store/devices.h"
#include "kiosk/gateway/store/help.h"

namespace kiosk::gateway {

struct IssuedStaff {
  std::string id;
  std::string pin;  // shown once on the dashboard; only its hash is kept
};

class HelpDesk {
 public:
  static constexpr int kLockAfter = 5;
  static constexpr std::int64_t kLockMs = 10 * 60 * 1000;
  static constexpr std::int64_t kShownMs = 60 * 60 * 1000;
  static constexpr int kPinDigits = 6;

  HelpDesk(HelpStore& store, DeviceStore& devices, core::RandomSource& random,
           const core::Clock& clock)
      : store_(store), devices_(devices), random_(random), clock_(clock) {}

  // Handles /v1/help-calls/...; nullopt for other paths.
  std::optional<core::HttpResponse> HandleDevice(const core::HttpRequest& request,
                                                 const std::string& kiosk_id);

  // The dashboard's side.
  core::Expected<std::vector<HelpCallRecord>> Waiting();
  core::Expected<bool> Answer(const std::string& call_id, const std::string& by);
  // A new officer of `commune`, valid for `days`; the PIN is unique among
  // the commune's officers in force.
  core::Expected<IssuedStaff> IssueStaff(const std::string& commune, const std::string& name,
                                         int days, const std::string& issued_by);
  core::Expected<std::vector<StaffRecord>> Staff();
  core::Expected<bool> Revoke(const std::string& staff_id);

 private:
  core::HttpResponse Open(const std::string& id, const core::HttpRequest& request,
                          const std::string& kiosk_id);
  core::HttpResponse Credential(const std::string& id, const core::HttpRequest& request,
                                const std::string& kiosk_id);
  core::HttpResponse Close(const std::string& id, const std::string& kiosk_id);
  core::Expected<std::optional<StaffRecord>> StaffWithPin(const std::string& commune,
                                                          const std::string& pin);
  std::int64_t Now() const;

  HelpStore& store_;
  DeviceStore& devices_;
  core::RandomSource& random_;
  const core::Clock& clock_;
  std::mutex mutex_;  // the counts, and the random source
  struct Failures {
    int count = 0;
    std::int64_t locked_until = 0;
  };
  std::map<std::string, Failures> failures_;  // by kiosk
};

}  // namespace kiosk::gateway
