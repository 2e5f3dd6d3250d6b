#pragma once

// Runs another program and waits for it, without a shell: the arguments go
// as they are. Its output (stdout and stderr together) is kept, the last
// `keep_output` bytes of it. `tick` is called about once a second while it
// runs, so a long install can keep a watchdog fed or report progress.

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "kiosk/core/error.h"

namespace kiosk::core {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  std::string output;
  bool Ok() const { return exit_code == 0; }
  // "exit 3: <last line>" for a message.
  std::string Summary() const;
};

Expected<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                   const std::function<void()>& tick = {},
                                   std::size_t keep_output = 16 * 1024);

}  // namespace kiosk::core
