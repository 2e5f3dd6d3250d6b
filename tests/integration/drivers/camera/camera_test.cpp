#include "test_prelude.h"

#include "kiosk/camera/camera.h"
#include "kiosk/camera/fake_camera.h"
#include "kiosk/camera/sim/sim_camera.h"
#include "kiosk/idcard/access_key.h"
#include "kiosk/mrz/card_image.h"
#include "kiosk/scanner/sim/card_photo.h"

using namespace kiosk;  // NOLINT(google-build-using-namespace): test file

namespace {

const idcard::Date kToday{2026, 12, 7};

core::Expected<mrz::CardImageKey> KeyOf(camera::CardCamera& camera, mrz::Recognizer& recognizer) {
  KIOSK_ASSIGN_OR_RETURN(const cv::Mat frame, camera.Frame());
  return mrz::ReadCardImage(frame, recognizer, kToday);
}

}  // namespace

// OpenCV's video back ends and thread pool keep what they allocate for the
// process's life.
// clang-format off
TEST_GROUP(Camera) {
  test::TempDir dir;
  void setup() override { test::StopTrackingAllocations(); }
  void teardown() override { test::ResumeTrackingAllocations(); }
};
// clang-format on

// The real driver: frames in the order the device gives them, a clear
// error when none comes, and none for a device that is not there.
TEST(Camera, TheVideoDriverGivesFramesInOrderThenSaysNoneCame) {
  namespace sim = scanner::sim;
  std::vector<std::string> truths;
  for (int i = 0; i < 2; ++i) {
    auto photo =
        sim::GenerateCardPhoto(static_cast<std::uint64_t>(3 + i), sim::CardFace::kBack2021);
    CHECK(photo.HasValue());
    char name[32];
    std::snprintf(name, sizeof name, "frame-%04d.png", i);
    CHECK(cv::imwrite((dir.Path() / name).string(), photo->image));
    truths.push_back(photo->who.mrz);
  }
  auto camera = camera::VideoCamera::Open((dir.Path() / "frame-%04d.png").string());
  CHECK_TEXT(camera.HasValue(), camera ? "" : camera.GetError().ToString().c_str());
  auto recognizer = mrz::MakeGlyphRecognizer();
  CHECK(recognizer.HasValue());
  for (const auto& truth : truths) {
    auto key = KeyOf(**camera, **recognizer);
    CHECK_TEXT(key.HasValue(), key ? "" : key.GetError().ToString().c_str());
    CHECK(key->source == mrz::CardImageKey::Source::kMrz);
    STRCMP_EQUAL(truth.c_str(), key->text.Reveal().c_str());
  }
  auto none = (*camera)->Frame();
  CHECK_FALSE(none.HasValue());
  STRCMP_EQUAL("camera.no_frame", none.GetError().Code().c_str());

  auto missing = camera::VideoCamera::Open("/dev/no-such-camera");
  CHECK_FALSE(missing.HasValue());
  STRCMP_EQUAL("camera.absent", missing.GetError().Code().c_str());
}

// The simulator shows the side the tray file names: the persona's front
// (its QR), its back (its MRZ, the same card the virtual chip carries), or
// nothing; a new shot every frame.
TEST(Camera, TheSimulatorShowsTheSideOnTheTray) {
  auto persona = idcard::sim::LoadPersona(std::string(KIOSK_TEST_DATA_DIR) +
                                          "/personas/p01-married-with-old-id.toml");
  CHECK(persona.HasValue());
  const auto tray = dir.Path() / "camera-tray";
  auto camera = camera::sim::SimCamera::Create(*persona, tray, 11);
  CHECK(camera.HasValue());
  auto identity = camera::sim::PersonaIdentity(*persona);
  CHECK(identity.HasValue());
  auto recognizer = mrz::MakeGlyphRecognizer();
  CHECK(recognizer.HasValue());

  auto read_side = [&](const char* side) {
    std::ofstream(tray) << side << '\n';
    // The kiosk looks until a frame reads: a few shots at most.
    for (int frame = 0; frame < 4; ++frame) {
      auto key = KeyOf(**camera, **recognizer);
      if (key) return key;
    }
    return KeyOf(**camera, **recognizer);
  };
  auto back = read_side("back");
  CHECK_TEXT(back.HasValue(), back ? "" : back.GetError().ToString().c_str());
  STRCMP_EQUAL(identity->mrz.c_str(), back->text.Reveal().c_str());
  auto front = read_side("front");
  CHECK_TEXT(front.HasValue(), front ? "" : front.GetError().ToString().c_str());
  STRCMP_EQUAL(identity->qr_payload.c_str(), front->text.Reveal().c_str());
  CHECK(idcard::AccessKey::FromQr(front->text.Reveal(), kToday).HasValue());
  std::ofstream(tray) << "none\n";
  auto empty = KeyOf(**camera, **recognizer);
  CHECK_FALSE(empty.HasValue());
  STRCMP_EQUAL("card.not_in_view", empty.GetError().Code().c_str());
  // Every frame is a new shot of the card.
  std::ofstream(tray) << "back\n";
  auto a = (*camera)->Frame();
  auto b = (*camera)->Frame();
  CHECK(a.HasValue() && b.HasValue());
  CHECK(cv::norm(*a, *b, cv::NORM_L1) > 0);
}

TEST(Camera, TheFakeGivesWhatItIsShownThenAnEmptyTray) {
  camera::FakeCamera camera;
  camera.Show(cv::Mat(4, 4, CV_8UC3, cv::Scalar(1, 2, 3)));
  camera.DropNext();
  auto shown = camera.Frame();
  CHECK(shown.HasValue());
  LONGS_EQUAL(4, shown->cols);
  STRCMP_EQUAL("camera.no_frame", camera.Frame().GetError().Code().c_str());
  auto tray = camera.Frame();
  CHECK(tray.HasValue());
  LONGS_EQUAL(1280, tray->cols);
  LONGS_EQUAL(3, camera.FramesTaken());
}
