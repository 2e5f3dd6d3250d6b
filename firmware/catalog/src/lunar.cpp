#include "kiosk/catalog/lunar.h"

#include <cmath>
#include <numbers>

namespace kiosk::catalog {

namespace {

constexpr double kTimeZone = 7.0;  // Vietnam: UTC+7
constexpr double kSynodicMonth = 29.530588853;
constexpr double kNewMoonEpoch = 2415021.076998695;  // the new moon of 1900-01-01, as a Julian day

using std::sin;

long JulianDay(const Day& day) {
  // Days since 1970-01-01, plus the Julian day of that date at noon.
  return static_cast<long>(std::chrono::sys_days{day}.time_since_epoch().count()) + 2440588;
}

Day DayOfJulian(long jd) { return Day{std::chrono::sys_days{std::chrono::days{jd - 2440588}}}; }

// The day (Julian, local) of the k-th new moon after the epoch.
long NewMoonDay(long k) {
  const double kd = static_cast<double>(k);
  const double t = kd / 1236.85;
  const double t2 = t * t;
  const double t3 = t2 * t;
  constexpr double dr = std::numbers::pi / 180;
  double jd = 2415020.75933 + 29.53058868 * kd + 0.0001178 * t2 - 0.000000155 * t3;
  jd += 0.00033 * sin((166.56 + 132.87 * t - 0.009173 * t2) * dr);
  const double m = 359.2242 + 29.10535608 * kd - 0.0000333 * t2 - 0.00000347 * t3;  // sun's anomaly
  const double mp = 306.0253 + 385.81691806 * kd + 0.0107306 * t2 + 0.00001236 * t3;  // moon's
  const double f = 21.2964 + 390.67050646 * kd - 0.0016528 * t2 - 0.00000239 * t3;    // latitude
  double c = (0.1734 - 0.000393 * t) * sin(m * dr) + 0.0021 * sin(2 * dr * m);
  c += -0.4068 * sin(mp * dr) + 0.0161 * sin(dr * 2 * mp) - 0.0004 * sin(dr * 3 * mp);
  c += 0.0104 * sin(dr * 2 * f) - 0.0051 * sin(dr * (m + mp)) - 0.0074 * sin(dr * (m - mp));
  c += 0.0004 * sin(dr * (2 * f + m)) - 0.0004 * sin(dr * (2 * f - m));
  c += -0.0006 * sin(dr * (2 * f + mp)) + 0.0010 * sin(dr * (2 * f - mp));
  c += 0.0005 * sin(dr * (2 * mp + m));
  // Dynamical time to universal time.
  const double delta =
      t < -11 ? 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
              : -0.000278 + 0.000265 * t + 0.000262 * t2;
  const double new_moon = jd + c - delta;
  return static_cast<long>(std::floor(new_moon + 0.5 + kTimeZone / 24));
}

// Which of the twelve 30-degree sectors the sun is in at the start of the
// local day `jd` (0: 0-30 degrees, from the spring equinox).
int SunSector(long jd) {
  const double t = (static_cast<double>(jd) - 2451545.5 - kTimeZone / 24) / 36525;
  const double t2 = t * t;
  constexpr double dr = std::numbers::pi / 180;
  const double m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2;
  const double l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2;
  double dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * sin(dr * m);
  dl += (0.019993 - 0.000101 * t) * sin(dr * 2 * m) + 0.000290 * sin(dr * 3 * m);
  double l = (l0 + dl) * dr;
  l -= 2 * std::numbers::pi * std::floor(l / (2 * std::numbers::pi));
  return static_cast<int>(l / std::numbers::pi * 6);
}

long NewMoonIndex(long jd) {
  return static_cast<long>(
      std::floor((static_cast<double>(jd) - kNewMoonEpoch) / kSynodicMonth + 0.5));
}

// The first day of the 11th lunar month (the one with the winter solstice)
// at the end of solar year `year`.
long Month11(int year) {
  const long off =
      JulianDay(Day{std::chrono::year{year}, std::chrono::December, std::chrono::day{31}}) -
      2415021;
  const long k = static_cast<long>(std::floor(static_cast<double>(off) / kSynodicMonth));
  long nm = NewMoonDay(k);
  if (SunSector(nm) >= 9) nm = NewMoonDay(k - 1);  // past the solstice: the month before
  return nm;
}

// In a 13-month year starting at month 11 `a11`: the offset of the leap
// month, the first without a major solar term.
int LeapOffset(long a11) {
  const long k = NewMoonIndex(a11);
  int i = 1;
  int arc = SunSector(NewMoonDay(k + i));
  int last = 0;
  do {
    last = arc;
    ++i;
    arc = SunSector(NewMoonDay(k + i));
  } while (arc != last && i < 14);
  return i - 1;
}

}  // namespace

std::optional<Day> SolarOf(const LunarDate& lunar) {
  if (lunar.month < 1 || lunar.month > 12 || lunar.day < 1 || lunar.day > 30) return std::nullopt;
  long a11 = 0;
  long b11 = 0;
  if (lunar.month < 11) {
    a11 = Month11(lunar.year - 1);
    b11 = Month11(lunar.year);
  } else {
    a11 = Month11(lunar.year);
    b11 = Month11(lunar.year + 1);
  }
  const long k = NewMoonIndex(a11);
  int off = lunar.month - 11;
  if (off < 0) off += 12;
  if (b11 - a11 > 365) {
    const int leap_off = LeapOffset(a11);
    int leap_month = leap_off - 2;
    if (leap_month < 0) leap_month += 12;
    if (lunar.leap && lunar.month != leap_month) return std::nullopt;
    if (lunar.leap || off >= leap_off) ++off;
  } else if (lunar.leap) {
    return std::nullopt;
  }
  const long start = NewMoonDay(k + off);
  const long next = NewMoonDay(k + off + 1);
  if (start + lunar.day - 1 >= next) return std::nullopt;  // a 29-day month has no 30th
  return DayOfJulian(start + lunar.day - 1);
}

LunarDate LunarOf(const Day& day) {
  const long jd = JulianDay(day);
  const long k =
      static_cast<long>(std::floor((static_cast<double>(jd) - kNewMoonEpoch) / kSynodicMonth));
  long month_start = NewMoonDay(k + 1);
  if (month_start > jd) month_start = NewMoonDay(k);
  const int solar_year = static_cast<int>(day.year());
  long a11 = Month11(solar_year);
  long b11 = a11;
  int lunar_year = 0;
  if (a11 >= month_start) {
    lunar_year = solar_year;
    a11 = Month11(solar_year - 1);
  } else {
    lunar_year = solar_year + 1;
    b11 = Month11(solar_year + 1);
  }
  LunarDate out;
  out.day = static_cast<int>(jd - month_start + 1);
  const int diff = static_cast<int>(std::floor(static_cast<double>(month_start - a11) / 29));
  int month = diff + 11;
  if (b11 - a11 > 365) {
    const int leap_diff = LeapOffset(a11);
    if (diff >= leap_diff) {
      month = diff + 10;
      if (diff == leap_diff) out.leap = true;
    }
  }
  if (month > 12) month -= 12;
  if (month >= 11 && diff < 4) lunar_year -= 1;
  out.month = month;
  out.year = lunar_year;
  return out;
}

Day LunarNewYear(int year) { return *SolarOf(LunarDate{1, 1, year, false}); }

}  // namespace kiosk::catalog
