#include "kiosk/catalog/calendar.h"

#include <cstdio>

namespace kiosk::catalog {

using std::chrono::sys_days;
using std::chrono::weekday;

core::Expected<Day> ParseDay(const std::string& iso) {
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  if (iso.size() != 10 || std::sscanf(iso.c_str(), "%4d-%2u-%2u", &y, &m, &d) != 3) {
    return core::Error::NeedsPerson("calendar.bad_day", "expected YYYY-MM-DD, got " + iso);
  }
  const Day day{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!day.ok()) return core::Error::NeedsPerson("calendar.bad_day", "no such day: " + iso);
  return day;
}

std::string FormatDay(const Day& day) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
  return buf;
}

bool IsWorkingDay(const Day& day, const std::set<Day>& holidays) {
  const weekday wd{sys_days{day}};
  if (wd == std::chrono::Saturday || wd == std::chrono::Sunday) return false;
  return !holidays.contains(day);
}

Day AddWorkingDays(const Day& start, int days, const std::set<Day>& holidays) {
  sys_days current{start};
  int counted = 0;
  while (counted < days) {
    current += std::chrono::days{1};
    if (IsWorkingDay(Day{current}, holidays)) ++counted;
  }
  return Day{current};
}

}  // namespace kiosk::catalog
