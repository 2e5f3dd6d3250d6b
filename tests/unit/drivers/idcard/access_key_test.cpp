#include "test_prelude.h"

#include "kiosk/idcard/access_key.h"

using namespace kiosk::idcard;  // NOLINT(google-build-using-namespace): test file

namespace {
const Date kToday{2026, 11, 29};
// docs/cccd-chip.md §9: synthetic.
const char* kQr =
    "001090012345||Nguyễn Văn A|15051990|Nam|Số 1 Ngõ 2, Phường X, Quận Y, Hà Nội|01062021";
}  // namespace

TEST_GROUP(AccessKey){};

TEST(AccessKey, QrGivesCanAndTheRenewalAgeExpiryFirst) {
  auto key = AccessKey::FromQr(kQr, kToday);
  CHECK_TRUE(key.HasValue());
  STRCMP_EQUAL("012345", key->Can()->c_str());
  STRCMP_EQUAL("001090012345", key->IdNumber().Reveal().c_str());
  STRCMP_EQUAL("qr", key->Source().c_str());
  const auto& bac = key->BacCandidates();
  CHECK(!bac.empty());
  STRCMP_EQUAL("090012345", bac[0].document_number.c_str());
  STRCMP_EQUAL("900515", bac[0].birth_date.c_str());
  // Issued at 31, so valid until the 40th birthday.
  STRCMP_EQUAL("300515", bac[0].expiry_date.c_str());
}

TEST(AccessKey, QrToleratesSpacesCarriageReturnAndSixFields) {
  const std::string padded = " 001090012345 || Nguyễn Văn A |15051990|Nam|Hà Nội|01062021\r";
  CHECK_TRUE(AccessKey::FromQr(padded, kToday).HasValue());
  auto six = ParseCccdQr("001090012345|Nguyễn Văn A|15051990|Nam|Hà Nội|01062021");
  CHECK_TRUE(six.HasValue());
  STRCMP_EQUAL("Nguyễn Văn A", six->full_name.Reveal().c_str());
  CHECK_TRUE(six->old_id.Reveal().empty());
}

TEST(AccessKey, QrFieldsAreNormalizedToNfc) {
  // "Nguyễn" decomposed in the payload comes out composed.
  auto qr = ParseCccdQr("001090012345||Nguye\xCC\x82\xCC\x83n Văn A|15051990|Nam|Hà Nội|01062021");
  STRCMP_EQUAL("Nguyễn Văn A", qr->full_name.Reveal().c_str());
  LONGS_EQUAL(1990, qr->birth_date.year);
  LONGS_EQUAL(2021, qr->issue_date.year);
}

TEST(AccessKey, BadQrPayloadsAreRejectedClearly) {
  CHECK_FALSE(ParseCccdQr("hello").HasValue());
  CHECK_FALSE(ParseCccdQr("00109001234||A|15051990|Nam|X|01062021").HasValue());     // 11 digits
  CHECK_FALSE(ParseCccdQr("001090012345||A|31021990|Nam|X|01062021").HasValue());    // 31 Feb
  CHECK_FALSE(ParseCccdQr("001090012345||A|15051990|Nam|X").HasValue());             // 5 fields
  CHECK_FALSE(ParseCccdQr("001090012345|12|A|15051990|Nam|X|01062021").HasValue());  // old ID
  auto bad_utf8 = ParseCccdQr("001090012345||\xFF|15051990|Nam|X|01062021");
  STRCMP_EQUAL("text.bad_utf8", bad_utf8.GetError().Code().c_str());
}

TEST(AccessKey, MrzGivesDocumentNumberDatesAndId) {
  auto key = AccessKey::FromMrz(
      "IDVNM0900123450001090012345<<1\n9005156M3005154VNM<<<<<<<<<<<6\nNGUYEN<<VAN<A<<<<<<<<<<<<<<<"
      "<<");
  CHECK_TRUE(key.HasValue());
  LONGS_EQUAL(1, key->BacCandidates().size());
  STRCMP_EQUAL("300515", key->BacCandidates()[0].expiry_date.c_str());
  STRCMP_EQUAL("012345", key->Can()->c_str());
}

TEST(AccessKey, IdNumberAloneAllowsPaceOnly) {
  auto key = AccessKey::FromIdNumber("001090012345", "", "", kToday);
  STRCMP_EQUAL("012345", key->Can()->c_str());
  CHECK_TRUE(key->BacCandidates().empty());
  CHECK_FALSE(AccessKey::FromIdNumber("0010900123", "", "", kToday).HasValue());
}

TEST(AccessKey, IdAndBirthDateTryRenewalExpiriesThenNoExpiry) {
  auto key = AccessKey::FromIdNumber("001090012345", "900515", "", kToday);
  const auto& bac = key->BacCandidates();
  // Age 36 today: the 40th birthday is the nearest renewal ahead.
  STRCMP_EQUAL("300515", bac[0].expiry_date.c_str());
  STRCMP_EQUAL("500515", bac[1].expiry_date.c_str());
  bool has_no_expiry = false;
  for (const auto& b : bac) has_no_expiry |= b.expiry_date == "991231";
  CHECK_TRUE(has_no_expiry);
}

TEST(AccessKey, ExplicitExpiryIsUsedAlone) {
  auto key = AccessKey::FromIdNumber("001090012345", "900515", "991231", kToday);
  LONGS_EQUAL(1, key->BacCandidates().size());
  STRCMP_EQUAL("991231", key->BacCandidates()[0].expiry_date.c_str());
}

TEST(AccessKey, ExpiryFollowsTheRenewalRules) {
  const Date birth{1993, 1, 5};
  // docs/cccd-chip.md §1.5: born 05/01/1993, issued 2021 -> 05/01/2033.
  STRCMP_EQUAL("330105", CandidateExpiries(birth, Date{2021, 6, 1}, kToday)[0].c_str());
  // Issued 18 months before the 25th birthday: valid to the 40th.
  STRCMP_EQUAL("330105", CandidateExpiries(birth, Date{2016, 7, 5}, kToday)[0].c_str());
  // Issued at 59: no expiry.
  STRCMP_EQUAL("991231", CandidateExpiries(Date{1960, 3, 1}, Date{2019, 5, 1}, kToday)[0].c_str());
  // Born on 29 February: the renewal falls on 28 February in common years.
  STRCMP_EQUAL("250228", CandidateExpiries(Date{2000, 2, 29}, Date{2022, 6, 1}, kToday)[0].c_str());
}

TEST(AccessKey, CanMustBeSixDigits) {
  CHECK_TRUE(AccessKey::FromCan("123456").HasValue());
  CHECK_FALSE(AccessKey::FromCan("12345").HasValue());
  CHECK_FALSE(AccessKey::FromCan("12345a").HasValue());
}
