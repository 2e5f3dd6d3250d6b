#pragma once

// Vietnam's lunar calendar (âm lịch), computed: months begin on the day of
// the new moon in Vietnam's time zone (UTC+7), the 11th month holds the
// winter solstice, and a 13-month year repeats the first month without a
// major solar term. Because the day is taken at UTC+7, not China's UTC+8,
// some years differ from the Chinese calendar (Tết 2007 and 2030 come a day
// earlier in Vietnam). New moons and the sun's longitude use Meeus'
// approximations (Astronomical Algorithms), good to minutes for 1900-2100.

#include <optional>

#include "kiosk/catalog/calendar.h"

namespace kiosk::catalog {

struct LunarDate {
  int day = 1;    // 1..30
  int month = 1;  // 1..12
  int year = 0;   // the lunar year that began with this Tết
  bool leap = false;
};

// The solar day of a lunar date; nullopt when there is no such day (a leap
// month the year does not have).
std::optional<Day> SolarOf(const LunarDate& lunar);
LunarDate LunarOf(const Day& day);
// Tết Nguyên Đán: the first day of the lunar year that begins in solar `year`.
Day LunarNewYear(int year);

}  // namespace kiosk::catalog
