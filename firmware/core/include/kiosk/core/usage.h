#pragma once

// The one convention of every program: --help (or -h) anywhere prints the
// usage on standard output and exits 0; bad usage prints it on standard
// error and exits 2.

#include <cstdio>
#include <string_view>

namespace kiosk::core {

inline bool AsksForHelp(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg(argv[i]);
    if (arg == "--help" || arg == "-h") return true;
  }
  return false;
}

// Where the usage goes, and the exit status that goes with it.
inline std::FILE* UsageStream(bool asked) { return asked ? stdout : stderr; }
inline int UsageStatus(bool asked) { return asked ? 0 : 2; }

}  // namespace kiosk::core
