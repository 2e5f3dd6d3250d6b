#pragma once

// What the kiosk knows about the citizen after reading the chip: the fields
// the e-forms need, the photo, and how far each was verified. Move-only,
// wiped on destruction, never loggable.

#include <string>

#include "kiosk/core/secret.h"
#include "kiosk/idcard/passive_auth.h"

namespace kiosk::idcard {

struct CitizenIdentity : core::NotLoggable {
  core::PersonalText id_number;   // 12 digits
  core::PersonalText full_name;   // NFC, as on the chip
  core::PersonalText mrz_name;    // ASCII from the MRZ
  core::PersonalText birth_date;  // dd/mm/yyyy
  core::PersonalText sex;         // "Nam" / "Nữ"
  core::PersonalText nationality;
  core::PersonalText ethnicity;
  core::PersonalText religion;
  core::PersonalText place_of_origin;  // quê quán
  core::PersonalText residence;        // nơi thường trú
  core::PersonalText identification_marks;
  core::PersonalText issue_date;   // dd/mm/yyyy
  core::PersonalText expiry_date;  // dd/mm/yyyy or "Không thời hạn"
  core::PersonalText father_name;
  core::PersonalText mother_name;
  core::PersonalText spouse_name;    // empty when unmarried
  core::PersonalText old_id_number;  // 9-digit CMND, may be empty
  core::PersonalText card_serial;    // DG13 field 16, meaning unconfirmed
  std::string photo_mime;
  core::Personal<std::vector<std::uint8_t>> photo;
  std::string access_method;  // "PACE-CAN" or "BAC"
  AuthenticityReport authenticity;
};

}  // namespace kiosk::idcard
