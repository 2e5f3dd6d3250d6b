#include "kiosk/ui/script.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include <opencv2/imgcodecs.hpp>

#include "kiosk/core/text.h"
#include "kiosk/mrz/card_image.h"

#include <thread>

namespace kiosk::ui {

namespace {

constexpr const char* kCommands[] = {"tap",        "keys",      "digits", "qr",   "mrz",
                                     "card-image", "lookup-qr", "expect", "idle", "shot",
                                     "drag",       "lang",      "help"};

// The help call's state as a script names it.
std::string HelpWord(const journey::Help& help) {
  if (help.assisting) return "assisting";
  switch (help.state) {
    case journey::HelpState::kNone:
      return "none";
    case journey::HelpState::kCalling:
      return "calling";
    case journey::HelpState::kOpen:
      return "open";
    case journey::HelpState::kAnswered:
      return "answered";
    case journey::HelpState::kOffline:
      return "offline";
  }
  return "none";
}

std::string KeyId(char c) {
  switch (c) {
    case ' ':
      return "key.space";
    case ',':
      return "key.comma";
    case '.':
      return "key.period";
    case '/':
      return "key.slash";
    case '-':
      return "key.dash";
    default:
      return "key." +
             std::string(1, static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
}

}  // namespace

core::Expected<std::vector<ScriptStep>> ParseScript(std::string_view text) {
  std::vector<ScriptStep> steps;
  int line_number = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = std::min(text.find('\n', start), text.size());
    const std::string_view raw = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    const std::string_view line = core::TrimAscii(raw);
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.find_first_of(" \t");
    ScriptStep step;
    step.line = line_number;
    step.command = std::string(line.substr(0, space));
    step.argument = space == std::string_view::npos
                        ? std::string()
                        : std::string(core::TrimAscii(line.substr(space + 1)));
    const bool known = std::any_of(std::begin(kCommands), std::end(kCommands),
                                   [&](const char* c) { return step.command == c; });
    auto fail = [&](const std::string& why) {
      return core::Error::NeedsPerson("script.syntax",
                                      "line " + std::to_string(line_number) + ": " + why);
    };
    if (!known) return fail("unknown command '" + step.command + "'");
    if (!core::IsValidUtf8(step.argument)) return fail("not UTF-8");
    const bool needs_argument = step.command != "idle" || !step.argument.empty();
    if (needs_argument && step.argument.empty() && step.command != "shot") {
      return fail(step.command + " needs an argument");
    }
    if (step.command == "expect" && !journey::ScreenFromString(step.argument)) {
      return fail("no screen called '" + step.argument + "'");
    }
    if (step.command == "help" && std::string(" none calling open answered assisting offline ")
                                          .find(" " + step.argument + " ") == std::string::npos) {
      return fail("help is none, calling, open, answered, assisting or offline");
    }
    if (step.command == "keys") {
      for (char c : step.argument) {
        if (!std::isalnum(static_cast<unsigned char>(c)) &&
            std::string(" ,./-").find(c) == std::string::npos) {
          return fail(std::string("no key for '") + c + "' (Telex keys are ASCII)");
        }
      }
    }
    if (step.command == "digits" &&
        step.argument.find_first_not_of("0123456789") != std::string::npos) {
      return fail("digits takes 0-9 only");
    }
    if (step.command == "idle" || step.command == "drag") {
      const std::string number = step.command == "drag"
                                     ? step.argument.substr(step.argument.find(' ') + 1)
                                     : step.argument;
      if (step.command == "drag" && step.argument.find(' ') == std::string::npos) {
        return fail("drag takes an area and a distance in pixels");
      }
      char* end_ptr = nullptr;
      (void)std::strtol(number.c_str(), &end_ptr, 10);
      if (number.empty() || end_ptr == nullptr || *end_ptr != '\0')
        return fail("expected a number");
    }
    if (step.command == "lang" && step.argument != "vi" && step.argument != "en") {
      return fail("lang is vi or en");
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

void ScriptRunner::Frame(const Pointer& pointer) {
  const auto took = frontend_.Frame(pointer);
  ++report_.frames;
  report_.frame_times[journey::ToString(journey_.CurrentScreen())].push_back(took);
  // Every touch target on every frame drawn is at least 64 px both ways, and
  // none covers another (a layout pushed under the footer would).
  const auto& widgets = frontend_.Ui().Widgets();
  const std::string screen = journey::ToString(journey_.CurrentScreen());
  for (auto a = widgets.begin(); a != widgets.end(); ++a) {
    if (a->first.rfind("scroll.", 0) == 0) continue;
    if (a->second.w < kMinTouchTarget || a->second.h < kMinTouchTarget) {
      report_.small_targets.insert(a->first + " on " + screen);
    }
    if (!a->second.area.empty() || journey_.IdleWarning()) continue;
    for (auto b = std::next(a); b != widgets.end(); ++b) {
      if (b->first.rfind("scroll.", 0) == 0 || !b->second.area.empty()) continue;
      const Rect& r = a->second;
      const Rect& q = b->second;
      if (r.x < q.x + q.w && q.x < r.x + r.w && r.y < q.y + q.h && q.y < r.y + r.h) {
        report_.small_targets.insert(a->first + " overlaps " + b->first + " on " + screen);
      }
    }
  }
}

core::Status ScriptRunner::Shot(const std::string& name) {
  if (options_.screenshots.empty()) return core::Ok();
  char prefix[16];
  std::snprintf(prefix, sizeof prefix, "%02d-", ++shot_index_);
  const std::string file = prefix + name + options_.shot_suffix + ".png";
  KIOSK_TRY(frontend_.SavePng(options_.screenshots / file));
  report_.shots.push_back(file);
  return core::Ok();
}

// Renders until nothing changes: a screen that was entered is drawn (and
// shot) before the device work it started runs, so transient screens such
// as "reading_card" are captured, then the work runs and its result shows.
void ScriptRunner::Settle() {
  for (int round = 0; round < 64; ++round) {
    Frame();
    if (journey_.CurrentScreen() != shown_ || first_frame_) {
      Frame();  // ImGui sizes some things from the previous frame
      first_frame_ = false;
      shown_ = journey_.CurrentScreen();
      // The citizen places the card when the identify screen asks for it:
      // the figures "from card tap to receipt" count from here.
      if (shown_ == journey::Screen::kIdentify && screens_at_card_ < 0) {
        screens_at_card_ = journey_.ScreensVisited();
        counts_at_card_ = frontend_.Ui().Counts();
      }
      // Each screen once: the references stay small.
      if (options_.auto_shots && shot_screens_.insert(shown_).second) {
        (void)Shot(journey::ToString(shown_));
      }
    }
    const int ran = executor_.RunPending();
    // What the work reported, one event at a time, each drawn: a payment
    // prompt (the VietQR code, the card terminal's request) is on screen
    // before the payment's result, as on a kiosk, and is shot once.
    while (journey_.Poll(1) > 0 && journey_.CurrentScreen() == shown_) {
      const auto* session = journey_.CurrentSession();
      if (options_.auto_shots && session != nullptr && session->payment_prompt &&
          shot_prompts_.insert(session->payment_prompt->method).second) {
        Frame();
        Frame();
        (void)Shot(std::string(journey::ToString(shown_)) + "-" + session->payment_prompt->method);
      }
    }
    if (ran == 0 && journey_.CurrentScreen() == shown_) return;
  }
}

void ScriptRunner::Drag(float x, float y, float dy) {
  Frame({x, y, false});
  Frame({x, y, true});
  for (int i = 1; i <= 6; ++i) Frame({x, y + dy * static_cast<float>(i) / 6, true});
  Frame({x, y + dy, false});
  Frame();
  ++report_.scrolls;
}

core::Status ScriptRunner::ScrollIntoView(const std::string& id) {
  for (int attempt = 0; attempt < 30; ++attempt) {
    const auto& widgets = frontend_.Ui().Widgets();
    auto it = widgets.find(id);
    if (it == widgets.end()) {
      return core::Error::NeedsPerson("script.no_widget",
                                      "nothing called '" + id + "' on the " +
                                          journey::ToString(journey_.CurrentScreen()) + " screen");
    }
    const Rect target = it->second;
    if (target.area.empty()) return core::Ok();
    auto area = widgets.find(target.area);
    if (area == widgets.end()) return core::Ok();
    const Rect a = area->second;
    if (target.y >= a.y && target.y + target.h <= a.y + a.h) return core::Ok();
    // Drag the list the way a finger would: content moves with the finger.
    float dy = a.CenterY() - target.CenterY();
    dy = std::clamp(dy, -a.h * 0.4f, a.h * 0.4f);
    const float start = dy < 0 ? a.y + a.h * 0.75f : a.y + a.h * 0.25f;
    Drag(a.x + a.w * 0.5f, start, dy);
  }
  return core::Error::NeedsPerson("script.no_widget", "cannot scroll '" + id + "' into view");
}

core::Status ScriptRunner::Tap(const std::string& id, bool settle) {
  KIOSK_TRY(ScrollIntoView(id));
  const Rect r = frontend_.Ui().Widgets().at(id);
  const float x = r.CenterX();
  const float y = r.CenterY();
  Frame({x, y, true});
  Frame({x, y, false});
  if (settle) Settle();
  return core::Ok();
}

core::Status ScriptRunner::Step(const ScriptStep& step) {
  const std::string& arg = step.argument;
  if (step.command == "tap") return Tap(arg);
  if (step.command == "keys") {
    // Keys only change the text being typed: one settle at the end.
    for (char c : arg) {
      if (std::isupper(static_cast<unsigned char>(c))) KIOSK_TRY(Tap("key.shift", false));
      KIOSK_TRY(Tap(KeyId(c), false));
    }
    Settle();
    return core::Ok();
  }
  if (step.command == "digits") {
    for (char c : arg) KIOSK_TRY(Tap(std::string("pad.") + c, false));
    Settle();
    return core::Ok();
  }
  if (step.command == "qr") {
    // The camera reads the QR code on the card; the card is on the reader.
    journey_.IdentifyWith(journey::KeySource::kQr, arg);
    Settle();
    return core::Ok();
  }
  if (step.command == "mrz") {
    // The camera reads the MRZ on the back of the card: three lines of 30,
    // given here on one line (spaces between the lines are dropped).
    std::string mrz;
    for (char c : arg) {
      if (c != ' ') mrz += c;
    }
    journey_.IdentifyWith(journey::KeySource::kMrz, mrz);
    Settle();
    return core::Ok();
  }
  if (step.command == "card-image") {
    // The camera above the reader photographs the card: the key comes from
    // its QR code or its MRZ (drivers/mrz), never typed.
    const cv::Mat image = cv::imread(arg, cv::IMREAD_GRAYSCALE);
    if (image.empty()) return core::Error::NeedsPerson("script.file", "cannot read image " + arg);
    if (!mrz_) {
      KIOSK_ASSIGN_OR_RETURN(mrz_, mrz::MakeGlyphRecognizer());
    }
    KIOSK_ASSIGN_OR_RETURN(auto key, mrz::ReadCardImage(image, *mrz_, idcard::Date::Today()));
    const bool qr = key.source == mrz::CardImageKey::Source::kQr;
    report_.card_images.push_back(qr ? "qr" : "mrz");
    journey_.IdentifyWith(qr ? journey::KeySource::kQr : journey::KeySource::kMrz,
                          key.text.Reveal());
    Settle();
    return core::Ok();
  }
  if (step.command == "lookup-qr") {
    journey_.LookupDossier(arg);
    Settle();
    return core::Ok();
  }
  if (step.command == "lang") {
    if (journey_.Language() != arg) KIOSK_TRY(Tap("lang"));
    return core::Ok();
  }
  if (step.command == "idle") {
    const int seconds = arg.empty() ? 1 : std::stoi(arg);
    for (int s = 0; s < seconds; ++s) {
      clock_.Advance(std::chrono::seconds(1));
      journey_.Poll();
    }
    Settle();
    return core::Ok();
  }
  if (step.command == "drag") {
    const std::string area = "scroll." + arg.substr(0, arg.find(' '));
    const auto& widgets = frontend_.Ui().Widgets();
    auto it = widgets.find(area);
    if (it == widgets.end()) {
      return core::Error::NeedsPerson("script.no_widget", "no list called '" + area + "'");
    }
    const Rect a = it->second;
    Drag(a.CenterX(), a.CenterY(), static_cast<float>(std::stoi(arg.substr(arg.find(' ') + 1))));
    return core::Ok();
  }
  if (step.command == "shot") return Shot(arg.empty() ? journey::ToString(shown_) : arg);
  if (step.command == "help") {
    // kiosk-agent answers in real time: the kiosk's clock moves with it.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    for (;;) {
      clock_.Advance(std::chrono::milliseconds(250));
      journey_.Poll();
      Frame();
      const std::string now = HelpWord(journey_.HelpStatus());
      if (now == arg) break;
      // A refused PIN will not become accepted by waiting.
      if (journey_.Message().rfind("help.", 0) == 0) {
        return core::Error::NeedsPerson(
            "script.expectation", "the help call is " + now + " (" + journey_.Message() + ")");
      }
      if (std::chrono::steady_clock::now() > deadline) {
        return core::Error::NeedsPerson(
            "script.expectation", "the help call never became " + arg + " (it is " + now + ")");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    Settle();
    return core::Ok();
  }
  if (step.command == "expect") {
    Settle();
    const auto want = *journey::ScreenFromString(arg);
    if (journey_.CurrentScreen() != want) {
      std::string why = std::string("expected the ") + arg + " screen, but the kiosk shows " +
                        journey::ToString(journey_.CurrentScreen());
      if (!journey_.Message().empty()) why += " (" + journey_.Message() + ")";
      return core::Error::NeedsPerson("script.expectation", why);
    }
    if (want == journey::Screen::kReceipt && journey_.CurrentSession() != nullptr &&
        journey_.CurrentSession()->outcome) {
      report_.dossier_code = journey_.CurrentSession()->outcome->dossier_code;
      report_.reference = journey_.CurrentSession()->outcome->local_reference;
      if (screens_at_card_ >= 0 && report_.screens == 0) {
        report_.screens = journey_.ScreensVisited() - screens_at_card_ + 1;
        report_.card_to_receipt_taps = frontend_.Ui().Counts().taps - counts_at_card_.taps;
        report_.card_to_receipt_keystrokes =
            frontend_.Ui().Counts().keystrokes - counts_at_card_.keystrokes;
      }
    }
    return core::Ok();
  }
  return core::Error::NeedsPerson("script.syntax", "unknown command " + step.command);
}

core::Status ScriptRunner::Run(const std::vector<ScriptStep>& steps) {
  auto targets = [&]() -> core::Status {
    if (report_.small_targets.empty()) return core::Ok();
    std::string list;
    for (const auto& t : report_.small_targets) list += (list.empty() ? "" : ", ") + t;
    return core::Error::NeedsPerson("ui.touch_target",
                                    "touch targets under 64 px or overlapping: " + list);
  };
  Settle();
  for (const auto& step : steps) {
    auto done = Step(step);
    report_.taps = frontend_.Ui().Counts().taps;
    report_.keystrokes = frontend_.Ui().Counts().keystrokes;
    if (!done) {
      return std::move(done).GetError().WithContext("script line " + std::to_string(step.line) +
                                                    " (" + step.command + " " + step.argument +
                                                    ")");
    }
    KIOSK_TRY(targets());
  }
  return core::Ok();
}

}  // namespace kiosk::ui
