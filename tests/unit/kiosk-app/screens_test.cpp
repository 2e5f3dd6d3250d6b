// The screens without rendering: an ImGui context with no window behind it
// draws a screen from a real journey's state, a tap is a press and release
// at the centre of a widget's rectangle, and the test reads which intents
// the screen emitted. Nothing is applied unless the test applies it.
// ImGui's header before CppUTest's, whose tracking redefines `new`.
#include <imgui.h>

#include "test_prelude.h"

#include "journey_bench.h"
#include "kiosk/i18n/translator.h"
#include "kiosk/input/suggest.h"
#include "kiosk/journey/intents.h"
#include "kiosk/journey/journey.h"
#include "kiosk/ui/prompts.h"
#include "kiosk/ui/ui.h"
#include "screen_bench.h"

using namespace kiosk;  // NOLINT(google-build-using-namespace): test file
using journey::Intent;
using journey::Screen;

TEST_GROUP_BASE(Screens, test::JourneyBench) {
  journey::InlineExecutor executor;
  std::unique_ptr<journey::Journey> journey;
  std::optional<i18n::Translator> tr;
  ImGuiContext* context = nullptr;
  std::unique_ptr<ui::KioskUi> screen;
  std::vector<Intent> intents;

  void setup() override {
    MakeDevices();
    journey = MakeJourney(executor);
    tr.emplace(std::move(i18n::Translator::Load(KIOSK_TEST_LOCALE_DIR, {"vi", "en"})).Value());
    ImFont* font = nullptr;
    context = test::HeadlessImGui(&font);
    screen = std::make_unique<ui::KioskUi>(*journey, *tr, ui::Fonts{font, font, font, font});
    screen->SetIntentSink([this](Intent i) { intents.push_back(std::move(i)); });
  }

  void teardown() override {
    screen.reset();
    ImGui::DestroyContext(context);
  }

  void Frame(float x = -1, float y = -1, bool down = false) {
    test::DrawFrame(*screen, x, y, down);
  }

  // The card of p01 read from its QR code, then the procedure's form.
  void OnTheFormOf(const char* code) {
    journey->Start();
    journey->IdentifyWith(journey::KeySource::kQr,
                          "049090100001|205100001|Nguyễn Văn An|15051990|Nam|Số 12 Phan Bội "
                          "Châu, Phường Tân Thạnh, Tam Kỳ, Quảng Nam|01062021");
    journey->Poll();
    CHECK_TEXT(journey->CurrentScreen() == Screen::kChooseProcedure, journey->Message().c_str());
    journey->ChooseProcedure(code);
    CHECK(journey->CurrentScreen() == Screen::kReviewForm);
  }

  // Draws, then presses and releases `id`; returns the intents of the tap.
  std::vector<std::string> Tap(const std::string& id) {
    Frame();
    const auto& widgets = screen->Widgets();
    const auto found = widgets.find(id);
    if (found == widgets.end()) FAIL(("no widget " + id).c_str());
    const ui::Rect r = found->second;
    intents.clear();
    Frame(r.CenterX(), r.CenterY(), true);
    Frame(r.CenterX(), r.CenterY(), false);
    std::vector<std::string> names;
    for (const auto& i : intents) names.emplace_back(journey::NameOf(i));
    return names;
  }

  bool Shows(const std::string& id) {
    Frame();
    return screen->Widgets().count(id) != 0;
  }

  // Applies what the screen asked: the journey moves as it would on a kiosk.
  void ApplyAll() {
    for (auto& i : intents) journey::Apply(*journey, std::move(i));
    intents.clear();
  }
};

TEST(Screens, TheAttractScreensThreeWaysIn) {
  CHECK((std::vector<std::string>{"activity", "start"}) == Tap("start"));
  CHECK((std::vector<std::string>{"activity", "start_lookup"}) == Tap("lookup"));
  CHECK((std::vector<std::string>{"activity", "take_ticket"}) == Tap("ticket"));
  // The screen asked; the journey was not touched.
  CHECK(journey->CurrentScreen() == Screen::kAttract);
}

TEST(Screens, OutOfServiceOffersNothingToStart) {
  journey->SetOutOfService(true);
  CHECK_FALSE(Shows("start"));
  CHECK_FALSE(Shows("ticket"));
}

TEST(Screens, ANameIsTypedWithoutMarksAndPickedWritten) {
  const auto suggester =
      input::Suggester::FromLines({"mai", "mài", "mãi", "nguyễn", "nguyên", "thi", "thì", "thị"},
                                  {"surname Nguyễn", "middle Thị", "given Mai"});
  screen->SetSuggester(&suggester);
  OnTheFormOf("1.001193");
  CHECK(journey->CurrentScreen() == Screen::kReviewForm);
  Tap("field.child_name");
  CHECK_FALSE(Shows("suggest.0"));  // nothing typed, nothing offered
  for (const char* word : {"nguyen", "thi", "mai"}) {
    for (const char* c = word; *c != '\0'; ++c) Tap(std::string("key.") + *c);
    CHECK(Shows("suggest.0"));
    Tap("suggest.0");
    if (std::string(word) != "mai") Tap("key.space");
  }
  Tap("key.done");
  auto* set = std::get_if<journey::intent::SetField>(&intents.back());
  CHECK(set != nullptr);
  STRCMP_EQUAL("child_name", set->id.c_str());
  STRCMP_EQUAL("Nguyễn Thị Mai", set->value.c_str());
}

TEST(Screens, APlaceOfBirthIsPickedFromTheKiosksListOrTypedAsAnotherAnswer) {
  OnTheFormOf("1.001193");
  // The kiosk's config names its commune's health facilities (the bench's two).
  for (const auto& place : journey->Config().health_facilities) {
    CHECK_TEXT(Shows("choice.child_birth_place." + place), place.c_str());
  }
  CHECK(Shows("choice.child_birth_place.Tại nhà"));
  Tap("choice.child_birth_place." + journey->Config().health_facilities.front());
  auto* set = std::get_if<journey::intent::SetField>(&intents.back());
  CHECK(set != nullptr);
  STRCMP_EQUAL(journey->Config().health_facilities.front().c_str(), set->value.c_str());
  // Another answer: the keyboard, and the answer is what was typed.
  Tap("other.child_birth_place");
  STRCMP_EQUAL("field.child_birth_place", screen->Editing().c_str());
  for (const char c : std::string("tai nha ba ngoai")) {
    Tap(c == ' ' ? std::string("key.space") : std::string("key.") + c);
  }
  Tap("key.done");
  set = std::get_if<journey::intent::SetField>(&intents.back());
  STRCMP_EQUAL("tai nha ba ngoai", set->value.c_str());
}

TEST(Screens, AChoiceOnTheFormIsAFieldValueNotTyping) {
  OnTheFormOf("1.004873");
  (void)screen->TakeTouched();
  Tap("choice.marital_status.single");
  // What was picked is said back once, in the citizen's language.
  const std::string touched = screen->TakeTouched();
  CHECK_FALSE(touched.empty());
  STRCMP_EQUAL("", screen->TakeTouched().c_str());
  LONGS_EQUAL(2, intents.size());
  auto* set = std::get_if<journey::intent::SetField>(&intents.back());
  CHECK(set != nullptr);
  STRCMP_EQUAL("marital_status", set->id.c_str());
  STRCMP_EQUAL("single", set->value.c_str());
  ApplyAll();
  STRCMP_EQUAL("single",
               journey->CurrentSession()->fields.at("marital_status").value.Reveal().c_str());
  CHECK((std::vector<std::string>{"activity", "back"}) == Tap("back"));
}

// "Nhờ cán bộ hỗ trợ" and "Chữ to" are on every screen a citizen passes,
// and under the help panel nothing else can be touched.
TEST(Screens, HelpAndLargerTextAreOneTouchAwayOnEveryScreen) {
  link::HelpMailbox line(dir.Path() / "help");
  journey->SetHelpLine(&line);
  auto both = [&](const char* where) {
    CHECK_TEXT(Shows("help"), where);
    CHECK_TEXT(Shows("text.size"), where);
  };
  both("attract");
  CHECK((std::vector<std::string>{"activity", "set_large_text"}) == Tap("text.size"));
  ApplyAll();
  CHECK(journey->LargeText());
  journey->Start();
  both("identify");
  OnTheFormOf("1.001193");
  both("review_form");
  CHECK((std::vector<std::string>{"activity", "call_help"}) == Tap("help"));
  ApplyAll();
  CHECK(journey->HelpStatus().shown);
  CHECK(Shows("help.hide"));
  CHECK_FALSE(Shows("next"));  // under the panel
  CHECK_FALSE(Shows("field.child_name"));
  CHECK((std::vector<std::string>{"activity", "officer_pin_start"}) == Tap("help.officer"));
  ApplyAll();
  for (const char* key : {"officer.4", "officer.8", "officer.2", "officer.1"}) Tap(key);
  CHECK((std::vector<std::string>{"activity", "officer_pin"}) == Tap("officer.ok"));
  STRCMP_EQUAL("4821", std::get<journey::intent::OfficerPin>(intents.at(1)).pin.c_str());
  // The next citizen starts with the kiosk's text size.
  journey->Cancel();
  CHECK_FALSE(journey->LargeText());
}

// Decision 766's satisfaction question nudges nobody: the three answers and
// "Bỏ qua" look alike, are the same size, and come in the same order.
TEST(Screens, EveryAnswerToTheRatingLooksTheSame) {
  OnTheFormOf("1.004873");
  CHECK(journey->SetField("marital_status", "single"));
  CHECK(journey->SetField("purpose", "Kết hôn"));
  journey->Next();
  journey->Next();
  journey->Next();
  journey->SetConsent(true);
  journey->Confirm();
  journey->Poll();
  CHECK_TEXT(journey->CurrentScreen() == Screen::kReceipt, journey->Message().c_str());
  journey->Poll();  // the receipt printed
  journey->Next();
  CHECK_TEXT(journey->CurrentScreen() == Screen::kRating,
             journey::ToString(journey->CurrentScreen()));
  Frame();
  const auto& w = screen->Widgets();
  const ui::Rect& best = w.at("rate.3");
  for (const char* id : {"rate.3", "rate.2", "rate.1", "next"}) {
    STRCMP_EQUAL_TEXT("secondary", w.at(id).look.c_str(), id);
  }
  for (const char* id : {"rate.2", "rate.1"}) {
    DOUBLES_EQUAL(best.w, w.at(id).w, 0.5);
    DOUBLES_EQUAL(best.h, w.at(id).h, 0.5);
  }
  CHECK(best.y < w.at("rate.2").y && w.at("rate.2").y < w.at("rate.1").y);
}

// "Xóa hết" takes away everything typed at once; the mark keys mark the
// word being typed.
TEST(Screens, ClearAllAndTheMarkKeys) {
  OnTheFormOf("1.001193");
  Tap("field.child_name");
  CHECK_FALSE(Shows("editor.clear"));  // nothing to clear yet
  for (const char* key : {"key.n", "key.g", "key.u", "key.y", "key.e", "key.n"}) Tap(key);
  Tap("key.ê");
  Tap("key.ngã");
  Tap("key.done");
  STRCMP_EQUAL("nguyễn", std::get<journey::intent::SetField>(intents.back()).value.c_str());
  Tap("field.child_name");
  for (const char* key : {"key.a", "key.n"}) Tap(key);
  CHECK(Shows("editor.clear"));
  Tap("editor.clear");
  CHECK_FALSE(Shows("editor.clear"));
  Tap("key.done");
  STRCMP_EQUAL("", std::get<journey::intent::SetField>(intents.back()).value.c_str());
}

// "Làm lại từ đầu" looks apart and asks before a dossier under way is lost.
TEST(Screens, StartingOverAsksFirstWhenThereIsADossierToLose) {
  journey->Start();
  CHECK((std::vector<std::string>{"activity", "cancel"}) == Tap("cancel"));  // nothing yet
  ApplyAll();
  OnTheFormOf("1.001193");
  STRCMP_EQUAL("danger", screen->Widgets().at("cancel").look.c_str());
  CHECK((std::vector<std::string>{"activity"}) == Tap("cancel"));
  CHECK(Shows("start_over.no"));
  CHECK_FALSE(Shows("next"));  // under the question
  CHECK((std::vector<std::string>{"activity"}) == Tap("start_over.no"));
  CHECK(Shows("next"));
  Tap("cancel");
  CHECK((std::vector<std::string>{"activity", "cancel"}) == Tap("start_over.yes"));
}

// When the receipt cannot be printed, its look-up is on the screen as a QR
// code for the citizen's phone, besides "In lại".
TEST(Screens, AReceiptThePrinterCouldNotPrintIsAQrOnTheScreen) {
  OnTheFormOf("1.004873");
  CHECK(journey->SetField("marital_status", "single"));
  CHECK(journey->SetField("purpose", "Kết hôn"));
  journey->Next();
  journey->Next();
  journey->Next();
  journey->SetConsent(true);
  printer.SetStatus(printer::PrinterStatus::kPaperOut);
  journey->Confirm();
  journey->Poll();  // sealed
  journey->Poll();  // printed, or not
  CHECK(journey->CurrentScreen() == Screen::kReceipt);
  STRCMP_EQUAL("printer.paper_out", journey->PrintProblem().c_str());
  CHECK(Shows("reprint"));
  CHECK(Shows("receipt.qr"));
  printer.SetStatus(printer::PrinterStatus::kReady);
  Tap("reprint");
  ApplyAll();
  journey->Poll();
  STRCMP_EQUAL("", journey->PrintProblem().c_str());
  CHECK_FALSE(Shows("receipt.qr"));
}

// A kiosk without an audio device has no voice buttons; "Nhờ cán bộ hỗ trợ"
// keeps a button wide enough for its words.
TEST(Screens, WithoutVoiceTheHelpButtonKeepsItsWidth) {
  link::HelpMailbox line(dir.Path() / "help");
  journey->SetHelpLine(&line);
  Frame();
  CHECK(screen->Widgets().at("help").w >= 300);
  CHECK(screen->Widgets().count("voice.toggle") == 0);
}

TEST(Screens, SearchStartsAfreshCanBeClearedAndNeverLeavesAnEmptyList) {
  OnTheFormOf("1.001193");
  journey->Back();
  CHECK(journey->CurrentScreen() == Screen::kChooseProcedure);
  journey->SetSearch("chứng nhận");
  // Cleared with one touch.
  CHECK(Shows("search.clear"));
  Tap("search.clear");
  ApplyAll();
  STRCMP_EQUAL("", journey->CurrentSession()->search.c_str());
  CHECK_FALSE(Shows("search.clear"));
  // A category chip browses the category whole: the old words go.
  journey->SetSearch("cong chung");
  Tap("category.civil_status");
  ApplyAll();
  STRCMP_EQUAL("", journey->CurrentSession()->search.c_str());
  CHECK(Shows("procedure.1.001193"));
  // Reopening the search starts from nothing: typing does not append.
  journey->SetSearch("chứng nhận");
  Tap("search");
  Tap("key.k");
  Tap("key.done");
  ApplyAll();
  STRCMP_EQUAL("k", journey->CurrentSession()->search.c_str());
  // Words nothing matches: every procedure, and the categories, still there.
  journey->SetSearch("xyzzy qwerty");
  CHECK(Shows("procedure.1.001193"));
  CHECK(Shows("procedure.2.000815"));
  CHECK(Shows("category.certification"));
  // A slip of the finger: the closest, first.
  journey->SetSearch("khia sinh");
  CHECK(Shows("procedure.1.001193"));
}

TEST(Screens, TheCounterStepIsOnTheIndicatorAndSaysEachTask) {
  OnTheFormOf("2.000884");
  CHECK(journey->SetField("document_title", "Giấy ủy quyền"));
  journey->Next();
  CHECK(journey->CurrentScreen() == Screen::kAtCounter);
  CHECK(Shows("next"));
  ui::Narrator narrator;
  const auto said = narrator.Next(*journey, *tr);
  CHECK(said.has_value());
  CHECK_TEXT(said->text.find("trước mặt cán bộ") != std::string::npos, said->text.c_str());
  CHECK_TEXT(said->text.find("Tiếp tục") != std::string::npos, said->text.c_str());
}
