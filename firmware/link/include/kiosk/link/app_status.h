#pragma once

// The one-way health snapshot kiosk-app leaves for kiosk-agent: peripheral
// states, counters and recent error codes, written atomically to a file every
// few seconds. It is the agent's only view of the app besides the outbox, and
// carries nothing about citizens: states and codes are identifiers, checked
// on both sides. Written by kiosk-app, read by kiosk-agent.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "kiosk/core/clock.h"
#include "kiosk/core/error.h"

namespace kiosk::link {

struct AppStatus {
  std::string version;
  std::map<std::string, std::string> peripherals;  // "printer" -> "paper_out"
  std::map<std::string, std::int64_t> counters;    // "journeys_started" -> 3
  std::vector<std::string> errors;                 // recent error codes, newest last
  bool in_use = false;                             // a citizen is at the kiosk
  bool out_of_service = false;
  core::WallTime written_at;
};

// An identifier: letters and digits, then . _ + : - too, 1 to 64 characters.
bool IsStatusCode(const std::string& text);

// Writes to a temporary file, syncs, renames over `path`.
core::Status WriteAppStatus(const std::filesystem::path& path, const AppStatus& status);
// "status.invalid" for anything outside the schema.
core::Expected<AppStatus> ParseAppStatus(std::string_view json);
core::Expected<AppStatus> ReadAppStatus(const std::filesystem::path& path);

}  // namespace kiosk::link
