#pragma once

// Citizens' calls for an officer from the kiosks, and the commune officers
// who may assist at a kiosk (their PINs kept as salted hashes only). Times
// are Unix milliseconds. help.h has the protocol.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/error.h"

namespace kiosk::gateway {

struct HelpCallRecord {
  std::string id;
  std::string kiosk_id;
  std::string commune;
  std::string screen;  // where the citizen was when they called
  std::string language;
  std::string state;  // "open", "answered", "closed"
  std::int64_t opened_at = 0;
  std::int64_t answered_at = 0;
  std::string answered_by;  // the officer's name (a dashboard operator or a staff member)
  std::string officer_id;   // the staff member's id when a PIN answered it
  std::int64_t closed_at = 0;
};

struct StaffRecord {
  std::string id;  // "CB-000001"
  std::string commune;
  std::string name;
  std::string pin_hash;
  std::string issued_by;
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;
  std::int64_t revoked_at = 0;  // 0: in force
};

class HelpStore {
 public:
  virtual ~HelpStore() = default;

  // Records the call once (by id) and returns it as stored: a call that is
  // known already keeps its state.
  virtual core::Expected<HelpCallRecord> OpenCall(const HelpCallRecord& call) = 0;
  virtual core::Expected<std::optional<HelpCallRecord>> FindCall(const std::string& id) = 0;
  // An open or answered call becomes answered by `by`; false when the call
  // is unknown or closed.
  virtual core::Expected<bool> AnswerCall(const std::string& id, const std::string& by,
                                          const std::string& officer_id, std::int64_t at) = 0;
  virtual core::Status CloseCall(const std::string& id, std::int64_t at) = 0;
  // Calls not closed, opened at or after `since`, oldest first.
  virtual core::Expected<std::vector<HelpCallRecord>> Waiting(std::int64_t since) = 0;

  // Gives the record its id ("CB-" and six digits) and returns it.
  virtual core::Expected<std::string> AddStaff(const StaffRecord& staff) = 0;
  // In force at `now` (not revoked, not expired); of one commune, or all for "".
  virtual core::Expected<std::vector<StaffRecord>> Staff(const std::string& commune,
                                                         std::int64_t now) = 0;
  virtual core::Expected<bool> RevokeStaff(const std::string& id, std::int64_t at) = 0;
};

}  // namespace kiosk::gateway
