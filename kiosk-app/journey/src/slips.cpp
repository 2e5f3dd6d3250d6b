#include "kiosk/journey/slips.h"

#include "kiosk/dossier/outbox.h"

namespace kiosk::journey {

namespace {

std::string TwoDigits(unsigned v) {
  char b[4];
  std::snprintf(b, sizeof b, "%02u", v % 100);
  return b;
}

std::string DayTextOf(const catalog::Day& d) {
  return TwoDigits(static_cast<unsigned>(d.day())) + "/" +
         TwoDigits(static_cast<unsigned>(d.month())) + "/" +
         std::to_string(static_cast<int>(d.year()));
}

// "09 giờ 05 phút, ngày 30/11/2026", as receipts write a local time.
std::string LocalTimeTextOf(const catalog::LocalTime& t) {
  return TwoDigits(static_cast<unsigned>(t.minute / 60)) + " giờ " +
         TwoDigits(static_cast<unsigned>(t.minute % 60)) + " phút, ngày " + DayTextOf(t.day);
}

// The same, of a moment.
std::string TimeText(core::WallTime t, int utc_offset_hours) {
  const auto local = t + std::chrono::hours(utc_offset_hours);
  const auto since = local - std::chrono::floor<std::chrono::days>(local);
  return TwoDigits(
             static_cast<unsigned>(std::chrono::duration_cast<std::chrono::hours>(since).count())) +
         " giờ " +
         TwoDigits(static_cast<unsigned>(
             std::chrono::duration_cast<std::chrono::minutes>(since).count() % 60)) +
         " phút, ngày " + DayTextOf(catalog::Day{std::chrono::floor<std::chrono::days>(local)});
}

}  // namespace

std::string DayText(const catalog::Day& day) { return DayTextOf(day); }

std::string AppointmentText(const std::string& appointment, const std::string& language) {
  const auto t = catalog::ParseLocalTime(appointment);
  if (!t) return "";
  const bool english = language == "en";
  if (appointment.size() == 10) return (english ? "" : "ngày ") + DayTextOf(t->day);
  if (!english) return LocalTimeTextOf(*t);
  return TwoDigits(static_cast<unsigned>(t->minute / 60)) + ":" +
         TwoDigits(static_cast<unsigned>(t->minute % 60)) + ", " + DayTextOf(t->day);
}

std::string ClockText(core::WallTime t, int utc_offset_hours) {
  const auto local = t + std::chrono::hours(utc_offset_hours);
  const auto since = local - std::chrono::floor<std::chrono::days>(local);
  return TwoDigits(
             static_cast<unsigned>(std::chrono::duration_cast<std::chrono::hours>(since).count())) +
         ":" +
         TwoDigits(static_cast<unsigned>(
             std::chrono::duration_cast<std::chrono::minutes>(since).count() % 60));
}

std::string ReceivedAtText(core::WallTime t, int utc_offset_hours) {
  return TimeText(t, utc_offset_hours);
}

printer::Receipt ReceiptOf(const Session& s, const Settings& settings) {
  printer::Receipt r;
  r.agency = settings.agency_name;
  r.dossier_code = s.outcome->dossier_code;
  r.local_reference = s.outcome->local_reference;
  r.provisional = s.outcome->dossier_code.empty();
  auto field = [&](const char* id) -> std::string {
    auto it = s.fields.find(id);
    return it == s.fields.end() ? std::string() : it->second.value.Reveal();
  };
  r.applicant_name = core::PersonalText(field("applicant_name"));
  r.applicant_title = Salutation(&s);
  r.applicant_address = core::PersonalText(field("applicant_residence"));
  r.applicant_phone = core::PersonalText(field("phone"));
  r.procedure_name = s.procedure->name.vi;
  r.procedure_code = s.procedure->code;
  for (const auto& paper : s.procedure->papers) {
    if (!paper.scan) {
      r.papers.push_back(paper.name.vi + " (xuất trình tại quầy)");
      continue;
    }
    auto it = s.pages.find(paper.code);
    if (it != s.pages.end() && !it->second.empty()) {
      r.papers.push_back(paper.name.vi + " (" + std::to_string(it->second.size()) + " trang)");
    }
  }
  r.papers.insert(r.papers.begin(), "Tờ khai điện tử điền tại ki-ốt");
  r.time_limit = s.procedure->time_limit.text.vi;
  r.received_at = TimeText(s.started_at, settings.utc_offset_hours);
  // Item 5 of Mẫu 01: the hour and the day.
  r.appointment = AppointmentText(s.outcome->appointment);
  if (r.appointment.empty()) r.appointment = s.outcome->appointment;
  r.return_method = settings.counter.empty() ? settings.return_method : settings.counter;
  for (const auto& task : catalog::CounterTasks(*s.procedure)) r.at_counter.push_back(task.vi);
  for (const auto& item : s.procedure->bring) r.bring.push_back(item.vi);
  r.working_hours = settings.working_hours;
  r.hotline = settings.hotline;
  for (const auto& fee : s.fees) {
    r.fees.push_back(fee.label.vi + ": " + catalog::FormatVnd(fee.amount_vnd));
  }
  r.fee_total = catalog::FormatVnd(catalog::TotalVnd(s.fees));
  if (s.payment) r.payment_reference = s.payment->transaction_reference;
  r.fee_at_counter = s.fee_at_counter && !s.payment;
  r.lookup_secret = s.outcome->lookup_secret.empty()
                        ? std::string()
                        : dossier::PrintedLookupSecret(s.outcome->lookup_secret);
  r.lookup_url = settings.lookup_url + "?" +
                 (r.provisional ? "ref=" + r.local_reference
                                : "code=" + r.dossier_code + "&secret=" + s.outcome->lookup_secret);
  return r;
}

printer::FeeReceipt FeeReceiptOf(const Session& s, const Settings& settings) {
  printer::FeeReceipt r;
  r.agency = settings.agency_name;
  r.payer_name = core::PersonalText([&] {
    auto it = s.fields.find("applicant_name");
    return it == s.fields.end() ? std::string() : it->second.value.Reveal();
  }());
  r.dossier_reference = s.outcome && !s.outcome->dossier_code.empty()
                            ? s.outcome->dossier_code
                            : (s.outcome ? s.outcome->local_reference : s.payment_reference);
  r.procedure_name = s.procedure->name.vi;
  for (const auto& fee : s.fees)
    r.lines.push_back({fee.label.vi, catalog::FormatVnd(fee.amount_vnd)});
  const auto total = catalog::TotalVnd(s.fees);
  r.total = catalog::FormatVnd(total);
  r.total_in_words = catalog::VndInWords(total);
  r.method = s.payment->method == "vietqr" ? "Chuyển khoản VietQR" : "Thẻ ngân hàng";
  r.transaction_reference = s.payment->transaction_reference;
  r.paid_at = TimeText(s.payment->paid_at, settings.utc_offset_hours);
  return r;
}

}  // namespace kiosk::journey
