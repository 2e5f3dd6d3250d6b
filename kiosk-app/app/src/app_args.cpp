#include "kiosk/app/app_args.h"

#include <cstdio>

namespace kiosk::app {

const char* const kAppUsage =
    "usage: kiosk-app [--config FILE...] [--state DIR] [--headless --script FILE "
    "[--screenshots DIR] [--speech DIR] [--orientation portrait|landscape] [--clock ISO] "
    "[--seed N] [--lang vi|en] [--text normal|large] [--report FILE]]\n";

core::Expected<AppArgs> ParseAppArgs(int argc, const char* const* argv) {
  AppArgs args;
  auto bad = [](const std::string& why) { return core::Error::NeedsPerson("args.invalid", why); };
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--headless") {
      args.headless = true;
      continue;
    }
    if (i + 1 >= argc) return bad(a + ": expected a value or an unknown flag");
    const std::string value = argv[++i];
    if (a == "--config") {
      args.config.emplace_back(value);
    } else if (a == "--state") {
      args.state = value;
    } else if (a == "--script") {
      args.script = value;
    } else if (a == "--screenshots") {
      args.screenshots = value;
    } else if (a == "--speech") {
      args.speech = value;
    } else if (a == "--orientation") {
      if (value != "portrait" && value != "landscape") {
        return bad("--orientation: portrait or landscape");
      }
      args.orientation = value;
    } else if (a == "--clock") {
      args.clock = value;
    } else if (a == "--report") {
      args.report = value;
    } else if (a == "--lang") {
      if (value != "vi" && value != "en") return bad("--lang: vi or en");
      args.lang = value;
    } else if (a == "--text") {
      if (value != "normal" && value != "large") return bad("--text: normal or large");
      args.large_text = value == "large";
    } else if (a == "--seed") {
      char* end = nullptr;
      args.seed = std::strtoull(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0') return bad("--seed: a number");
    } else {
      return bad("unknown flag " + a);
    }
  }
  if (args.headless != !args.script.empty()) {
    return bad("--headless and --script go together");
  }
  return args;
}

core::Expected<core::WallTime> ParseClock(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, oh = 0, om = 0;
  char sign = '+';
  char tail = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c%2d:%2d%c", &y, &mo, &d, &h, &mi, &s,
                  &sign, &oh, &om, &tail) != 9 ||
      (sign != '+' && sign != '-')) {
    return core::Error::NeedsPerson("args.clock", "expected YYYY-MM-DDTHH:MM:SS+HH:MM");
  }
  const std::chrono::year_month_day day{std::chrono::year{y},
                                        std::chrono::month{static_cast<unsigned>(mo)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!day.ok() || h > 23 || mi > 59 || s > 59 || oh > 14 || om > 59) {
    return core::Error::NeedsPerson("args.clock", "no such time: " + text);
  }
  auto t = core::WallTime{std::chrono::sys_days{day}} + std::chrono::hours(h) +
           std::chrono::minutes(mi) + std::chrono::seconds(s);
  const auto offset = std::chrono::hours(oh) + std::chrono::minutes(om);
  return sign == '-' ? t + offset : t - offset;
}

}  // namespace kiosk::app
