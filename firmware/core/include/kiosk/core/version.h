#pragma once

// Comparing release versions ("0.8.0", "2026.12.1", "1.0~rc1") the way dpkg
// does: runs of digits compare as numbers, other characters by their code
// with letters first and '~' before everything, even the end ("1.0~rc1" <
// "1.0"). Updates use it to refuse going backwards.

#include <string_view>

namespace kiosk::core {

// <0, 0 or >0 as `a` is older than, the same as, or newer than `b`.
int CompareVersions(std::string_view a, std::string_view b);

}  // namespace kiosk::core
