// The card's photo: a JPEG from the chip decoded for the screen (and nothing
// else accepted), shown once the card is read and gone with the session.
#include <imgui.h>

#include "test_prelude.h"

#include "journey_bench.h"
#include "kiosk/i18n/translator.h"
#include "kiosk/scanner/scanner.h"
#include "kiosk/ui/picture.h"
#include "kiosk/ui/ui.h"
#include "screen_bench.h"

using namespace kiosk;  // NOLINT(google-build-using-namespace): test file

namespace {

// A 30 × 40 grey-blue gradient, as a JPEG.
std::vector<std::uint8_t> SomeJpeg(int width = 30, int height = 40) {
  std::vector<std::uint8_t> rgb(static_cast<std::size_t>(width * height * 3));
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      auto* p = &rgb[static_cast<std::size_t>((y * width + x) * 3)];
      p[0] = static_cast<std::uint8_t>(x * 8);
      p[1] = static_cast<std::uint8_t>(y * 6);
      p[2] = 200;
    }
  }
  return std::move(scanner::EncodeJpeg(rgb.data(), width, height, 3, 90)).Value();
}

// Counts what the screen asked of the renderer.
class Textures final : public ui::PictureTextures {
 public:
  void* Show(const ui::Picture& picture) override {
    ++shown;
    width = picture.width;
    return this;
  }
  void Clear() override { ++cleared; }
  int shown = 0, cleared = 0, width = 0;
};

}  // namespace

TEST_GROUP(Picture){};

TEST(Picture, AJpegIsDecodedToRgba) {
  const auto jpeg = SomeJpeg();
  auto picture = ui::DecodePhoto(jpeg, "image/jpeg");
  CHECK_TRUE_TEXT(picture.HasValue(), picture ? "" : picture.GetError().ToString().c_str());
  LONGS_EQUAL(30, picture->width);
  LONGS_EQUAL(40, picture->height);
  LONGS_EQUAL(30 * 40 * 4, picture->rgba.size());
  CHECK(picture->rgba[2] > 180 && picture->rgba[3] == 255);  // blue, opaque
  picture->Wipe();
  CHECK(picture->rgba.empty());
}

TEST(Picture, AnythingElseIsRefused) {
  auto jpeg = SomeJpeg();
  STRCMP_EQUAL("photo.unsupported", ui::DecodePhoto(jpeg, "image/jp2").GetError().Code().c_str());
  const std::vector<std::uint8_t> marker_only{0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xD9};
  STRCMP_EQUAL("photo.invalid",
               ui::DecodePhoto(marker_only, "image/jpeg").GetError().Code().c_str());
  jpeg.resize(jpeg.size() / 2);  // cut short: decoded as far as it goes, or refused
  auto cut = ui::DecodePhoto(jpeg, "image/jpeg");
  CHECK(cut.HasValue() || cut.GetError().Code() == "photo.invalid");
  auto huge = SomeJpeg(1300, 20);
  STRCMP_EQUAL("photo.invalid", ui::DecodePhoto(huge, "image/jpeg").GetError().Code().c_str());
}

TEST_GROUP_BASE(PhotoOnScreen, test::JourneyBench) {
  journey::InlineExecutor executor;
  std::unique_ptr<journey::Journey> journey;
  std::optional<i18n::Translator> tr;
  ImGuiContext* context = nullptr;
  std::unique_ptr<ui::KioskUi> screen;
  Textures textures;

  void setup() override {
    MakeDevices();
    auto card = test::P01Card();
    card.identity.photo = core::Personal<std::vector<std::uint8_t>>(SomeJpeg());
    reader.emplace(std::move(card));
    journey = MakeJourney(executor);
    tr.emplace(std::move(i18n::Translator::Load(KIOSK_TEST_LOCALE_DIR, {"vi", "en"})).Value());
    ImFont* font = nullptr;
    context = test::HeadlessImGui(&font);
    screen = std::make_unique<ui::KioskUi>(*journey, *tr, ui::Fonts{font, font, font, font});
    screen->SetIntentSink([](journey::Intent) {});
    screen->SetPictures(&textures);
  }
  void teardown() override {
    screen.reset();
    ImGui::DestroyContext(context);
  }
  void Frame() { test::DrawFrame(*screen); }
};

TEST(PhotoOnScreen, ShownOnceTheCardIsReadAndGoneWithTheSession) {
  Frame();
  LONGS_EQUAL(0, textures.shown);
  journey->Start();
  journey->IdentifyWith(journey::KeySource::kIdNumber, "049090100001");
  journey->Poll();
  CHECK_TEXT(journey->CurrentScreen() == journey::Screen::kChooseProcedure,
             journey->Message().c_str());
  Frame();
  Frame();
  LONGS_EQUAL(1, textures.shown);  // decoded once, not every frame
  LONGS_EQUAL(30, textures.width);
  journey->Cancel();
  Frame();
  LONGS_EQUAL(1, textures.cleared);
}
