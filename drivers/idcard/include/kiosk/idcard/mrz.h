#pragma once

// The TD1 machine-readable zone on the back of the CCCD (ICAO 9303 p5), and
// the check digits of ICAO 9303 p3 (weights 7, 3, 1).

#include <string>
#include <string_view>

#include "kiosk/core/error.h"
#include "kiosk/core/secret.h"

namespace kiosk::idcard {

// The check digit of an MRZ field; fails on characters outside 0-9, A-Z, '<'.
core::Expected<int> MrzCheckDigit(std::string_view field);

struct Td1 : core::NotLoggable {
  std::string document_code;           // "ID"
  std::string issuer;                  // "VNM"
  core::PersonalText document_number;  // 9 characters: the last 9 digits of the ID
  core::PersonalText id_number;        // 12 digits from the optional data; empty if absent
  core::PersonalText birth_date;       // YYMMDD
  char sex = '<';                      // 'M', 'F' or '<'
  core::PersonalText expiry_date;      // YYMMDD; 991231 = no expiry
  std::string nationality;             // "VNM"
  core::PersonalText name;             // "NGUYEN VAN A" (line 3, fillers as spaces)
};

// 90 characters, or three lines of 30 separated by newlines. Every check
// digit is verified, including the CCCD's check digit of the 12-digit ID.
core::Expected<Td1> ParseTd1(std::string_view text);

// The 90 characters of a CCCD's TD1 MRZ, check digits computed: for card
// simulators and test personas. `name` is "SURNAME GIVEN NAMES" in ASCII.
core::Expected<std::string> FormatCccdTd1(std::string_view id_number, std::string_view birth_date,
                                          char sex, std::string_view expiry_date,
                                          std::string_view name);

// MRZ_information for BAC key derivation: document number, date of birth and
// date of expiry, each followed by its check digit (24 characters for a CCCD).
core::Expected<core::SecretBytes> BacMrzInformation(std::string_view document_number,
                                                    std::string_view birth_date,
                                                    std::string_view expiry_date);

}  // namespace kiosk::idcard
