#pragma once

// The files of the eMRTD application (ICAO 9303 p10) as the CCCD fills them:
// EF.COM, DG1 (TD1 MRZ), DG2 (face image), DG13 (Vietnamese personal data),
// DG14 (security infos), DG15 (Active Authentication public key).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/error.h"
#include "kiosk/core/secret.h"
#include "kiosk/idcard/mrz.h"
#include "kiosk/idcard/pace.h"

namespace kiosk::idcard {

// Short file identifiers and file ids of the LDS1 application.
struct LdsFile {
  int number;  // data group number; 0 for EF.COM, -1 for EF.SOD
  std::uint8_t sfi;
  std::uint16_t fid;
  std::uint8_t tag;  // outer tag
  const char* name;
};
const LdsFile* FindLdsFileByNumber(int number);
const LdsFile* FindLdsFileByTag(std::uint8_t tag);
extern const LdsFile kEfCom;
extern const LdsFile kEfSod;
extern const LdsFile kEfCardAccess;

struct EfCom {
  std::string lds_version;       // "0107"
  std::string unicode_version;   // "040000"
  std::vector<int> data_groups;  // as listed, e.g. 1, 2, 3, 13, 15, 14
};
core::Expected<EfCom> ParseEfCom(ByteView bytes);

core::Expected<Td1> ParseDg1(ByteView bytes);

struct FaceImage : core::NotLoggable {
  std::string mime;  // "image/jpeg" or "image/jp2"
  int width = 0;
  int height = 0;
  core::Personal<std::vector<std::uint8_t>> data;
};
// Walks 75 / 7F61 / 7F60 / 5F2E|7F2E and the ISO 19794-5 facial record to the
// first image; the image's own magic number must agree with the record.
core::Expected<FaceImage> ParseDg2(ByteView bytes);

// DG13 field numbers (docs/cccd-chip.md §2.1).
enum class Dg13Field : int {
  kIdNumber = 1,
  kFullName = 2,
  kBirthDate = 3,
  kSex = 4,
  kNationality = 5,
  kEthnicity = 6,
  kReligion = 7,
  kPlaceOfOrigin = 8,
  kResidence = 9,
  kIdentificationMarks = 10,
  kIssueDate = 11,
  kExpiryDate = 12,
  kParents = 13,
  kSpouse = 14,
  kOldIdNumber = 15,
  kCardSerial = 16,
};

struct Dg13 : core::NotLoggable {
  // Text fields by number, UTF-8 in NFC. Parents (13) become father and
  // mother; spouse (14) is absent when unmarried.
  std::map<int, core::PersonalText> text;
  core::PersonalText father_name;
  core::PersonalText mother_name;
  core::PersonalText spouse_name;
  // Fields whose number or shape we do not know, kept as raw DER.
  std::map<int, core::Personal<std::vector<std::uint8_t>>> unknown;

  // The text of a field, or "" if absent.
  const std::string& Text(Dg13Field field) const;
};
core::Expected<Dg13> ParseDg13(ByteView bytes);

// DG14: SecurityInfos (the PACE infos among them).
core::Expected<std::vector<PaceInfo>> ParseDg14(ByteView bytes);
// DG15: the Active Authentication SubjectPublicKeyInfo (DER).
core::Expected<Bytes> ParseDg15(ByteView bytes);

// Builders, for the card simulator and test fixtures.
Bytes BuildEfCom(const std::vector<int>& data_groups);
Bytes BuildDg1(std::string_view mrz90);
Bytes BuildDg2(ByteView image, bool jpeg2000, int width, int height);
Bytes BuildDg13(const std::vector<std::pair<int, Bytes>>& field_values);
// One DG13 field value: a UTF8String (0C) or PrintableString (13).
Bytes Dg13String(std::string_view text, bool printable = false);

}  // namespace kiosk::idcard
