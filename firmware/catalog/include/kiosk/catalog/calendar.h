#pragma once

// Working days for the appointment date (ngày hẹn trả): a procedure's time
// limit counts working days, skipping Saturdays, Sundays and public holidays
// from a configurable table.

#include <chrono>
#include <set>
#include <string>

#include "kiosk/core/error.h"

namespace kiosk::catalog {

using Day = std::chrono::year_month_day;

core::Expected<Day> ParseDay(const std::string& iso);  // "2026-09-02"
std::string FormatDay(const Day& day);                 // "2026-09-02"
bool IsWorkingDay(const Day& day, const std::set<Day>& holidays);
// The day `days` working days after `start` (start itself not counted).
Day AddWorkingDays(const Day& start, int days, const std::set<Day>& holidays);

}  // namespace kiosk::catalog
