#include "kiosk/catalog/calendar.h"

#include <algorithm>
#include <cstdio>

#include "kiosk/catalog/lunar.h"

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

namespace {

Day At(int year, unsigned month, unsigned day) {
  return Day{std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}};
}

bool Weekend(const Day& day) {
  const weekday wd{sys_days{day}};
  return wd == std::chrono::Saturday || wd == std::chrono::Sunday;
}

}  // namespace

std::vector<std::pair<Day, std::string>> WorkCalendar::Holidays(int year) const {
  std::vector<std::pair<Day, std::string>> days;
  days.emplace_back(At(year, 1, 1), "Tết Dương lịch");
  // Tết: the lunar year that begins in this solar year, and the end of the
  // one that began the year before (always in January or February).
  const sys_days tet{LunarNewYear(year)};
  days.emplace_back(Day{tet - std::chrono::days{1}}, "Tết Nguyên Đán");
  for (int i = 0; i < 4; ++i) days.emplace_back(Day{tet + std::chrono::days{i}}, "Tết Nguyên Đán");
  if (auto hung = SolarOf(LunarDate{10, 3, year, false})) {
    days.emplace_back(*hung, "Giỗ Tổ Hùng Vương");
  }
  days.emplace_back(At(year, 4, 30), "Ngày Chiến thắng");
  days.emplace_back(At(year, 5, 1), "Ngày Quốc tế Lao động");
  days.emplace_back(At(year, 9, 1), "Quốc khánh");
  days.emplace_back(At(year, 9, 2), "Quốc khánh");
  std::set<Day> taken;
  for (const auto& [d, name] : days) taken.insert(d);
  // A holiday on a weekend: the next day that is neither a weekend nor
  // another holiday (nor already another's compensatory day) is off.
  std::vector<std::pair<Day, std::string>> extra;
  for (const auto& [d, name] : days) {
    if (!Weekend(d)) continue;
    sys_days next{d};
    do {
      next += std::chrono::days{1};
    } while (Weekend(Day{next}) || taken.contains(Day{next}));
    taken.insert(Day{next});
    extra.emplace_back(Day{next}, "Nghỉ bù " + name);
  }
  days.insert(days.end(), extra.begin(), extra.end());
  std::sort(days.begin(), days.end(),
            [](const auto& a, const auto& b) { return sys_days{a.first} < sys_days{b.first}; });
  return days;
}

bool WorkCalendar::IsWorkingDay(const Day& day) const {
  if (rules_.working_days.contains(day)) return true;
  if (rules_.days_off.contains(day) || Weekend(day)) return false;
  return !HolidaysOf(static_cast<int>(day.year())).contains(day);
}

const std::set<Day>& WorkCalendar::HolidaysOf(int year) const {
  const std::lock_guard lock(mutex_);
  auto found = days_off_.find(year);
  if (found == days_off_.end()) {
    std::set<Day> days;
    for (const auto& [d, name] : Holidays(year)) days.insert(d);
    found = days_off_.emplace(year, std::move(days)).first;
  }
  return found->second;  // entries are never erased while the calendar lives
}

Day WorkCalendar::NextWorkingDay(const Day& day) const {
  sys_days next{day};
  do {
    next += std::chrono::days{1};
  } while (!IsWorkingDay(Day{next}));
  return Day{next};
}

Day WorkCalendar::AddWorkingDays(const Day& start, int days) const {
  Day current = start;
  for (int i = 0; i < days; ++i) current = NextWorkingDay(current);
  return current;
}

LocalTime LocalTimeOf(std::chrono::system_clock::time_point at, int utc_offset_hours) {
  const auto local = at + std::chrono::hours(utc_offset_hours);
  const auto day = std::chrono::floor<std::chrono::days>(local);
  const auto minute = std::chrono::duration_cast<std::chrono::minutes>(local - day).count();
  return LocalTime{Day{day}, static_cast<int>(minute)};
}

std::string FormatLocalTime(const LocalTime& t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "T%02d:%02d", t.minute / 60 % 24, t.minute % 60);
  return FormatDay(t.day) + buf;
}

core::Expected<LocalTime> ParseLocalTime(const std::string& text) {
  KIOSK_ASSIGN_OR_RETURN(const Day day, ParseDay(text.substr(0, 10)));
  if (text.size() == 10) return LocalTime{day, 0};
  unsigned h = 24;
  unsigned m = 60;
  if (text.size() != 16 || text[10] != 'T' ||
      std::sscanf(text.c_str() + 11, "%2u:%2u", &h, &m) != 2 || h > 23 || m > 59) {
    return core::Error::NeedsPerson("calendar.bad_time", "expected YYYY-MM-DDTHH:MM, got " + text);
  }
  return LocalTime{day, static_cast<int>(h * 60 + m)};
}

}  // namespace kiosk::catalog
