#include "test_prelude.h"

#include "kiosk/core/text.h"

using namespace kiosk::core;  // NOLINT(google-build-using-namespace): test file

TEST_GROUP(Text){};

TEST(Text, DecomposedVietnameseIsComposed) {
  // "Nguyễn" with e + combining circumflex + combining tilde (NFD).
  const std::string nfd = "Nguye\xCC\x82\xCC\x83n";
  const std::string nfc = "Nguy\xE1\xBB\x85n";
  STRCMP_EQUAL(nfc.c_str(), NormalizeNfc(nfd)->c_str());
  STRCMP_EQUAL(nfc.c_str(), NormalizeNfc(nfc)->c_str());
}

TEST(Text, EveryVietnameseVowelWithToneSurvivesNormalization) {
  const std::string all = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđĐ";
  STRCMP_EQUAL(all.c_str(), NormalizeNfc(all)->c_str());
}

TEST(Text, MalformedUtf8IsRejected) {
  CHECK_FALSE(IsValidUtf8("\xC3"));
  CHECK_FALSE(IsValidUtf8("\xED\xA0\x80"));  // surrogate
  CHECK_FALSE(IsValidUtf8("\xC0\xAF"));      // overlong '/'
  STRCMP_EQUAL("text.bad_utf8", NormalizeNfc("ab\xFF").GetError().Code().c_str());
  CHECK_TRUE(IsValidUtf8("Việt Nam"));
}

TEST(Text, TrimRemovesSpacesAndCarriageReturns) {
  STRCMP_EQUAL("a b", std::string(TrimAscii("  a b \r\n")).c_str());
  STRCMP_EQUAL("", std::string(TrimAscii(" \t ")).c_str());
}

TEST(Text, ToUpperKeepsEveryToneMark) {
  STRCMP_EQUAL("NGUYỄN ĐỨC ỶẢNH", ToUpper("Nguyễn Đức ỷảnh")->c_str());
  CHECK_FALSE(ToUpper("\xC3").HasValue());
}

TEST(Text, FoldToAsciiRemovesDiacriticsAndD) {
  STRCMP_EQUAL("Nguyen Duc Anh", FoldToAscii("Nguyễn Đức Anh")->c_str());
  STRCMP_EQUAL("Ho Thi Hue, Thua Thien Hue", FoldToAscii("Hồ Thị Huế, Thừa Thiên Huế")->c_str());
  STRCMP_EQUAL("H'mong Y Sua", FoldToAscii("H'mông Y Sủa")->c_str());
}

TEST(Text, CodePointsRoundTripVietnamese) {
  const std::string text = "Đặng Thị Ngọc Ánh ữ ỹ";
  const auto points = ToCodePoints(text);
  LONGS_EQUAL(21, points.size());
  CHECK(points[0] == U'Đ');
  STRCMP_EQUAL(text.c_str(), FromCodePoints(points).c_str());
  CHECK(ToCodePoints("a\xFF")[1] == U'\uFFFD');
}

TEST(Text, EditDistanceCountsCodePoints) {
  LONGS_EQUAL(0, EditDistance(U"", U""));
  LONGS_EQUAL(3, EditDistance(U"", U"abc"));
  LONGS_EQUAL(1, EditDistance(U"hòa", U"hoa"));
  LONGS_EQUAL(3, EditDistance(U"kitten", U"sitting"));
}

TEST(Text, CharacterErrorRateIgnoresLayoutWhitespaceAndComposition) {
  DOUBLES_EQUAL(0.0, CharacterErrorRate("Nguyễn  Văn\nAn ", " Nguye\xCC\x82\xCC\x83n Văn An"),
                1e-9);
  DOUBLES_EQUAL(0.25, CharacterErrorRate("abcd", "abXd"), 1e-9);
  DOUBLES_EQUAL(1.0, CharacterErrorRate("", "x"), 1e-9);
  DOUBLES_EQUAL(0.0, CharacterErrorRate("", " "), 1e-9);
}
