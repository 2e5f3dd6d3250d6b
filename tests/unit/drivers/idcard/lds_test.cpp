#include "test_prelude.h"

#include "kiosk/core/encoding.h"
#include "kiosk/idcard/lds.h"
#include "kiosk/idcard/passive_auth.h"
#include "kiosk/idcard/sod.h"
#include "kiosk/idcard/tlv.h"

using namespace kiosk::idcard;  // NOLINT(google-build-using-namespace): test file
using kiosk::core::Bytes;
using kiosk::test::Hex;

TEST_GROUP(Lds){};

TEST(Lds, EfComListsTheCccdDataGroups) {
  const Bytes com = BuildEfCom({1, 2, 3, 13, 15, 14});
  auto parsed = ParseEfCom(com);
  STRCMP_EQUAL("0107", parsed->lds_version.c_str());
  STRCMP_EQUAL("040000", parsed->unicode_version.c_str());
  CHECK((parsed->data_groups == std::vector<int>{1, 2, 3, 13, 15, 14}));
  // The ICAO D.4 prefix of EF.COM (60 14 5F 01 ...) is recognised.
  CHECK_FALSE(ParseEfCom(Hex("60145F01")).HasValue());
}

TEST(Lds, Dg1WrapsTheMrz) {
  const Bytes dg1 = BuildDg1(
      "IDVNM0900123450001090012345<<19005156M3005154VNM<<<<<<<<<<<6NGUYEN<<VAN<A<<<<<<<<<<<<<<<<<");
  LONGS_EQUAL(0x61, dg1[0]);
  LONGS_EQUAL(0x5D, dg1[1]);  // docs/cccd-chip.md §1.4: 61 5D 5F 1F 5A
  auto td1 = ParseDg1(dg1);
  STRCMP_EQUAL("001090012345", td1->id_number.Reveal().c_str());
}

TEST(Lds, Dg2AcceptsJpegAndJpeg2000ByTheirRecords) {
  const Bytes jpeg = Hex("FFD8FFE000104A464946000101000001000100000000FFD9");
  auto face = ParseDg2(BuildDg2(jpeg, false, 240, 320));
  STRCMP_EQUAL("image/jpeg", face->mime.c_str());
  LONGS_EQUAL(240, face->width);
  CHECK(face->data.Reveal() == jpeg);
  const Bytes jp2 = Hex("0000000C6A5020200D0A870A00000014667479706A703220");
  STRCMP_EQUAL("image/jp2", ParseDg2(BuildDg2(jp2, true, 100, 120))->mime.c_str());
}

TEST(Lds, Dg2WhoseImageContradictsItsRecordIsRejected) {
  const Bytes jpeg = Hex("FFD8FFE000104A464946000101000001000100000000FFD9");
  auto r = ParseDg2(BuildDg2(jpeg, true, 240, 320));  // says JPEG 2000, holds JPEG
  STRCMP_EQUAL("lds.malformed", r.GetError().Code().c_str());
  CHECK_FALSE(ParseDg2(Hex("7503020100")).HasValue());
}

TEST(Lds, Dg13KeepsUnknownFieldsRawAndAllowsAbsentOnes) {
  Bytes unknown_value = EncodeTlv(0x04, Hex("DEADBEEF"));
  const Bytes dg13 = BuildDg13({{1, Dg13String("001090012345", true)},
                                {2, Dg13String("Nguyễn Văn A")},
                                {14, Bytes{}},
                                {17, unknown_value}});
  auto parsed = ParseDg13(dg13);
  CHECK_TRUE(parsed.HasValue());
  STRCMP_EQUAL("Nguyễn Văn A", parsed->Text(Dg13Field::kFullName).c_str());
  STRCMP_EQUAL("", parsed->Text(Dg13Field::kResidence).c_str());
  CHECK(parsed->spouse_name.Reveal().empty());
  LONGS_EQUAL(1, parsed->unknown.size());
  CHECK(parsed->unknown.contains(17));
}

TEST(Lds, Dg13TextIsNormalizedAndBadUtf8Rejected) {
  auto parsed = ParseDg13(BuildDg13({{2, Dg13String("Nguye\xCC\x82\xCC\x83n")}}));
  STRCMP_EQUAL("Nguyễn", parsed->Text(Dg13Field::kFullName).c_str());
  auto bad = ParseDg13(BuildDg13({{2, Dg13String("\xC3\x28")}}));
  STRCMP_EQUAL("text.bad_utf8", bad.GetError().Code().c_str());
}

TEST(Lds, Dg13ParentsEachInTheirOwnSequence) {
  Bytes parents = EncodeTlv(0x30, Dg13String("Nguyễn Văn B"));
  const Bytes mother = EncodeTlv(0x30, Dg13String("Trần Thị C"));
  parents.insert(parents.end(), mother.begin(), mother.end());
  auto parsed = ParseDg13(BuildDg13({{13, parents}}));
  STRCMP_EQUAL("Nguyễn Văn B", parsed->father_name.Reveal().c_str());
  STRCMP_EQUAL("Trần Thị C", parsed->mother_name.Reveal().c_str());
}

TEST_GROUP(Sod){};

TEST(Sod, GarbageAndWrongStructuresAreRejected) {
  CHECK_FALSE(ParseSod(Hex("7700")).HasValue());
  CHECK_FALSE(ParseSod(Hex("770430020500")).HasValue());
  CHECK_FALSE(ParseSod({}).HasValue());
}

TEST(Sod, VerdictNamesEveryFailure) {
  AuthenticityReport report;
  report.sod_signature = {CheckState::kVerified, "ok"};
  report.certificate_chain = {CheckState::kNotChecked, "no CSCA"};
  report.data_groups[1] = {CheckState::kVerified, ""};
  STRCMP_EQUAL("signature valid, chain not verified", report.Verdict().c_str());
  report.certificate_chain = {CheckState::kVerified, ""};
  STRCMP_EQUAL("authentic", report.Verdict().c_str());
  report.data_groups[13] = {CheckState::kFailed, "hash does not match the SOD"};
  STRCMP_EQUAL("verification failed: DG13: hash does not match the SOD", report.Verdict().c_str());
  AuthenticityReport unverified;
  STRCMP_EQUAL("not verified", unverified.Verdict().c_str());
}
