#include "test_prelude.h"

#include "kiosk/payment/vietqr.h"

using namespace kiosk::payment;  // NOLINT(google-build-using-namespace): test file

namespace {
// docs/dvc-domain.md §5.2, the worked example (liopayvn/vietqr-php README).
constexpr const char* kWorkedExample =
    "00020101021238540010A00000072701240006970436011010175956000208QRIBFTTA530370454061800005802VN"
    "62230819thanh toan don hang630470FA";
}  // namespace

TEST_GROUP(VietQr){};

TEST(VietQr, CrcCheckValue) {
  LONGS_EQUAL(0x29B1, Crc16CcittFalse("123456789"));
  LONGS_EQUAL(0xFFFF, Crc16CcittFalse(""));
}

TEST(VietQr, EncodesThePublishedExample) {
  VietQr qr;
  qr.bank_bin = "970436";
  qr.account = "1017595600";
  qr.amount_vnd = 180000;
  qr.purpose = "thanh toan don hang";
  auto payload = EncodeVietQr(qr);
  CHECK(payload.HasValue());
  STRCMP_EQUAL(kWorkedExample, payload->c_str());
}

TEST(VietQr, ParsesThePublishedExample) {
  auto qr = ParseVietQr(kWorkedExample);
  CHECK(qr.HasValue());
  CHECK(qr->dynamic);
  STRCMP_EQUAL("970436", qr->bank_bin.c_str());
  STRCMP_EQUAL("1017595600", qr->account.c_str());
  STRCMP_EQUAL("QRIBFTTA", qr->service.c_str());
  LONGS_EQUAL(180000, qr->amount_vnd);
  STRCMP_EQUAL("thanh toan don hang", qr->purpose.c_str());
}

TEST(VietQr, RoundTripsAFee) {
  VietQr qr;
  qr.bank_bin = "970415";
  qr.account = "113000123456";
  qr.amount_vnd = 7000;
  qr.purpose = "DVC0195D0C1A2B3C4D5E6F7A";
  auto payload = EncodeVietQr(qr);
  CHECK(payload.HasValue());
  auto back = ParseVietQr(*payload);
  CHECK(back.HasValue());
  STRCMP_EQUAL(qr.purpose.c_str(), back->purpose.c_str());
  LONGS_EQUAL(7000, back->amount_vnd);
  STRCMP_EQUAL("970415", back->bank_bin.c_str());
}

TEST(VietQr, StaticCodeWithoutAmount) {
  VietQr qr;
  qr.dynamic = false;
  qr.bank_bin = "970403";
  qr.account = "0123456789";
  auto payload = EncodeVietQr(qr);
  CHECK(payload.HasValue());
  CHECK(payload->find("010211") == 6);
  CHECK(payload->find("54") == std::string::npos || payload->find("5406") == std::string::npos);
  auto back = ParseVietQr(*payload);
  CHECK(back.HasValue());
  CHECK_FALSE(back->dynamic);
  LONGS_EQUAL(0, back->amount_vnd);
}

TEST(VietQr, RefusesBadInput) {
  VietQr qr;
  qr.bank_bin = "97043";  // five digits
  qr.account = "1";
  qr.amount_vnd = 1000;
  STRCMP_EQUAL("vietqr.invalid", EncodeVietQr(qr).GetError().Code().c_str());
  qr.bank_bin = "970436";
  qr.purpose = "Lệ phí";  // not ASCII: banking apps show it garbled
  STRCMP_EQUAL("vietqr.invalid", EncodeVietQr(qr).GetError().Code().c_str());
  qr.purpose = "12345678901234567890123456";  // 26 characters
  STRCMP_EQUAL("vietqr.invalid", EncodeVietQr(qr).GetError().Code().c_str());
  qr.purpose.clear();
  qr.amount_vnd = 0;  // dynamic without an amount
  STRCMP_EQUAL("vietqr.invalid", EncodeVietQr(qr).GetError().Code().c_str());
}

TEST(VietQr, RefusesACorruptedPayload) {
  std::string changed = kWorkedExample;
  changed[changed.find("180000")] = '9';  // the amount changed, the CRC not
  STRCMP_EQUAL("vietqr.crc", ParseVietQr(changed).GetError().Code().c_str());
  STRCMP_EQUAL("vietqr.malformed", ParseVietQr("000201010").GetError().Code().c_str());
  STRCMP_EQUAL("vietqr.malformed", ParseEmvFields("00AB01").GetError().Code().c_str());
  STRCMP_EQUAL("vietqr.malformed", ParseVietQr("").GetError().Code().c_str());
}

TEST(VietQr, NestedFieldsAreChecked) {
  // A valid CRC over a payload whose NAPAS template is cut short.
  std::string payload =
      "000201010212380800041234530370458"
      "02VN6304";
  char crc[5];
  std::snprintf(crc, sizeof crc, "%04X", Crc16CcittFalse(payload));
  payload += crc;
  STRCMP_EQUAL("vietqr.malformed", ParseVietQr(payload).GetError().Code().c_str());
}
