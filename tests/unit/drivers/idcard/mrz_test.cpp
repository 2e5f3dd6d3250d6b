#include "test_prelude.h"

#include "kiosk/idcard/mrz.h"

using namespace kiosk::idcard;  // NOLINT(google-build-using-namespace): test file

namespace {
// docs/cccd-chip.md §9: a synthetic citizen, not a real person.
const char* kLine1 = "IDVNM0900123450001090012345<<1";
const char* kLine2 = "9005156M3005154VNM<<<<<<<<<<<6";
const char* kLine3 = "NGUYEN<<VAN<A<<<<<<<<<<<<<<<<<";
std::string Mrz() { return std::string(kLine1) + "\n" + kLine2 + "\n" + kLine3; }
}  // namespace

TEST_GROUP(Mrz){};

TEST(Mrz, CheckDigitsFollowIcaoWeights) {
  LONGS_EQUAL(3, *MrzCheckDigit("L898902C<"));  // ICAO 9303 p3 example
  LONGS_EQUAL(5, *MrzCheckDigit("991231"));
  LONGS_EQUAL(0, *MrzCheckDigit("<<<<"));
  CHECK_FALSE(MrzCheckDigit("ab").HasValue());
}

TEST(Mrz, CccdTd1ParsesWithTheIdInTheOptionalData) {
  auto td1 = ParseTd1(Mrz());
  CHECK_TRUE(td1.HasValue());
  STRCMP_EQUAL("ID", td1->document_code.c_str());
  STRCMP_EQUAL("VNM", td1->issuer.c_str());
  STRCMP_EQUAL("090012345", td1->document_number.Reveal().c_str());
  STRCMP_EQUAL("001090012345", td1->id_number.Reveal().c_str());
  STRCMP_EQUAL("900515", td1->birth_date.Reveal().c_str());
  LONGS_EQUAL('M', td1->sex);
  STRCMP_EQUAL("300515", td1->expiry_date.Reveal().c_str());
  STRCMP_EQUAL("NGUYEN VAN A", td1->name.Reveal().c_str());
}

TEST(Mrz, ThreeLinesOrOneStringOrCrLf) {
  CHECK_TRUE(ParseTd1(std::string(kLine1) + kLine2 + kLine3).HasValue());
  CHECK_TRUE(ParseTd1(std::string(kLine1) + "\r\n" + kLine2 + "\r\n" + kLine3 + "\r\n").HasValue());
}

TEST(Mrz, EveryCheckDigitIsVerified) {
  const std::string good = std::string(kLine1) + kLine2 + kLine3;
  // Positions (0-based in the 90 characters) of: doc-number check, ID check,
  // birth check, expiry check, composite.
  for (std::size_t pos :
       {std::size_t{14}, std::size_t{29}, std::size_t{36}, std::size_t{44}, std::size_t{59}}) {
    std::string bad = good;
    bad[pos] = bad[pos] == '9' ? '0' : static_cast<char>(bad[pos] + 1);
    auto r = ParseTd1(bad);
    CHECK_FALSE_TEXT(r.HasValue(), std::to_string(pos).c_str());
    STRCMP_EQUAL("mrz.invalid", r.GetError().Code().c_str());
  }
}

TEST(Mrz, WrongLengthAndCharactersAreRejected) {
  CHECK_FALSE(ParseTd1(std::string(kLine1) + kLine2).HasValue());
  std::string lower = Mrz();
  lower[70] = 'g';
  CHECK_FALSE(ParseTd1(lower).HasValue());
}

TEST(Mrz, FormattedCccdMrzMatchesTheVector) {
  auto mrz = FormatCccdTd1("001090012345", "900515", 'M', "300515", "NGUYEN VAN A");
  STRCMP_EQUAL((std::string(kLine1) + kLine2 + kLine3).c_str(), mrz->c_str());
  CHECK_FALSE(FormatCccdTd1("001090012345", "900515", 'M', "300515", "Nguyễn").HasValue());
}

TEST(Mrz, NoExpiryCardParses) {
  auto mrz = FormatCccdTd1("001044123456", "440101", 'F', "991231", "TRAN THI B");
  auto td1 = ParseTd1(*mrz);
  if (!td1) FAIL(td1.GetError().ToString().c_str());
  STRCMP_EQUAL("991231", td1->expiry_date.Reveal().c_str());
  STRCMP_EQUAL("TRAN THI B", td1->name.Reveal().c_str());
  CHECK(mrz->substr(38, 7) == "9912315");
}

// docs/cccd-chip.md §9 and ICAO 9303 p11 Appendix D.2.
TEST(Mrz, BacMrzInformationMatchesVectors) {
  auto info = BacMrzInformation("090012345", "900515", "300515");
  STRCMP_EQUAL("090012345090051563005154", std::string(kiosk::core::AsChars(info->View())).c_str());
  auto icao = BacMrzInformation("L898902C", "690806", "940623");
  STRCMP_EQUAL("L898902C<369080619406236", std::string(kiosk::core::AsChars(icao->View())).c_str());
  CHECK_FALSE(BacMrzInformation("090012345", "9005", "300515").HasValue());
}
