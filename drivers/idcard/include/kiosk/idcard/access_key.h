#pragma once

// Where the key to open the chip comes from, without the citizen writing:
// the QR code on the card, its MRZ, or the ID number (with dates for BAC).
// PACE needs only the CAN = last 6 digits of the ID. BAC needs the document
// number (last 9 digits), date of birth and date of expiry; when the expiry
// is unknown it is derived from the renewal ages (docs/cccd-chip.md §1.5).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/error.h"
#include "kiosk/core/secret.h"

namespace kiosk::idcard {

// A calendar date. Two-digit MRZ years are read as 19xx or 20xx relative to
// a reference year; 991231 is the "no expiry" marker.
struct Date {
  int year = 0;
  int month = 0;
  int day = 0;

  static core::Expected<Date> FromDdMmYyyy(std::string_view text);  // "15051990"
  static Date Today();  // the system's local date (command-line tools; the kiosk uses its clock)
  std::string ToYyMmDd() const;  // "900515"
  std::string ToIso() const;     // "1990-05-15"
  bool IsValid() const;
  auto operator<=>(const Date&) const = default;
};

// The fields of the QR code on the front of a 2021 CCCD (7 fields separated
// by '|'; a 6-field variant without the old ID is tolerated).
struct QrIdentity : core::NotLoggable {
  core::PersonalText id_number;  // 12 digits
  core::PersonalText old_id;     // 9-digit CMND, often empty
  core::PersonalText full_name;  // NFC
  Date birth_date;
  core::PersonalText sex;      // "Nam" / "Nữ"
  core::PersonalText address;  // NFC
  Date issue_date;
};

core::Expected<QrIdentity> ParseCccdQr(std::string_view payload);

// One set of BAC inputs.
struct BacInput {
  std::string document_number;  // 9 digits
  std::string birth_date;       // YYMMDD
  std::string expiry_date;      // YYMMDD
};

class AccessKey : core::NotLoggable {
 public:
  static core::Expected<AccessKey> FromQr(std::string_view payload, const Date& today);
  static core::Expected<AccessKey> FromMrz(std::string_view mrz);
  // `birth_date` and `expiry_date` as YYMMDD; either may be empty.
  static core::Expected<AccessKey> FromIdNumber(std::string_view id_number,
                                                std::string_view birth_date,
                                                std::string_view expiry_date, const Date& today);
  static core::Expected<AccessKey> FromCan(std::string_view can);

  // The PACE password, if known: the last 6 digits of the ID.
  std::optional<std::string> Can() const;
  // BAC inputs to try in order; empty if BAC is not possible from this key.
  const std::vector<BacInput>& BacCandidates() const { return bac_; }
  // The ID number the key came from, if known (to compare with the chip).
  const core::PersonalText& IdNumber() const { return id_number_; }
  // "qr", "mrz", "id", "can": how the key was obtained, for the report.
  const std::string& Source() const { return source_; }

  ~AccessKey();
  AccessKey(AccessKey&&) noexcept = default;
  AccessKey& operator=(AccessKey&&) noexcept = default;

 private:
  AccessKey() = default;
  core::PersonalText id_number_;
  std::string can_;
  std::vector<BacInput> bac_;
  std::string source_;
};

// Expiry dates (YYMMDD) a CCCD can carry, most likely first: from the renewal
// ages 14, 25, 40 and 60 and the issue date when known; "991231" (no expiry)
// for cards issued from age 58.
std::vector<std::string> CandidateExpiries(const Date& birth, const std::optional<Date>& issue,
                                           const Date& today);

}  // namespace kiosk::idcard
