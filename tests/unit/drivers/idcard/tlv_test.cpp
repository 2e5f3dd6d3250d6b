#include "test_prelude.h"

#include "kiosk/core/encoding.h"
#include "kiosk/idcard/tlv.h"

using kiosk::core::HexEncode;
using namespace kiosk::idcard;  // NOLINT(google-build-using-namespace): test file
using kiosk::test::Hex;

TEST_GROUP(Tlv){};

TEST(Tlv, ShortFormLength) {
  const auto bytes = Hex("5F0102ABCD");
  auto tlv = ParseSingleTlv(bytes);
  CHECK_TRUE(tlv.HasValue());
  LONGS_EQUAL(0x5F01, tlv->tag);
  STRCMP_EQUAL("abcd", HexEncode(tlv->value).c_str());
  CHECK_FALSE(tlv->IsConstructed());
}

TEST(Tlv, LongFormLengths81And82) {
  kiosk::core::Bytes v81 = Hex("0C81C8");
  v81.resize(3 + 200, 0x41);
  LONGS_EQUAL(200, ParseSingleTlv(v81)->value.size());
  kiosk::core::Bytes v82 = Hex("75820140");
  v82.resize(4 + 0x140, 0x00);
  auto tlv = ParseSingleTlv(v82);
  LONGS_EQUAL(0x75, tlv->tag);
  LONGS_EQUAL(0x140, tlv->value.size());
  CHECK_TRUE(tlv->IsConstructed());
}

TEST(Tlv, ThreeByteTagsAndNesting) {
  const auto bytes =
      Hex("7F6109"
          "0201"
          "01"
          "7F6003"
          "A10100");
  auto tlv = ParseSingleTlv(bytes);
  LONGS_EQUAL(0x7F61, tlv->tag);
  auto children = tlv->Children();
  CHECK_TRUE(children.HasValue());
  LONGS_EQUAL(2, children->size());
  LONGS_EQUAL(0x7F60, (*children)[1].tag);
  LONGS_EQUAL(0x9F9F01, ParseSingleTlv(Hex("9F9F010100"))->tag);
}

TEST(Tlv, TruncatedValueIsRejected) {
  auto r = ParseSingleTlv(Hex("610A5F1F"));
  CHECK_FALSE(r.HasValue());
  STRCMP_EQUAL("tlv.malformed", r.GetError().Code().c_str());
  CHECK_FALSE(ParseSingleTlv(Hex("6182")).HasValue());
  CHECK_FALSE(ParseSingleTlv(Hex("5F")).HasValue());
  CHECK_FALSE(ParseSingleTlv(Hex("")).HasValue());
}

TEST(Tlv, OverlongLengthFieldsAreRejected) {
  CHECK_FALSE(ParseSingleTlv(Hex("61840000000100")).HasValue());
  CHECK_FALSE(ParseSingleTlv(Hex("618000")).HasValue());  // indefinite
  CHECK_FALSE(ParseSingleTlv(Hex("6182FFFF00")).HasValue());
  CHECK_FALSE(ParseSingleTlv(Hex("7FFFFF0100")).HasValue());  // four-byte tag
}

TEST(Tlv, TrailingBytesAfterASingleTlvAreRejected) {
  CHECK_FALSE(ParseSingleTlv(Hex("0101AA00")).HasValue());
  LONGS_EQUAL(2, ParseTlvs(Hex("0101AA0100"))->size());
}

TEST(Tlv, EncodingUsesTheShortestLength) {
  STRCMP_EQUAL("8e0401020304", HexEncode(EncodeTlv(0x8E, Hex("01020304"))).c_str());
  STRCMP_EQUAL("8180", HexEncode(EncodeLength(128)).c_str());
  STRCMP_EQUAL("820100", HexEncode(EncodeLength(256)).c_str());
  STRCMP_EQUAL("7f4900", HexEncode(EncodeTlv(0x7F49, {})).c_str());
  const auto big = EncodeTlv(0x75, kiosk::core::Bytes(40000, 1));
  LONGS_EQUAL(40000, ParseSingleTlv(big)->value.size());
}

TEST(Tlv, FindAndRequireTags) {
  const auto bytes =
      Hex("800101"
          "830102");
  auto items = *ParseTlvs(bytes);
  CHECK_TRUE(FindTag(items, 0x83).has_value());
  CHECK_FALSE(FindTag(items, 0x84).has_value());
  auto missing = RequireTag(items, 0x84, "parameter id");
  CHECK(missing.GetError().Message().find("parameter id") != std::string::npos);
}
