#pragma once

// What the journey prints, as values: the receipt (Mẫu 01) and the fee
// receipt, made from a finished session. The printer lays them out.

#include "kiosk/journey/journey.h"
#include "kiosk/printer/printer.h"

namespace kiosk::journey {

printer::Receipt ReceiptOf(const Session& session, const Settings& settings);
// Only for a paid session.
printer::FeeReceipt FeeReceiptOf(const Session& session, const Settings& settings);
// "30/11/2026".
std::string DayText(const catalog::Day& day);
// An appointment as stored ("2026-11-30T16:30", or a day alone from an
// older gateway) as the slip and the screens write it: "16 giờ 30 phút,
// ngày 30/11/2026" ("16:30, 30/11/2026" in English), "ngày 30/11/2026".
// Empty when it is not one.
std::string AppointmentText(const std::string& appointment, const std::string& language = "vi");
// "09:05", local time, as the queue ticket writes it.
std::string ClockText(core::WallTime t, int utc_offset_hours);
// "09 giờ 05 phút, ngày 30/11/2026", local time, as receipts write it.
std::string ReceivedAtText(core::WallTime t, int utc_offset_hours);

}  // namespace kiosk::journey
