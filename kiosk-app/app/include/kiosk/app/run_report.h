#pragma once

// What a headless run of kiosk-app prints when its script ends (and writes to
// --report): whether the journey completed, the citizen's effort (taps,
// keystrokes, screens), frame times per screen, cold start and memory.
// scripts/demo and the journey tests read it.

#include <chrono>
#include <string>

#include "kiosk/ui/script.h"

namespace kiosk::app {

struct RunFigures {
  std::string script;
  std::string orientation;
  bool completed = false;
  std::chrono::milliseconds cold_start_to_first_frame{0};
  long first_frame_rss_kb = 0;  // before any paper is scanned
  long rss_kb = 0;
  long peak_rss_kb = 0;
};

// The report as JSON, keys in a fixed order, ending in a newline.
std::string RunReportJson(const RunFigures& figures, const ui::RunReport& report);

// A line of /proc/self/status in kB ("VmRSS:", "VmHWM:"); 0 if absent.
long ResidentKb(const char* key);

}  // namespace kiosk::app
