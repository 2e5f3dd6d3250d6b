#include "test_prelude.h"

#include "kiosk/core/encoding.h"
#include "kiosk/idcard/apdu.h"

using kiosk::core::HexEncode;
using kiosk::idcard::CommandApdu;
using kiosk::idcard::ResponseApdu;
using kiosk::test::Hex;

TEST_GROUP(Apdu){};

TEST(Apdu, SelectApplicationEncodesAsCase3Short) {
  CommandApdu select{0x00, 0xA4, 0x04, 0x0C, Hex("A0000002471001"), std::nullopt};
  STRCMP_EQUAL("00a4040c07a0000002471001", HexEncode(select.Encode()).c_str());
}

TEST(Apdu, GetChallengeEncodesAsCase2Short) {
  CommandApdu challenge{0x00, 0x84, 0x00, 0x00, {}, 8};
  STRCMP_EQUAL("0084000008", HexEncode(challenge.Encode()).c_str());
  CommandApdu all{0x00, 0xB0, 0x00, 0x00, {}, 256};
  STRCMP_EQUAL("00b0000000", HexEncode(all.Encode()).c_str());
}

TEST(Apdu, LargeLeOrDataUsesExtendedLengths) {
  CommandApdu read{0x00, 0xB0, 0x00, 0x00, {}, 1000};
  STRCMP_EQUAL(
      "00b00000"
      "0003e8",
      HexEncode(read.Encode()).c_str());
  CommandApdu write{0x00, 0xD6, 0x00, 0x00, kiosk::core::Bytes(300, 0xAB), 65536};
  const auto bytes = write.Encode();
  LONGS_EQUAL(4 + 3 + 300 + 2, bytes.size());
  LONGS_EQUAL(0x01, bytes[5]);
  LONGS_EQUAL(0x2C, bytes[6]);
  LONGS_EQUAL(0x00, bytes[bytes.size() - 1]);
}

TEST(Apdu, ParseRoundTripsEveryCase) {
  const CommandApdu cases[] = {
      {0x00, 0xA4, 0x02, 0x0C, {}, std::nullopt},
      {0x00, 0x84, 0x00, 0x00, {}, 8},
      {0x00, 0xA4, 0x02, 0x0C, Hex("011E"), std::nullopt},
      {0x0C, 0xB0, 0x00, 0x00, Hex("9701048E08ED6705417E96BA55"), 256},
      {0x00, 0xB0, 0x00, 0x00, {}, 65536},
      {0x00, 0xB1, 0x00, 0x00, kiosk::core::Bytes(400, 1), 2000},
      {0x00, 0xD6, 0x00, 0x00, kiosk::core::Bytes(400, 1), std::nullopt},
  };
  for (const auto& c : cases) {
    auto parsed = CommandApdu::Parse(c.Encode());
    CHECK_TRUE(parsed.HasValue());
    CHECK(*parsed == c);
  }
}

TEST(Apdu, ParseRejectsInconsistentLengths) {
  CHECK_FALSE(CommandApdu::Parse(Hex("00A4")).HasValue());
  CHECK_FALSE(CommandApdu::Parse(Hex("00A4020C05011E")).HasValue());
  CHECK_TRUE(CommandApdu::Parse(Hex("00A4020C00")).HasValue());      // case 2: Le = 256
  CHECK_TRUE(CommandApdu::Parse(Hex("00A4020C000000")).HasValue());  // extended case 2
  CHECK_FALSE(CommandApdu::Parse(Hex("00A4020C0000")).HasValue());
  CHECK_FALSE(CommandApdu::Parse(Hex("00A4020C000002AA")).HasValue());
}

TEST(Apdu, ResponseSplitsDataAndStatus) {
  auto r = ResponseApdu::Parse(Hex("60145F019000"));
  CHECK_TRUE(r->IsOk());
  STRCMP_EQUAL("60145f01", HexEncode(r->data).c_str());
  auto err = ResponseApdu::Parse(Hex("6A82"));
  LONGS_EQUAL(0x6A82, err->sw);
  LONGS_EQUAL(0x6A, err->Sw1());
  CHECK_FALSE(ResponseApdu::Parse(Hex("90")).HasValue());
  STRCMP_EQUAL("6A82 (file not found)", kiosk::idcard::DescribeStatus(0x6A82).c_str());
  STRCMP_EQUAL("6CDF (wrong Le; card offers SW2 bytes)",
               kiosk::idcard::DescribeStatus(0x6CDF).c_str());
}
