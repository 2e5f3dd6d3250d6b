#include "kiosk/idcard/mrz.h"

#include <array>

namespace kiosk::idcard {

using core::Error;
using core::Expected;
using core::PersonalText;

Expected<int> MrzCheckDigit(std::string_view field) {
  static constexpr std::array<int, 3> kWeights{7, 3, 1};
  int sum = 0;
  for (std::size_t i = 0; i < field.size(); ++i) {
    const char c = field[i];
    int value = 0;
    if (c >= '0' && c <= '9') {
      value = c - '0';
    } else if (c >= 'A' && c <= 'Z') {
      value = c - 'A' + 10;
    } else if (c != '<') {
      return Error::NeedsPerson("mrz.bad_character", "character outside 0-9, A-Z and '<'");
    }
    sum += value * kWeights[i % 3];
  }
  return sum % 10;
}

namespace {

Error Bad(const std::string& why) { return Error::NeedsPerson("mrz.invalid", why); }

core::Status CheckField(std::string_view field, char check, const char* name) {
  KIOSK_ASSIGN_OR_RETURN(const int digit, MrzCheckDigit(field));
  if (check != static_cast<char>('0' + digit)) {
    return Bad(std::string("check digit of the ") + name + " does not match");
  }
  return core::Ok();
}

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

std::string Fillers(std::string_view s) {
  std::string out(s);
  while (!out.empty() && out.back() == '<') out.pop_back();
  for (auto& c : out) {
    if (c == '<') c = ' ';
  }
  // "NGUYEN  VAN A": the primary/secondary separator becomes one space.
  std::string collapsed;
  for (char c : out) {
    if (c == ' ' && !collapsed.empty() && collapsed.back() == ' ') continue;
    collapsed += c;
  }
  return collapsed;
}

}  // namespace

Expected<Td1> ParseTd1(std::string_view text) {
  std::string mrz;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == ' ') continue;
    mrz += c;
  }
  if (mrz.size() != 90) {
    return Bad("a TD1 MRZ has 90 characters, got " + std::to_string(mrz.size()));
  }
  for (char c : mrz) {
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '<')) {
      return Bad("character outside 0-9, A-Z and '<'");
    }
  }
  const std::string_view l1(mrz.data(), 30);
  const std::string_view l2(mrz.data() + 30, 30);
  const std::string_view l3(mrz.data() + 60, 30);

  KIOSK_TRY(CheckField(l1.substr(5, 9), l1[14], "document number"));
  KIOSK_TRY(CheckField(l2.substr(0, 6), l2[6], "date of birth"));
  KIOSK_TRY(CheckField(l2.substr(8, 6), l2[14], "date of expiry"));
  const std::string composite = std::string(l1.substr(5, 25)) + std::string(l2.substr(0, 7)) +
                                std::string(l2.substr(8, 7)) + std::string(l2.substr(18, 11));
  KIOSK_TRY(CheckField(composite, l2[29], "whole MRZ (composite)"));

  Td1 td1;
  td1.document_code = Fillers(l1.substr(0, 2));
  td1.issuer = std::string(l1.substr(2, 3));
  td1.document_number = PersonalText(std::string(l1.substr(5, 9)));
  const std::string_view optional = l1.substr(15, 15);
  if (AllDigits(optional.substr(0, 12)) && optional.substr(12, 2) == "<<") {
    // CCCD: the 12-digit ID, "<<", and the ID's own check digit.
    KIOSK_TRY(CheckField(optional.substr(0, 12), optional[14], "ID number"));
    td1.id_number = PersonalText(std::string(optional.substr(0, 12)));
  }
  if (!AllDigits(l2.substr(0, 6)) || !AllDigits(l2.substr(8, 6))) {
    return Bad("dates must be digits");
  }
  td1.birth_date = PersonalText(std::string(l2.substr(0, 6)));
  td1.sex = l2[7];
  if (td1.sex != 'M' && td1.sex != 'F' && td1.sex != '<') return Bad("sex must be M, F or <");
  td1.expiry_date = PersonalText(std::string(l2.substr(8, 6)));
  td1.nationality = std::string(l2.substr(15, 3));
  td1.name = PersonalText(Fillers(l3));
  return td1;
}

Expected<std::string> FormatCccdTd1(std::string_view id_number, std::string_view birth_date,
                                    char sex, std::string_view expiry_date, std::string_view name) {
  if (id_number.size() != 12 || !AllDigits(id_number)) return Bad("the ID number is 12 digits");
  if (birth_date.size() != 6 || !AllDigits(birth_date) || expiry_date.size() != 6 ||
      !AllDigits(expiry_date)) {
    return Bad("dates are YYMMDD");
  }
  auto digit = [](std::string_view field) -> Expected<char> {
    KIOSK_ASSIGN_OR_RETURN(const int d, MrzCheckDigit(field));
    return static_cast<char>('0' + d);
  };
  const std::string doc(id_number.substr(3));
  KIOSK_ASSIGN_OR_RETURN(const char doc_check, digit(doc));
  KIOSK_ASSIGN_OR_RETURN(const char id_check, digit(id_number));
  std::string l1 = "IDVNM" + doc + doc_check + std::string(id_number) + "<<" + id_check;
  KIOSK_ASSIGN_OR_RETURN(const char birth_check, digit(birth_date));
  KIOSK_ASSIGN_OR_RETURN(const char expiry_check, digit(expiry_date));
  std::string l2 = std::string(birth_date) + birth_check + sex + std::string(expiry_date) +
                   expiry_check + "VNM" + std::string(11, '<');
  const std::string composite =
      l1.substr(5, 25) + l2.substr(0, 7) + l2.substr(8, 7) + l2.substr(18, 11);
  KIOSK_ASSIGN_OR_RETURN(const char composite_check, digit(composite));
  l2 += composite_check;
  // Line 3: the surname, "<<", then the given names joined by '<'.
  std::string l3;
  bool first_space = true;
  for (char c : name) {
    if (c == ' ') {
      l3 += first_space ? "<<" : "<";
      first_space = false;
    } else if (c >= 'A' && c <= 'Z') {
      l3 += c;
    } else {
      return Bad("the MRZ name must be upper-case ASCII letters and spaces");
    }
  }
  if (l3.size() > 30) l3.resize(30);
  l3 += std::string(30 - l3.size(), '<');
  return l1 + l2 + l3;
}

Expected<core::SecretBytes> BacMrzInformation(std::string_view document_number,
                                              std::string_view birth_date,
                                              std::string_view expiry_date) {
  if (birth_date.size() != 6 || expiry_date.size() != 6 || !AllDigits(birth_date) ||
      !AllDigits(expiry_date)) {
    return Bad("dates for BAC must be YYMMDD");
  }
  std::string doc(document_number);
  // Document numbers shorter than 9 are padded with fillers.
  while (doc.size() < 9) doc += '<';
  std::string info;
  for (std::string_view field : {std::string_view(doc), birth_date, expiry_date}) {
    KIOSK_ASSIGN_OR_RETURN(const int digit, MrzCheckDigit(field));
    info += field;
    info += static_cast<char>('0' + digit);
  }
  core::SecretBytes out(core::AsBytes(info));
  core::SecureZero(info.data(), info.size());
  return out;
}

}  // namespace kiosk::idcard
