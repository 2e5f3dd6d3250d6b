#include "test_prelude.h"

#include "kiosk/i18n/translator.h"
#include "kiosk/ui/palette.h"
#include "kiosk/ui/script.h"
#include "test_support.h"

using namespace kiosk;

TEST_GROUP(Palette){};

TEST(Palette, ContrastRatioMatchesWcagExamples) {
  DOUBLES_EQUAL(21.0, ui::ContrastRatio({0, 0, 0}, {255, 255, 255}), 0.01);
  DOUBLES_EQUAL(1.0, ui::ContrastRatio({120, 120, 120}, {120, 120, 120}), 0.001);
  // #767676 on white is the classic 4.54:1.
  DOUBLES_EQUAL(4.54, ui::ContrastRatio({0x76, 0x76, 0x76}, {255, 255, 255}), 0.01);
}

TEST(Palette, EveryTextPairIsAtLeastSevenToOne) {
  for (const auto& pair : ui::TextPairs(ui::DefaultPalette())) {
    const double ratio = ui::ContrastRatio(pair.text, pair.background);
    CHECK_TEXT(ratio >= 7.0, (std::string(pair.name) + ": " + std::to_string(ratio)).c_str());
  }
}

TEST_GROUP(Translator){};

TEST(Translator, ReadsTheCompiledVietnameseCatalog) {
  auto tr = i18n::Translator::Load(KIOSK_TEST_LOCALE_DIR, {"vi", "en"});
  CHECK_TEXT(tr.HasValue(), tr ? "" : tr.GetError().ToString().c_str());
  STRCMP_EQUAL("Bắt đầu làm thủ tục", (*tr)("Start a procedure"));
  tr->SetLanguage("en");
  STRCMP_EQUAL("Start a procedure", (*tr)("Start a procedure"));
  tr->SetLanguage("vi");
  STRCMP_EQUAL("not in the catalog", (*tr)("not in the catalog"));
}

TEST(Translator, RefusesWhatIsNotAMoFile) {
  CHECK_FALSE(i18n::MessageCatalog::Parse({1, 2, 3}).HasValue());
  std::vector<std::uint8_t> bad(28, 0);
  bad[0] = 0xde;
  bad[1] = 0x12;
  bad[2] = 0x04;
  bad[3] = 0x95;
  bad[8] = 0xff;  // a huge message count
  CHECK_FALSE(i18n::MessageCatalog::Parse(bad).HasValue());
}

TEST_GROUP(Script){};

TEST(Script, ParsesCommandsAndSkipsComments) {
  auto steps =
      ui::ParseScript("# a comment\n\nexpect attract\ntap start\n  keys Vieetj Nam  \nidle 95\n");
  CHECK_TEXT(steps.HasValue(), steps ? "" : steps.GetError().ToString().c_str());
  LONGS_EQUAL(4, steps->size());
  STRCMP_EQUAL("keys", (*steps)[2].command.c_str());
  STRCMP_EQUAL("Vieetj Nam", (*steps)[2].argument.c_str());
  LONGS_EQUAL(5, (*steps)[2].line);
}

TEST(Script, ReportsTheLineOfAMistake) {
  auto bad = ui::ParseScript("tap start\nexpect nowhere\n");
  CHECK_FALSE(bad.HasValue());
  CHECK(bad.GetError().Message().find("line 2") != std::string::npos);
  CHECK_FALSE(ui::ParseScript("dance\n").HasValue());
  CHECK_FALSE(ui::ParseScript("keys Việt\n").HasValue());  // Telex keys are ASCII
  CHECK_FALSE(ui::ParseScript("digits 12a\n").HasValue());
  CHECK_FALSE(ui::ParseScript("idle soon\n").HasValue());
  CHECK_FALSE(ui::ParseScript("tap\n").HasValue());
  CHECK_FALSE(ui::ParseScript("lang fr\n").HasValue());
}

TEST(Script, TheShippedScriptsParse) {
  std::vector<std::filesystem::path> scripts{test::SourcePath("kiosk-app/scripts/tour.script")};
  for (const auto& e :
       std::filesystem::directory_iterator(test::SourcePath("kiosk-app/scripts/journeys"))) {
    scripts.push_back(e.path());
  }
  CHECK(scripts.size() >= 13);
  for (const auto& path : scripts) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    auto steps = ui::ParseScript(text.str());
    CHECK_TEXT(steps.HasValue(), path.c_str());
  }
}
