// Working days and appointments (catalog/calendar.h, lunar.h): Vietnam's
// lunar calendar against published Tết dates, the Labour Code's holidays
// with their compensatory days, the government's swaps from config, and
// the appointment rule over every hour of two years for every procedure.
#include "test_prelude.h"

#include "kiosk/catalog/catalog.h"
#include "kiosk/catalog/lunar.h"

using namespace kiosk::catalog;  // NOLINT(google-build-using-namespace): test file
using std::chrono::sys_days;

namespace {

Day D(const char* iso) { return *ParseDay(iso); }

bool Before(const LocalTime& a, const LocalTime& b) {
  return sys_days{a.day} < sys_days{b.day} || (a.day == b.day && a.minute < b.minute);
}

}  // namespace

TEST_GROUP(Lunar){};

// Tết Nguyên Đán 2000-2040: the lunar new year as published (the Chinese
// calendar's dates, e.g. the Hong Kong Observatory's tables), except the
// years Vietnam's UTC+7 puts the new moon a day earlier: 2007 (17/2, not
// 18/2, as Vietnam's government announced) and 2030 (2/2, not 3/2).
TEST(Lunar, TetFrom2000To2040IsVietnamsNotChinas) {
  const char* const kTet[] = {
      "2000-02-05", "2001-01-24", "2002-02-12", "2003-02-01", "2004-01-22", "2005-02-09",
      "2006-01-29", "2007-02-17", "2008-02-07", "2009-01-26", "2010-02-14", "2011-02-03",
      "2012-01-23", "2013-02-10", "2014-01-31", "2015-02-19", "2016-02-08", "2017-01-28",
      "2018-02-16", "2019-02-05", "2020-01-25", "2021-02-12", "2022-02-01", "2023-01-22",
      "2024-02-10", "2025-01-29", "2026-02-17", "2027-02-06", "2028-01-26", "2029-02-13",
      "2030-02-02", "2031-01-23", "2032-02-11", "2033-01-31", "2034-02-19", "2035-02-08",
      "2036-01-28", "2037-02-15", "2038-02-04", "2039-01-24", "2040-02-12"};
  for (int year = 2000; year <= 2040; ++year) {
    STRCMP_EQUAL(kTet[year - 2000], FormatDay(LunarNewYear(year)).c_str());
  }
}

TEST(Lunar, HungKingsDayLeapMonthsAndTheWayBack) {
  // Giỗ Tổ Hùng Vương, 10/3 lunar.
  STRCMP_EQUAL("2024-04-18", FormatDay(*SolarOf({10, 3, 2024, false})).c_str());
  STRCMP_EQUAL("2025-04-07", FormatDay(*SolarOf({10, 3, 2025, false})).c_str());
  STRCMP_EQUAL("2026-04-26", FormatDay(*SolarOf({10, 3, 2026, false})).c_str());
  // Leap months: the second of 2023, the sixth of 2025; none in 2024.
  STRCMP_EQUAL("2023-03-22", FormatDay(*SolarOf({1, 2, 2023, true})).c_str());
  STRCMP_EQUAL("2025-07-25", FormatDay(*SolarOf({1, 6, 2025, true})).c_str());
  CHECK_FALSE(SolarOf({1, 6, 2024, true}).has_value());
  CHECK_FALSE(SolarOf({31, 1, 2026, false}).has_value());
  // Every day of 2000-2040 converts to a lunar date and back.
  for (sys_days d = sys_days{D("2000-01-01")}; d <= sys_days{D("2040-12-31")};
       d += std::chrono::days{1}) {
    const LunarDate lunar = LunarOf(Day{d});
    const auto back = SolarOf(lunar);
    if (!back || *back != Day{d}) {
      FAIL(("no way back from " + FormatDay(Day{d}) + " (" + std::to_string(lunar.day) + "/" +
            std::to_string(lunar.month) + (lunar.leap ? "n" : "") + "/" +
            std::to_string(lunar.year) + ")")
               .c_str());
    }
  }
}

TEST_GROUP(WorkCalendar){};

TEST(WorkCalendar, TheLabourCodesHolidaysAndTheirCompensatoryDays) {
  const WorkCalendar calendar;
  // 2026: Tết on Tuesday 17/2 (the day before and four days: Mon-Fri);
  // Giỗ Tổ on Sunday 26/4, so Monday 27/4 is off; 30/4 and 1/5; 1-2/9.
  for (const char* off :
       {"2026-01-01", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20",
        "2026-04-27", "2026-04-30", "2026-05-01", "2026-09-01", "2026-09-02"}) {
    CHECK_TEXT(!calendar.IsWorkingDay(D(off)), off);
  }
  for (const char* working : {"2026-01-02", "2026-02-13", "2026-02-23", "2026-04-28", "2026-05-04",
                              "2026-09-03", "2026-12-31"}) {
    CHECK_TEXT(calendar.IsWorkingDay(D(working)), working);
  }
  // 2027: Tết on Saturday 6/2; Saturday and Sunday give Wednesday 10/2 and
  // Thursday 11/2 (Monday and Tuesday are Tết already).
  CHECK_FALSE(calendar.IsWorkingDay(D("2027-02-10")));
  CHECK_FALSE(calendar.IsWorkingDay(D("2027-02-11")));
  CHECK(calendar.IsWorkingDay(D("2027-02-12")));
  auto named = calendar.Holidays(2026);
  CHECK(std::any_of(named.begin(), named.end(), [](const auto& h) {
    return h.first == D("2026-04-27") && h.second == "Nghỉ bù Giỗ Tổ Hùng Vương";
  }));
  // The government's swaps: a Saturday worked, a Monday off.
  CalendarRules swaps;
  swaps.working_days.insert(D("2026-02-07"));
  swaps.days_off.insert(D("2026-02-13"));
  const WorkCalendar decided(swaps);
  CHECK(decided.IsWorkingDay(D("2026-02-07")));
  CHECK_FALSE(decided.IsWorkingDay(D("2026-02-13")));
  STRCMP_EQUAL("2026-02-23", FormatDay(decided.NextWorkingDay(D("2026-02-12"))).c_str());
}

TEST(WorkCalendar, TheAppointmentCarriesItsHourAndKeepsTheRules) {
  const WorkCalendar calendar;
  TimeLimit same_day;
  same_day.cutoff_hour = 15;
  // Monday 30/11/2026: at 10:00 the same day at closing; at 15:00 the next day.
  STRCMP_EQUAL("2026-11-30T17:00",
               FormatLocalTime(DueAt(same_day, {D("2026-11-30"), 10 * 60}, calendar)).c_str());
  STRCMP_EQUAL("2026-12-01T15:00",
               FormatLocalTime(DueAt(same_day, {D("2026-11-30"), 15 * 60}, calendar)).c_str());
  // Sunday 6/12/2026 at 06:48 (the demo's morning): Monday, at closing.
  STRCMP_EQUAL("2026-12-07T17:00",
               FormatLocalTime(DueAt(same_day, {D("2026-12-06"), 6 * 60 + 48}, calendar)).c_str());
  // After closing, as if received when the office opens the next working day.
  STRCMP_EQUAL("2026-12-01T17:00",
               FormatLocalTime(DueAt(same_day, {D("2026-11-30"), 18 * 60}, calendar)).c_str());
  TimeLimit three;
  three.days = 3;
  // Wednesday 30/12/2026 at 09:10, 3 working days: skips 1/1 and the weekend.
  STRCMP_EQUAL("2027-01-05T09:10",
               FormatLocalTime(DueAt(three, {D("2026-12-30"), 9 * 60 + 10}, calendar)).c_str());
  // "30 ngày" are calendar days: 30 days after, or the next working day.
  TimeLimit thirty;
  thirty.days = 30;
  thirty.calendar_days = true;
  STRCMP_EQUAL("2026-12-30T17:00",
               FormatLocalTime(DueAt(thirty, {D("2026-11-30"), 9 * 60}, calendar)).c_str());
  STRCMP_EQUAL("2027-01-04T17:00",  // 2/1/2027 is a Saturday
               FormatLocalTime(DueAt(thirty, {D("2026-12-03"), 9 * 60}, calendar)).c_str());
  // Local time of a moment, and the text back.
  const auto moment = sys_days{D("2026-12-05")} + std::chrono::hours(23) + std::chrono::minutes(48);
  STRCMP_EQUAL("2026-12-06T06:48", FormatLocalTime(LocalTimeOf(moment, 7)).c_str());
  CHECK(ParseLocalTime("2026-12-06T06:48").Value() == (LocalTime{D("2026-12-06"), 6 * 60 + 48}));
  CHECK(ParseLocalTime("2026-12-06").Value() == (LocalTime{D("2026-12-06"), 0}));
  CHECK_FALSE(ParseLocalTime("2026-12-06T24:00").HasValue());
  CHECK_FALSE(ParseLocalTime("2026-12-06 06:48").HasValue());
}

// Every procedure of the catalog, every day of 2026 and 2027, every hour:
// never a day off, never before receipt, the cutoff honoured, and the
// count of working (or calendar) days exact.
TEST(WorkCalendar, EveryAppointmentOfTwoYearsIsAWorkingDayAfterReceipt) {
  const auto catalog =
      Catalog::Load(kiosk::test::SourcePath("firmware/catalog/data/procedures.toml"));
  CHECK(catalog.HasValue());
  const WorkCalendar calendar;
  const CalendarRules& office = calendar.Rules();
  long checked = 0;
  for (sys_days d = sys_days{D("2026-01-01")}; d <= sys_days{D("2027-12-31")};
       d += std::chrono::days{1}) {
    for (int hour = 0; hour < 24; ++hour) {
      const LocalTime received{Day{d}, hour * 60 + 7};
      // When the office counts it as received.
      LocalTime start = received;
      if (!calendar.IsWorkingDay(start.day) || start.minute >= office.closes_minute) {
        start = {calendar.NextWorkingDay(start.day), office.opens_minute};
      } else if (start.minute < office.opens_minute) {
        start.minute = office.opens_minute;
      }
      for (const auto& p : catalog->Procedures()) {
        const TimeLimit& limit = p.time_limit;
        const LocalTime due = DueAt(limit, received, calendar);
        ++checked;
        const std::string where =
            p.code + " received " + FormatLocalTime(received) + ", due " + FormatLocalTime(due);
        if (!calendar.IsWorkingDay(due.day)) FAIL(("on a day off: " + where).c_str());
        if (Before(due, received)) FAIL(("before receipt: " + where).c_str());
        if (due.minute < office.opens_minute || due.minute > office.closes_minute) {
          FAIL(("outside office hours: " + where).c_str());
        }
        const bool late = limit.cutoff_hour > 0 && start.minute >= limit.cutoff_hour * 60;
        if (limit.calendar_days) {
          const sys_days earliest = sys_days{start.day} + std::chrono::days{limit.days};
          if (sys_days{due.day} < earliest) FAIL(("too early: " + where).c_str());
          for (sys_days x = earliest; x < sys_days{due.day}; x += std::chrono::days{1}) {
            if (calendar.IsWorkingDay(Day{x})) FAIL(("a working day skipped: " + where).c_str());
          }
          continue;
        }
        int counted = 0;
        for (sys_days x = sys_days{start.day}; x < sys_days{due.day};) {
          x += std::chrono::days{1};
          if (calendar.IsWorkingDay(Day{x})) ++counted;
        }
        if (counted != limit.days + (late ? 1 : 0)) FAIL(("wrong count: " + where).c_str());
        // A same-day procedure received in time is due that day.
        if (limit.days == 0 && !late && due.day != start.day)
          FAIL(("not the same day: " + where).c_str());
      }
    }
  }
  CHECK(checked > 200'000);
}
