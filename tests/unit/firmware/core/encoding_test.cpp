#include "test_prelude.h"

#include "kiosk/core/encoding.h"

using namespace kiosk::core;  // NOLINT(google-build-using-namespace): test file

TEST_GROUP(Encoding){};

TEST(Encoding, HexRoundTrip) {
  const Bytes b{0x00, 0x01, 0xab, 0xff};
  STRCMP_EQUAL("0001abff", HexEncode(b).c_str());
  CHECK(*HexDecode("0001ABff") == b);
  CHECK(HexDecode("")->empty());
}

TEST(Encoding, HexRejectsOddLengthAndNonDigits) {
  STRCMP_EQUAL("encoding.bad_hex", HexDecode("abc").GetError().Code().c_str());
  STRCMP_EQUAL("encoding.bad_hex", HexDecode("zz").GetError().Code().c_str());
  STRCMP_EQUAL("encoding.bad_hex", HexDecode("0 ").GetError().Code().c_str());
}

// RFC 4648 §10 test vectors.
TEST(Encoding, Base64MatchesRfc4648Vectors) {
  const char* plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char* encoded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  for (int i = 0; i < 7; ++i) {
    STRCMP_EQUAL(encoded[i], Base64Encode(AsBytes(plain[i])).c_str());
    auto decoded = Base64Decode(encoded[i]);
    CHECK_TRUE(decoded.HasValue());
    STRCMP_EQUAL(plain[i], std::string(AsChars(*decoded)).c_str());
  }
}

TEST(Encoding, Base64UrlHasNoPaddingAndUrlAlphabet) {
  const Bytes b{0xfb, 0xff, 0xbf};
  STRCMP_EQUAL("-_-_", Base64UrlEncode(b).c_str());
  STRCMP_EQUAL("Zg", Base64UrlEncode(AsBytes("f")).c_str());
  CHECK(*Base64UrlDecode("-_-_") == b);
  STRCMP_EQUAL("f", std::string(AsChars(*Base64UrlDecode("Zg"))).c_str());
}

TEST(Encoding, Base64UrlRejectsPaddingAndForeignCharacters) {
  CHECK_FALSE(Base64UrlDecode("Zg==").HasValue());
  CHECK_FALSE(Base64UrlDecode("+/+/").HasValue());
  CHECK_FALSE(Base64UrlDecode("Z").HasValue());
}

TEST(Encoding, Base64RejectsNonCanonicalTrailingBits) {
  // "Zh==" decodes to the same byte as "Zg==" if the low bits are ignored.
  CHECK_FALSE(Base64Decode("Zh==").HasValue());
  CHECK_FALSE(Base64UrlDecode("Zh").HasValue());
}

TEST(Encoding, Base64RejectsMisplacedPadding) {
  CHECK_FALSE(Base64Decode("Zg=a").HasValue());
  CHECK_FALSE(Base64Decode("Z===").HasValue());
  CHECK_FALSE(Base64Decode("Zg=").HasValue());
  CHECK_FALSE(Base64Decode("====").HasValue());
}
