#pragma once

// kiosk-app's command line:
//
//   kiosk-app [--config FILE...] [--state DIR]                    (touch screen)
//   kiosk-app [--config FILE] [--state DIR] --headless --script FILE
//             [--screenshots DIR] [--orientation portrait|landscape]
//             [--clock 2026-11-30T09:00:00+07:00] [--seed N] [--lang vi|en]
//             [--text normal|large] [--report FILE]

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "kiosk/core/clock.h"
#include "kiosk/core/error.h"

namespace kiosk::app {

struct AppArgs {
  std::vector<std::filesystem::path> config;  // later files override earlier ones
  std::filesystem::path state = "/var/lib/kiosk";
  bool headless = false;
  std::string script;
  std::string screenshots;
  std::string speech;       // headless: each spoken prompt as a WAV file here
  std::string orientation;  // empty: the config's
  std::string clock;        // headless: the fake clock's start; empty: now
  std::string report;
  std::string lang = "vi";
  bool large_text = false;  // each citizen starts with "Chữ to" on
  std::uint64_t seed = 0;   // 0: the DRBG; else a repeatable run
};

extern const char* const kAppUsage;

// "args.invalid" for an unknown flag, a missing value, a bad number, or
// --headless without --script (and the reverse).
core::Expected<AppArgs> ParseAppArgs(int argc, const char* const* argv);

// "YYYY-MM-DDTHH:MM:SS+HH:MM" as an instant; "args.clock" otherwise.
core::Expected<core::WallTime> ParseClock(const std::string& text);

}  // namespace kiosk::app
