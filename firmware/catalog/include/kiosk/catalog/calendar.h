#pragma once

// Working days and the appointment (ngày hẹn trả). A working day is Monday
// to Friday that is not a public holiday of the Labour Code (2019, Article
// 112) nor its compensatory day, unless the government swapped it: the
// yearly decisions come from config as extra days off and extra working
// days (a Saturday worked to bridge a holiday).
//
// Public holidays: 1/1; Tết Nguyên Đán, the last day of the lunar year and
// the first four of the new one (lunar.h); Giỗ Tổ Hùng Vương, 10/3 lunar;
// 30/4; 1/5; 2/9 and 1/9. A holiday on a Saturday or Sunday gives the next
// working day off (nghỉ bù).

#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "kiosk/core/error.h"

namespace kiosk::catalog {

using Day = std::chrono::year_month_day;

core::Expected<Day> ParseDay(const std::string& iso);  // "2026-09-02"
std::string FormatDay(const Day& day);                 // "2026-09-02"

struct CalendarRules {
  std::set<Day> days_off;          // declared off beyond the Labour Code's holidays
  std::set<Day> working_days;      // weekend days declared working (swaps)
  int opens_minute = 7 * 60 + 30;  // the office's hours, local time
  int closes_minute = 17 * 60;
};

class WorkCalendar {
 public:
  explicit WorkCalendar(CalendarRules rules = {}) : rules_(std::move(rules)) {}
  WorkCalendar(const WorkCalendar& other) : rules_(other.rules_) {}
  WorkCalendar& operator=(const WorkCalendar& other) {
    rules_ = other.rules_;
    const std::lock_guard lock(mutex_);
    days_off_.clear();
    return *this;
  }
  bool IsWorkingDay(const Day& day) const;
  // The next working day after `day`.
  Day NextWorkingDay(const Day& day) const;
  // The day `days` working days after `start` (start itself not counted).
  Day AddWorkingDays(const Day& start, int days) const;
  // The public holidays and compensatory days of a solar year, by date,
  // with their Vietnamese names ("Tết Nguyên Đán", "Nghỉ bù Quốc khánh").
  std::vector<std::pair<Day, std::string>> Holidays(int year) const;
  const CalendarRules& Rules() const { return rules_; }

 private:
  // The holidays' days by year, computed once (lunar dates are not cheap).
  const std::set<Day>& HolidaysOf(int year) const;
  CalendarRules rules_;
  mutable std::mutex mutex_;
  mutable std::map<int, std::set<Day>> days_off_;
};

// A moment in local time: a day and the minutes after midnight.
struct LocalTime {
  Day day;
  int minute = 0;
  friend bool operator==(const LocalTime&, const LocalTime&) = default;
};
LocalTime LocalTimeOf(std::chrono::system_clock::time_point at, int utc_offset_hours);
// "2026-12-07T16:30", and back ("2026-12-07" alone reads as 00:00).
std::string FormatLocalTime(const LocalTime& t);
core::Expected<LocalTime> ParseLocalTime(const std::string& text);

}  // namespace kiosk::catalog
