#pragma once

// How the stores write a record's fields into columns, whatever the
// database: the same on SQLite and PostgreSQL.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/error.h"
#include "kiosk/gateway/store/devices.h"

namespace kiosk::gateway::store {

// An enrollment token as a store read it (its row locked), for the kiosk
// that presents it.
struct TokenRow {
  TokenGrant grant;
  std::int64_t expires_at = 0;
  bool used = false;
  bool kiosk_enrolled = false;  // the presented kiosk id is in the registry
};
// Whether it may be spent now: its grant, or the refusal DeviceStore's
// ConsumeToken names (devices.h). The store marks it used on a grant.
core::Expected<TokenGrant> CheckTokenUse(const TokenRow& token, const std::string& kiosk_id,
                                         std::int64_t now);

// A staff member's id from their row's number: "CB-000042".
std::string StaffId(std::int64_t number);
// The number back from an id; nullopt for anything not of that form.
std::optional<std::int64_t> StaffNumber(const std::string& id);

// A rollout's communes as one column: "20314,20317".
std::string JoinCommunes(const std::vector<std::string>& communes);
std::vector<std::string> SplitCommunes(const std::string& text);

}  // namespace kiosk::gateway::store
