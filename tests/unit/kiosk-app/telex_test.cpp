#include "test_prelude.h"

#include "kiosk/input/telex.h"

using kiosk::input::ComposeTelex;
using kiosk::input::ComposeTelexWord;
using kiosk::input::TelexComposer;

TEST_GROUP(Telex){};

TEST(Telex, ComposesTheExamplesOfTheIssue) {
  STRCMP_EQUAL("Việt Nam", ComposeTelex("Vieetj Nam").c_str());
  STRCMP_EQUAL("đường", ComposeTelex("dduwowngf").c_str());
}

TEST(Telex, VowelMarksAndStroke) {
  STRCMP_EQUAL("â ă ê ô ơ ư đ Đ", ComposeTelex("aa aw ee oo ow uw dd DD").c_str());
  STRCMP_EQUAL("ư", ComposeTelexWord("w").c_str());
  STRCMP_EQUAL("tư", ComposeTelexWord("tw").c_str());
  STRCMP_EQUAL("Nguyễn Thị Bình", ComposeTelex("Nguyeenx Thij Binhf").c_str());
  STRCMP_EQUAL("Trần Văn Đức", ComposeTelex("Traanf Vawn DDuwcs").c_str());
  STRCMP_EQUAL("người", ComposeTelexWord("nguoiwf").c_str());
  STRCMP_EQUAL("Phường", ComposeTelexWord("Phuwowngf").c_str());
  STRCMP_EQUAL("tuấn", ComposeTelexWord("tuaans").c_str());
}

TEST(Telex, ToneKeyMayComeAnywhereInTheWord) {
  STRCMP_EQUAL("Việt", ComposeTelexWord("Vieejt").c_str());
  STRCMP_EQUAL("Việt", ComposeTelexWord("Viejet").c_str());
  STRCMP_EQUAL("tiếng", ComposeTelexWord("tieesng").c_str());
}

TEST(Telex, TonePlacementFollowsSpelling) {
  STRCMP_EQUAL("Hòa", ComposeTelexWord("Hoaf").c_str());      // open: first of two
  STRCMP_EQUAL("Thúy", ComposeTelexWord("Thuys").c_str());    // open: first of two
  STRCMP_EQUAL("hoàn", ComposeTelexWord("hoanf").c_str());    // closed: the last vowel
  STRCMP_EQUAL("khoái", ComposeTelexWord("khoais").c_str());  // three: the middle one
  STRCMP_EQUAL("quá", ComposeTelexWord("quas").c_str());      // the u of qu is a consonant
  STRCMP_EQUAL("giá", ComposeTelexWord("gias").c_str());      // the i of gi too
  STRCMP_EQUAL("mùa", ComposeTelexWord("muaf").c_str());
  STRCMP_EQUAL("mưa", ComposeTelexWord("muwa").c_str());
  STRCMP_EQUAL("hỏi", ComposeTelexWord("hoir").c_str());
  STRCMP_EQUAL("ngã", ComposeTelexWord("ngax").c_str());
}

TEST(Telex, RepeatingAModifierUndoesIt) {
  STRCMP_EQUAL("aa", ComposeTelexWord("aaa").c_str());
  STRCMP_EQUAL("as", ComposeTelexWord("ass").c_str());
  STRCMP_EQUAL("dd", ComposeTelexWord("ddd").c_str());
  STRCMP_EQUAL("aw", ComposeTelexWord("aww").c_str());
  STRCMP_EQUAL("a", ComposeTelexWord("asz").c_str());  // z removes the tone
  STRCMP_EQUAL("sa", ComposeTelexWord("sa").c_str());  // no vowel yet: a letter
}

TEST(Telex, NonLettersPassThrough) {
  STRCMP_EQUAL("Số 12, Phố Huế", ComposeTelex("Soos 12, Phoos Huees").c_str());
  STRCMP_EQUAL("", ComposeTelex("").c_str());
}

TEST(Telex, ComposerRecomposesTheWordOnEveryKeyAndBackspaces) {
  TelexComposer composer;
  for (char c : std::string("Vieetj")) composer.Key(c);
  STRCMP_EQUAL("Việt", composer.Text().c_str());
  composer.Backspace();  // the tone key goes
  STRCMP_EQUAL("Viêt", composer.Text().c_str());
  composer.Key('j');
  composer.Key(' ');
  for (char c : std::string("Nam")) composer.Key(c);
  STRCMP_EQUAL("Việt Nam", composer.Text().c_str());
  composer.Backspace();
  composer.Backspace();
  composer.Backspace();
  composer.Backspace();  // the space
  STRCMP_EQUAL("Việt", composer.Text().c_str());
  composer.Backspace();  // "ệ…t": the last letter of a committed word
  STRCMP_EQUAL("Việ", composer.Text().c_str());
  composer.Clear();
  CHECK(composer.Empty());
}

// The keyboard's mark and tone keys: someone who does not know Telex types
// the letters, then touches "ư", "ơ" and the tone.
TEST(Telex, MarkAndToneKeysMarkTheWordBeingTyped) {
  TelexComposer c;
  for (char k : std::string("Nguyen")) c.Key(k);
  CHECK(c.Mark("ê"));
  CHECK(c.Tone('x'));
  STRCMP_EQUAL("Nguyễn", c.Text().c_str());
  c.Key(' ');
  for (char k : std::string("truong")) c.Key(k);
  CHECK(c.Mark("ư"));
  CHECK(c.Mark("ơ"));
  CHECK(c.Tone('f'));
  STRCMP_EQUAL("Nguyễn trường", c.Text().c_str());
  c.Key(' ');
  for (char k : std::string("dang")) c.Key(k);
  CHECK(c.Mark("đ"));
  CHECK(c.Mark("ă"));
  CHECK(c.Tone('j'));
  STRCMP_EQUAL("Nguyễn trường đặng", c.Text().c_str());
  // Pressed twice, a mark comes off; with no letter to take it, it is typed.
  TelexComposer d;
  d.Key('c');
  CHECK(d.Mark("â"));
  STRCMP_EQUAL("câ", d.Text().c_str());
  CHECK(d.Mark("â"));
  STRCMP_EQUAL("caa", d.Text().c_str());
  TelexComposer e;
  CHECK(e.Mark("ô"));
  STRCMP_EQUAL("ô", e.Text().c_str());
  CHECK_FALSE(e.Mark("x"));
  TelexComposer f;
  CHECK_FALSE(f.Tone('s'));  // no word to mark
  CHECK_FALSE(f.Tone('q'));
  for (char k : std::string("Hoa")) f.Key(k);
  CHECK(f.Tone('f'));
  STRCMP_EQUAL("Hòa", f.Text().c_str());
}
