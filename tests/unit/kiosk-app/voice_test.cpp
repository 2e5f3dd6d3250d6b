// The kiosk's voice: every screen and every problem has words in both
// languages; the narrator says each once, a problem before the screen; the
// synthesizer speaks each Vietnamese voice; the speaker cuts, replays and
// keeps quiet as asked.
#include "test_prelude.h"

#include <cmath>
#include <fstream>
#include <mutex>

#include "journey_bench.h"
#include "kiosk/i18n/translator.h"
#include "kiosk/ui/prompts.h"
#include "kiosk/voice/speaker.h"
#include "kiosk/voice/speech.h"

using namespace kiosk;  // NOLINT(google-build-using-namespace): test file
using journey::Screen;

namespace {

i18n::Translator Translator() {
  return std::move(i18n::Translator::Load(KIOSK_TEST_LOCALE_DIR, {"vi", "en"})).Value();
}

double Rms(const voice::Pcm& pcm) {
  double sum = 0;
  for (const auto s : pcm.samples) sum += static_cast<double>(s) * s;
  return pcm.samples.empty() ? 0 : std::sqrt(sum / static_cast<double>(pcm.samples.size()));
}

// What a sink was given; it outlives the sink (the speaker owns that).
struct Played {
  std::mutex mu;
  std::vector<std::pair<std::string, std::size_t>> played;
  std::vector<double> rms;
  int stops = 0;
};

class Recorder final : public voice::AudioSink {
 public:
  explicit Recorder(Played& log) : log_(log) {}
  core::Status Play(const voice::Pcm& pcm, const std::string& tag) override {
    const std::lock_guard lock(log_.mu);
    log_.played.emplace_back(tag, pcm.samples.size());
    log_.rms.push_back(Rms(pcm));
    return core::Ok();
  }
  void Stop() override {
    const std::lock_guard lock(log_.mu);
    ++log_.stops;
  }

 private:
  Played& log_;
};

}  // namespace

TEST_GROUP(Prompts){};

TEST(Prompts, EveryScreenHasAPromptInVietnameseAndEnglish) {
  auto tr = Translator();
  for (const Screen screen : journey::kAllScreens) {
    tr.SetLanguage("en");
    const std::string en = ui::ScreenPrompt(screen, tr);
    tr.SetLanguage("vi");
    const std::string vi = ui::ScreenPrompt(screen, tr);
    CHECK_TEXT(en.size() > 10, journey::ToString(screen));
    CHECK_TEXT(vi != en, (std::string("not translated: ") + en).c_str());
  }
}

TEST(Prompts, EveryProblemCodeHasWordsOfItsOwnInBothLanguages) {
  auto tr = Translator();
  for (const char* language : {"vi", "en"}) {
    tr.SetLanguage(language);
    const std::string general = ui::MessageText("no.such_code", tr);
    for (const auto& code : ui::KnownMessageCodes()) {
      const std::string words = ui::MessageText(code, tr);
      CHECK_TEXT(words != general && !words.empty(), code.c_str());
    }
  }
  // Families: any payment or scanner failure has words.
  STRCMP_EQUAL(ui::MessageText("payment.failed", tr).c_str(),
               ui::MessageText("payment.timeout", tr).c_str());
}

TEST_GROUP_BASE(Narrator, test::JourneyBench) {
  journey::InlineExecutor executor;
  std::unique_ptr<journey::Journey> journey;
  std::optional<i18n::Translator> tr;
  ui::Narrator narrator;
  void setup() override {
    MakeDevices();
    journey = MakeJourney(executor);
    tr.emplace(Translator());
  }
  std::string Said() {
    auto line = narrator.Next(*journey, *tr);
    return line ? line->tag + ": " + line->text : "";
  }
};

TEST(Narrator, SaysEachScreenOnceAProblemFirstAndAgainInANewLanguage) {
  CHECK(Said().rfind("attract: Kính chào", 0) == 0);
  STRCMP_EQUAL("", Said().c_str());  // nothing new, nothing said
  journey->Start();
  CHECK(Said().rfind("identify: Mời Ông/Bà đặt thẻ", 0) == 0);
  journey->IdentifyWith(journey::KeySource::kIdNumber, "12345");
  CHECK(Said().rfind("key.bad_id: ", 0) == 0);
  STRCMP_EQUAL("", Said().c_str());
  journey->SetLanguage("en");
  STRCMP_EQUAL(
      "identify: Please place your chip ID card on the reader, with the QR code facing up.",
      Said().c_str());
}

TEST_GROUP(Voice){};

TEST(Voice, EachVietnameseVoiceSpeaksAPromptOfPlausibleLength) {
  auto synthesizer = voice::Synthesizer::Open(150);
  CHECK_TRUE_TEXT(synthesizer.HasValue(),
                  synthesizer ? "" : synthesizer.GetError().ToString().c_str());
  const std::string vietnamese = "Đang đọc thẻ, xin Ông/Bà giữ yên thẻ trên đầu đọc.";
  const std::string english = "Reading your card. Please keep the card still on the reader.";
  for (const std::string name : {"vi", "vi-vn-x-central", "vi-vn-x-south", "en"}) {
    auto pcm = (*synthesizer)->Speak(name == "en" ? english : vietnamese, name);
    CHECK_TRUE_TEXT(pcm.HasValue(), name.c_str());
    const auto ms = pcm->Duration().count();
    // About 15 characters a second at 150 words a minute: 1.5 to 8 s here.
    CHECK_TEXT(ms > 1500 && ms < 8000, (name + " " + std::to_string(ms)).c_str());
    CHECK_TEXT(Rms(*pcm) > 500, name.c_str());
  }
  auto unknown = (*synthesizer)->Speak(vietnamese, "xx-no-such-voice");
  STRCMP_EQUAL("voice.unknown", unknown.GetError().Code().c_str());
}

TEST(Voice, AWavFileHoldsTheSamplesBehindAPcmHeader) {
  test::TempDir dir;
  voice::Pcm pcm{22050, {0, 1000, -1000, 32767, -32768}};
  CHECK_TRUE(voice::WriteWav(dir.Path() / "a.wav", pcm).HasValue());
  std::ifstream in(dir.Path() / "a.wav", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  LONGS_EQUAL(44 + 10, bytes.size());
  STRCMP_EQUAL("RIFF", bytes.substr(0, 4).c_str());
  STRCMP_EQUAL("WAVEfmt ", bytes.substr(8, 8).c_str());
  STRCMP_EQUAL("data", bytes.substr(36, 4).c_str());
  LONGS_EQUAL(22050, static_cast<unsigned char>(bytes[24]) | static_cast<unsigned char>(bytes[25])
                                                                 << 8);
  LONGS_EQUAL(1000, static_cast<std::int16_t>(static_cast<unsigned char>(bytes[46]) |
                                              static_cast<unsigned char>(bytes[47]) << 8));
}

TEST(Voice, TheSpeakerReplaysKeepsQuietWhenOffAndResetsForTheNextCitizen) {
  Played recorder;
  auto sink = std::make_unique<Recorder>(recorder);
  voice::VoiceSettings settings;
  voice::Speaker speaker(std::move(voice::Synthesizer::Open(150)).Value(), std::move(sink),
                         settings, voice::Speaker::Mode::kInline);
  speaker.Say("Xin chào.", "vi", "attract");
  speaker.Replay();
  speaker.SetEnabled(false);
  speaker.Say("Mời Ông/Bà chọn thủ tục.", "vi", "choose_procedure");
  speaker.Replay();  // off: nothing
  LONGS_EQUAL(2, recorder.played.size());
  STRCMP_EQUAL("attract", recorder.played[0].first.c_str());
  STRCMP_EQUAL("attract.again", recorder.played[1].first.c_str());
  CHECK(recorder.stops >= 1);  // turning it off cut what was playing
  speaker.Reset();
  CHECK_TRUE(speaker.Enabled());
  speaker.Replay();  // the last prompt, said while it was off
  STRCMP_EQUAL("choose_procedure.again", recorder.played.back().first.c_str());
  auto figures = speaker.Last();
  CHECK_TRUE(figures.has_value());
  CHECK(figures->audio.count() > 500);
  CHECK(figures->to_first_sample >= figures->synthesis);
}

TEST(Voice, InTheBackgroundTheNewestPromptWinsAndTheThreadIsJoined) {
  Played recorder;
  auto sink = std::make_unique<Recorder>(recorder);
  {
    voice::Speaker speaker(std::move(voice::Synthesizer::Open(150)).Value(), std::move(sink), {},
                           voice::Speaker::Mode::kBackground);
    for (int i = 0; i < 20; ++i) speaker.Say("Một, hai, ba.", "vi", "n" + std::to_string(i));
    for (int i = 0; i < 200 && !speaker.Last(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    CHECK_TRUE(speaker.Last().has_value());
    for (int i = 0; i < 200; ++i) {
      {
        const std::lock_guard lock(recorder.mu);
        if (!recorder.played.empty() && recorder.played.back().first == "n19") break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }  // the speaker's thread is joined here
  // Not every prompt was spoken: the newer ones replaced the waiting ones.
  CHECK(recorder.played.size() < 20);
  STRCMP_EQUAL("n19", recorder.played.back().first.c_str());
}

TEST(Voice, TheVolumeTheCitizenChoosesIsHeardAndTheNextCitizenStartsAsConfigured) {
  Played recorder;
  voice::VoiceSettings settings;
  settings.volume_percent = 80;
  voice::Speaker speaker(std::move(voice::Synthesizer::Open(150)).Value(),
                         std::make_unique<Recorder>(recorder), settings,
                         voice::Speaker::Mode::kInline);
  LONGS_EQUAL(80, speaker.Volume());
  speaker.Say("Xin chào.", "vi", "attract");
  speaker.SetVolume(40);
  speaker.Replay();
  speaker.SetVolume(250);  // clamped
  LONGS_EQUAL(100, speaker.Volume());
  speaker.Replay();
  LONGS_EQUAL(3, recorder.rms.size());
  DOUBLES_EQUAL(0.5, recorder.rms[1] / recorder.rms[0], 0.02);
  DOUBLES_EQUAL(1.25, recorder.rms[2] / recorder.rms[0], 0.02);
  speaker.Reset();
  LONGS_EQUAL(80, speaker.Volume());
}

TEST(Prompts, NumbersAreNeverBrokenAtTheirThousandsDot) {
  // The one-dot leader looks like the dot; a wrapped line cannot break there.
  STRCMP_EQUAL("tối đa 200\u2024000 đồng", ui::NumbersUnbroken("tối đa 200.000 đồng").c_str());
  STRCMP_EQUAL("1\u2024000\u2024000 đ", ui::NumbersUnbroken("1.000.000 đ").c_str());
  // Procedure codes, dossier codes and sentences keep their dots.
  STRCMP_EQUAL("1.001193", ui::NumbersUnbroken("1.001193").c_str());
  STRCMP_EQUAL("000.17.22.H56-261130-0042",
               ui::NumbersUnbroken("000.17.22.H56-261130-0042").c_str());
  STRCMP_EQUAL("Xong. 100 trang.", ui::NumbersUnbroken("Xong. 100 trang.").c_str());
}
