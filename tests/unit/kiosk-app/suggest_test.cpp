// Suggestions for words typed without marks: folding, the order in a name
// and elsewhere, capitals, and Debian's dictionary as installed.
#include "test_prelude.h"

#include "kiosk/input/suggest.h"

using kiosk::input::FoldVietnamese;
using kiosk::input::Suggester;
using kiosk::input::WordKind;

TEST_GROUP(Suggest){};

TEST(Suggest, FoldingDropsEveryMarkAndCase) {
  STRCMP_EQUAL("nguyen", FoldVietnamese("Nguyễn").c_str());
  STRCMP_EQUAL("dang duc thuy", FoldVietnamese("ĐẶNG Đức Thúy").c_str());
  STRCMP_EQUAL("quang nam, 49", FoldVietnamese("Quảng Nam, 49").c_str());
  STRCMP_EQUAL("aaaaaaaaaaaaaaaaaa", FoldVietnamese("aàảãáạăằẳẵắặâầẩẫấậ").c_str());
}

TEST(Suggest, InANameSurnamesLeadTheFirstWordAndGivenNamesTheOthers) {
  const auto s = Suggester::FromLines({"hoa", "hòa", "hóa", "họa", "hỏa", "le", "lê", "lễ"},
                                      {"surname Lê", "surname Hoàng", "given Hòa", "given Hoa"});
  auto first = s.For("le", WordKind::kFirstOfName);
  STRCMP_EQUAL("Lê", first.at(0).c_str());
  auto given = s.For("hoa", WordKind::kInName);
  STRCMP_EQUAL("Hòa", given.at(0).c_str());
  STRCMP_EQUAL("Hoa", given.at(1).c_str());
  LONGS_EQUAL(5, given.size());
  LONGS_EQUAL(2, s.For("hoa", WordKind::kInName, 2).size());
  // Elsewhere: the dictionary's order, in the case typed.
  STRCMP_EQUAL("hoa", s.For("hoa", WordKind::kOther).at(0).c_str());
  STRCMP_EQUAL("Hoa", s.For("Hoa", WordKind::kOther).at(0).c_str());
  CHECK(s.For("xyz", WordKind::kOther).empty());
  CHECK(s.For("", WordKind::kOther).empty());
}

TEST(Suggest, DebiansDictionaryAndTheNamesListGiveAThreeWordName) {
  auto s = Suggester::Load("/usr/share/hunspell/vi_VN.dic",
                           kiosk::test::SourcePath("kiosk-app/input/data/names-vi.txt"));
  CHECK_TRUE_TEXT(s.HasValue(), s ? "" : s.GetError().ToString().c_str());
  CHECK(s->Size() > 6000);  // every Vietnamese syllable, not the acronyms
  STRCMP_EQUAL("Nguyễn", s->For("nguyen", WordKind::kFirstOfName).at(0).c_str());
  STRCMP_EQUAL("Văn", s->For("van", WordKind::kInName).at(0).c_str());
  STRCMP_EQUAL("Thị", s->For("thi", WordKind::kInName).at(0).c_str());
  STRCMP_EQUAL("An", s->For("an", WordKind::kInName).at(0).c_str());
  STRCMP_EQUAL("Đặng", s->For("dang", WordKind::kFirstOfName).at(0).c_str());
  CHECK(s->For("ABC", WordKind::kOther).empty());
  STRCMP_EQUAL("io.absent",
               Suggester::Load("/nonexistent.dic", "/nonexistent.txt").GetError().Code().c_str());
}
