#pragma once

// Scripted journeys: the same screens, driven by a text file instead of a
// finger (docs/kiosk-app-script.md). Used by `make demo`, by the per-procedure
// journeys in CI and by the screenshot tests.

#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "kiosk/core/clock.h"
#include "kiosk/core/error.h"
#include "kiosk/journey/journey.h"
#include "kiosk/mrz/mrz_reader.h"
#include "kiosk/ui/frontend.h"

namespace kiosk::ui {

struct ScriptStep {
  int line = 0;
  std::string command;   // "tap", "keys", "digits", "qr", "expect", ...
  std::string argument;  // the rest of the line, trimmed
};

// Errors: "script.syntax" with the line number.
core::Expected<std::vector<ScriptStep>> ParseScript(std::string_view text);

struct RunOptions {
  std::filesystem::path screenshots;  // empty: none
  std::string shot_suffix;            // appended to every file name ("-en-landscape")
  bool auto_shots = true;             // one PNG whenever the screen changes
};

// The smallest touch target any screen may draw, in pixels.
inline constexpr float kMinTouchTarget = 64.0f;

struct RunReport {
  int taps = 0;
  int keystrokes = 0;
  int scrolls = 0;  // drag gestures on lists
  int screens = 0;  // screens entered from the first card tap to the receipt
  int card_to_receipt_taps = 0;
  int card_to_receipt_keystrokes = 0;
  std::string dossier_code;  // once the receipt shows: official, or empty if provisional
  std::string reference;     // the kiosk reference on the receipt
  int frames = 0;
  std::vector<std::string> shots;
  std::set<std::string> small_targets;   // too small or overlapping: fails the run
  std::vector<std::string> card_images;  // per card-image step: "qr" or "mrz"
  std::map<std::string, std::vector<std::chrono::microseconds>> frame_times;  // by screen
};

class ScriptRunner {
 public:
  ScriptRunner(Frontend& frontend, journey::Journey& journey, journey::DeferredExecutor& executor,
               core::FakeClock& clock, RunOptions options)
      : frontend_(frontend),
        journey_(journey),
        executor_(executor),
        clock_(clock),
        options_(std::move(options)) {}

  // Runs every step; the first that fails stops the run with its line.
  core::Status Run(const std::vector<ScriptStep>& steps);
  const RunReport& Report() const { return report_; }

 private:
  core::Status Step(const ScriptStep& step);
  core::Status Tap(const std::string& id, bool settle = true);
  core::Status ScrollIntoView(const std::string& id);
  void Drag(float x, float y, float dy);
  void Frame(const Pointer& pointer = {});
  void Settle();
  core::Status Shot(const std::string& name);

  Frontend& frontend_;
  journey::Journey& journey_;
  journey::DeferredExecutor& executor_;
  core::FakeClock& clock_;
  RunOptions options_;
  RunReport report_;
  std::unique_ptr<mrz::Recognizer> mrz_;  // made at the first card-image step
  journey::Screen shown_ = journey::Screen::kAttract;
  bool first_frame_ = true;
  int shot_index_ = 0;
  std::set<journey::Screen> shot_screens_;
  std::set<std::string> shot_prompts_;  // payment methods whose prompt was shot
  int screens_at_card_ = -1;
  InputCounts counts_at_card_;
};

}  // namespace kiosk::ui
