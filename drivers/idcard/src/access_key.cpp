#include "kiosk/idcard/access_key.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "kiosk/core/text.h"
#include "kiosk/idcard/mrz.h"

namespace kiosk::idcard {

using core::Error;
using core::Expected;
using core::PersonalText;

namespace {

constexpr int kRenewalAges[] = {14, 25, 40, 60};
constexpr const char* kNoExpiry = "991231";

Error Bad(const std::string& why) { return Error::NeedsPerson("access_key.invalid", why); }

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// The birthday in a given year; 29 February falls back to 28 February.
Date Birthday(const Date& birth, int age) {
  Date d{birth.year + age, birth.month, birth.day};
  if (d.day > DaysInMonth(d.year, d.month)) d.day = DaysInMonth(d.year, d.month);
  return d;
}

// YYMMDD to a date, taking the century that puts it closest before `today`
// (birth dates) or at most 80 years after today's century start (expiries).
Expected<Date> FromYyMmDd(std::string_view text, const Date& today) {
  if (text.size() != 6 || !AllDigits(text)) return Bad("dates must be YYMMDD digits");
  const int yy = (text[0] - '0') * 10 + (text[1] - '0');
  Date d{2000 + yy, (text[2] - '0') * 10 + (text[3] - '0'), (text[4] - '0') * 10 + (text[5] - '0')};
  if (d > today) d.year -= 100;
  if (!d.IsValid()) return Bad("not a calendar date: " + std::string(text));
  return d;
}

void AddUnique(std::vector<std::string>& list, const std::string& value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

}  // namespace

bool Date::IsValid() const {
  return year >= 1900 && year <= 2100 && month >= 1 && month <= 12 && day >= 1 &&
         day <= DaysInMonth(year, month);
}

Date Date::Today() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  return {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

Expected<Date> Date::FromDdMmYyyy(std::string_view text) {
  if (text.size() != 8 || !AllDigits(text)) return Bad("dates in the QR code are DDMMYYYY");
  Date d{std::stoi(std::string(text.substr(4, 4))), std::stoi(std::string(text.substr(2, 2))),
         std::stoi(std::string(text.substr(0, 2)))};
  if (!d.IsValid()) return Bad("not a calendar date in the QR code");
  return d;
}

std::string Date::ToYyMmDd() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d%02d%02d", year % 100, month, day);
  return buf;
}

std::string Date::ToIso() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

Expected<QrIdentity> ParseCccdQr(std::string_view payload) {
  payload = core::TrimAscii(payload);
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t bar = payload.find('|', start);
    fields.push_back(core::TrimAscii(payload.substr(start, bar - start)));
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  if (fields.size() == 6) fields.insert(fields.begin() + 1, std::string_view());
  if (fields.size() != 7) {
    return Bad("a CCCD QR code has 7 fields separated by '|', got " +
               std::to_string(fields.size()));
  }
  if (fields[0].size() != 12 || !AllDigits(fields[0])) {
    return Bad("the ID number in the QR code must be 12 digits");
  }
  if (!fields[1].empty() && (fields[1].size() != 9 || !AllDigits(fields[1]))) {
    return Bad("the old ID in the QR code must be 9 digits or empty");
  }
  QrIdentity qr;
  qr.id_number = PersonalText(std::string(fields[0]));
  qr.old_id = PersonalText(std::string(fields[1]));
  KIOSK_ASSIGN_OR_RETURN(std::string name, core::NormalizeNfc(fields[2]));
  if (name.empty()) return Bad("the name in the QR code is empty");
  qr.full_name = PersonalText(std::move(name));
  KIOSK_ASSIGN_OR_RETURN(qr.birth_date, Date::FromDdMmYyyy(fields[3]));
  KIOSK_ASSIGN_OR_RETURN(std::string sex, core::NormalizeNfc(fields[4]));
  qr.sex = PersonalText(std::move(sex));
  KIOSK_ASSIGN_OR_RETURN(std::string address, core::NormalizeNfc(fields[5]));
  qr.address = PersonalText(std::move(address));
  KIOSK_ASSIGN_OR_RETURN(qr.issue_date, Date::FromDdMmYyyy(fields[6]));
  return qr;
}

std::vector<std::string> CandidateExpiries(const Date& birth, const std::optional<Date>& issue,
                                           const Date& today) {
  std::vector<std::string> out;
  if (issue) {
    // A card issued within two years before a renewal age lasts to the next.
    bool found = false;
    for (int age : kRenewalAges) {
      const Date renewal = Birthday(birth, age);
      const Date two_years_before = Birthday(renewal, -2);
      if (*issue < two_years_before) {
        AddUnique(out, renewal.ToYyMmDd());
        found = true;
        break;
      }
    }
    if (!found) AddUnique(out, kNoExpiry);
  }
  // Then the renewal ages still ahead of today, nearest first, and no expiry.
  for (int age : kRenewalAges) {
    const Date renewal = Birthday(birth, age);
    if (renewal >= today) AddUnique(out, renewal.ToYyMmDd());
  }
  AddUnique(out, kNoExpiry);
  for (int age : kRenewalAges) AddUnique(out, Birthday(birth, age).ToYyMmDd());
  return out;
}

AccessKey::~AccessKey() { core::SecureZero(can_.data(), can_.size()); }

std::optional<std::string> AccessKey::Can() const {
  if (can_.empty()) return std::nullopt;
  return can_;
}

Expected<AccessKey> AccessKey::FromCan(std::string_view can) {
  if (can.size() != 6 || !AllDigits(can)) return Bad("the CAN is 6 digits");
  AccessKey key;
  key.can_ = std::string(can);
  key.source_ = "can";
  return key;
}

Expected<AccessKey> AccessKey::FromIdNumber(std::string_view id_number, std::string_view birth_date,
                                            std::string_view expiry_date, const Date& today) {
  if (id_number.size() != 12 || !AllDigits(id_number)) return Bad("the ID number is 12 digits");
  AccessKey key;
  key.id_number_ = PersonalText(std::string(id_number));
  key.can_ = std::string(id_number.substr(6));
  key.source_ = "id";
  if (!birth_date.empty()) {
    KIOSK_ASSIGN_OR_RETURN(const Date birth, FromYyMmDd(birth_date, today));
    std::vector<std::string> expiries;
    if (!expiry_date.empty()) {
      if (expiry_date.size() != 6 || !AllDigits(expiry_date)) {
        return Bad("the expiry date is YYMMDD");
      }
      expiries.emplace_back(expiry_date);
    } else {
      expiries = CandidateExpiries(birth, std::nullopt, today);
    }
    for (const auto& expiry : expiries) {
      key.bac_.push_back({std::string(id_number.substr(3)), birth.ToYyMmDd(), expiry});
    }
  }
  return key;
}

Expected<AccessKey> AccessKey::FromQr(std::string_view payload, const Date& today) {
  KIOSK_ASSIGN_OR_RETURN(QrIdentity qr, ParseCccdQr(payload));
  const std::string& id = qr.id_number.Reveal();
  AccessKey key;
  key.id_number_ = qr.id_number.Clone();
  key.can_ = id.substr(6);
  key.source_ = "qr";
  for (const auto& expiry : CandidateExpiries(qr.birth_date, qr.issue_date, today)) {
    key.bac_.push_back({id.substr(3), qr.birth_date.ToYyMmDd(), expiry});
  }
  return key;
}

Expected<AccessKey> AccessKey::FromMrz(std::string_view mrz) {
  KIOSK_ASSIGN_OR_RETURN(Td1 td1, ParseTd1(mrz));
  AccessKey key;
  key.source_ = "mrz";
  if (!td1.id_number.Reveal().empty()) {
    key.id_number_ = td1.id_number.Clone();
    key.can_ = td1.id_number.Reveal().substr(6);
  }
  key.bac_.push_back(
      {td1.document_number.Reveal(), td1.birth_date.Reveal(), td1.expiry_date.Reveal()});
  return key;
}

}  // namespace kiosk::idcard
