#include "kiosk/core/clock.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace kiosk::core {

const Clock& SystemClock() {
  static const RealClock clock;
  return clock;
}

Milliseconds Deadline::Remaining() const {
  auto left = std::chrono::duration_cast<Milliseconds>(at_ - clock_->Monotonic());
  return std::max(left, Milliseconds{0});
}

std::int64_t UnixMillis(WallTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::string FormatRfc3339(WallTime t) {
  const std::int64_t ms = UnixMillis(t);
  // Floor division so times before 1970 still format correctly.
  std::int64_t secs = ms / 1000;
  std::int64_t millis = ms % 1000;
  if (millis < 0) {
    millis += 1000;
    secs -= 1;
  }
  const auto as_time_t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&as_time_t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis));
  return buf;
}

}  // namespace kiosk::core
