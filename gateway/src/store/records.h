#pragma once

// How the stores write a record's fields into columns, whatever the
// database: the same on SQLite and PostgreSQL.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kiosk::gateway::store {

// A staff member's id from their row's number: "CB-000042".
std::string StaffId(std::int64_t number);
// The number back from an id; nullopt for anything not of that form.
std::optional<std::int64_t> StaffNumber(const std::string& id);

// A rollout's communes as one column: "20314,20317".
std::string JoinCommunes(const std::vector<std::string>& communes);
std::vector<std::string> SplitCommunes(const std::string& text);

}  // namespace kiosk::gateway::store
