#pragma once

// Flags that take the kiosk out of service while their file exists: the
// maintenance flag (kiosk-agent, on an operator's command), the door alarm
// (the board monitor), an update waiting to install (the updater). Raised and
// lowered by kiosk-agent, followed by kiosk-app, which finishes the citizen
// at the kiosk and then takes no new one.

#include <filesystem>
#include <string>
#include <vector>

#include "kiosk/core/clock.h"
#include "kiosk/core/error.h"

namespace kiosk::link {

// Writes the flag (the time it was raised, for people reading the folder).
core::Status RaiseFlag(const std::filesystem::path& flag, core::WallTime since);
// Removes it; lowering a flag that is not raised is fine.
core::Status LowerFlag(const std::filesystem::path& flag);
bool FlagRaised(const std::filesystem::path& flag);
// The file name of the first raised flag of `flags`; empty when none is.
std::string FirstRaisedFlag(const std::vector<std::filesystem::path>& flags);

}  // namespace kiosk::link
