// The parts kiosk-app's main() is made of (kiosk-app/app): its command line,
// the devices its config names, the journey's settings, the link with
// kiosk-agent and the run report. Each is tested here without the program.
#include "test_prelude.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "journey_bench.h"
#include "kiosk/app/app_args.h"
#include "kiosk/app/card_camera.h"
#include "kiosk/app/devices.h"
#include "kiosk/app/fleet_link.h"
#include "kiosk/app/journey_settings.h"
#include "kiosk/app/run_report.h"
#include "kiosk/camera/fake_camera.h"
#include "kiosk/link/app_status.h"
#include "kiosk/link/flags.h"
#include "kiosk/link/remote_settings.h"
#include "kiosk/scanner/sim/card_photo.h"

namespace app = kiosk::app;

namespace {

kiosk::core::Expected<app::AppArgs> Parse(std::vector<const char*> argv) {
  argv.insert(argv.begin(), "kiosk-app");
  return app::ParseAppArgs(static_cast<int>(argv.size()), argv.data());
}

}  // namespace

TEST_GROUP(AppArgs){};

TEST(AppArgs, AScriptedRunNamesEverything) {
  auto args = Parse({"--config", "a.toml", "--config", "b.toml", "--state", "/tmp/s", "--headless",
                     "--script", "j.script", "--orientation", "landscape", "--seed", "7", "--lang",
                     "en", "--clock", "2026-11-30T09:00:00+07:00"});
  CHECK_TRUE(args.HasValue());
  LONGS_EQUAL(2, args->config.size());
  STRCMP_EQUAL("b.toml", args->config[1].c_str());
  STRCMP_EQUAL("/tmp/s", args->state.c_str());
  CHECK_TRUE(args->headless);
  STRCMP_EQUAL("landscape", args->orientation.c_str());
  LONGS_EQUAL(7, args->seed);
  STRCMP_EQUAL("en", args->lang.c_str());
}

TEST(AppArgs, WhatCannotRunIsRefusedWithTheReason) {
  const auto refused = [](std::vector<const char*> argv, const char* why) {
    auto args = Parse(std::move(argv));
    CHECK_FALSE(args.HasValue());
    STRCMP_EQUAL("args.invalid", args.GetError().Code().c_str());
    STRCMP_CONTAINS(why, args.GetError().Message().c_str());
  };
  refused({"--headless"}, "together");
  refused({"--script", "j.script"}, "together");
  refused({"--seed", "seven"}, "--seed");
  refused({"--lang", "fr"}, "--lang");
  refused({"--orientation", "upside-down"}, "--orientation");
  refused({"--state"}, "--state");
  refused({"--colour", "red"}, "unknown flag --colour");
}

TEST(AppArgs, TheClockIsAnInstantWithItsOffset) {
  auto t = app::ParseClock("2026-11-30T09:00:00+07:00");
  CHECK_TRUE(t.HasValue());
  CHECK(kiosk::test::Monday9am() == *t);
  CHECK(kiosk::test::Monday9am() == *app::ParseClock("2026-11-30T01:00:00-01:00"));
  for (const char* bad : {"2026-11-30 09:00", "2026-02-30T09:00:00+07:00",
                          "2026-11-30T25:00:00+07:00", "2026-11-30T09:00:00+07:00junk", ""}) {
    auto parsed = app::ParseClock(bad);
    CHECK_FALSE(parsed.HasValue());
    STRCMP_EQUAL("args.clock", parsed.GetError().Code().c_str());
  }
}

TEST_GROUP(RunReport){};

TEST(RunReport, IsJsonInAFixedOrderWithPercentilesPerScreen) {
  app::RunFigures figures;
  figures.script = "a \"quoted\" script.script";  // would have broken a hand-built report
  figures.orientation = "portrait";
  figures.completed = true;
  figures.cold_start_to_first_frame = std::chrono::milliseconds(61);
  kiosk::ui::RunReport report;
  report.taps = 9;
  report.card_to_receipt_taps = 7;
  report.reference = "K-1234";
  report.dossier_code = "";
  for (int i = 1; i <= 100; ++i) {
    report.frame_times["review_form"].push_back(std::chrono::microseconds(i * 1000 + 5));
  }
  report.card_images = {"qr"};
  const auto text = app::RunReportJson(figures, report);
  const auto json = nlohmann::json::parse(text);
  STRCMP_EQUAL("a \"quoted\" script.script", json["script"].get<std::string>().c_str());
  CHECK_TRUE(json["completed"].get<bool>());
  LONGS_EQUAL(61, json["cold_start_to_first_frame_ms"].get<int>());
  LONGS_EQUAL(7, json["card_to_receipt"]["taps"].get<int>());
  const auto& review = json["frame_times"]["review_form"];
  LONGS_EQUAL(100, review["frames"].get<int>());
  DOUBLES_EQUAL(51.01, review["p50_ms"].get<double>(), 1e-9);
  DOUBLES_EQUAL(100.01, review["p99_ms"].get<double>(), 1e-9);
  STRCMP_EQUAL("qr", json["card_images"][0].get<std::string>().c_str());
  STRCMP_EQUAL("K-1234", json["reference"].get<std::string>().c_str());
  CHECK(text.find("\"script\"") < text.find("\"completed\""));  // people read it too
  CHECK(text.back() == '\n');
}

TEST(RunReport, ReadsThisProcesssResidentMemory) {
  CHECK(app::ResidentKb("VmRSS:") > 0);
  LONGS_EQUAL(0, app::ResidentKb("NoSuchLine:"));
}

TEST_GROUP_BASE(AppSettings, kiosk::test::JourneyBench) {
  app::AppConfig config;
  void setup() override { MakeDevices(); }
};

TEST(AppSettings, TheConfigsProceduresAreOfferedUnlessTheOperatorsSettingsSayOtherwise) {
  config.procedures = {"1.001193", "1.000894"};
  config.holidays = {"2026-09-03"};
  config.working_days = {"2026-09-05"};
  config.idle_timeout_s = 120;
  auto s = app::JourneySettings(config, *catalog, dir.Path());
  CHECK_TRUE(s.HasValue());
  LONGS_EQUAL(2, s->enabled_procedures.size());
  LONGS_EQUAL(1, s->calendar.days_off.size());
  LONGS_EQUAL(1, s->calendar.working_days.size());
  LONGS_EQUAL(120, s->idle_timeout.count());
  STRCMP_EQUAL((dir.Path() / "work").c_str(), s->work_dir.c_str());

  config.remote_config = "remote-config.json";
  kiosk::link::RemoteSettings remote;
  remote.kiosk_id = "QNM-TAMKY-0001";
  remote.issued_at = 1;
  remote.enabled_procedures = std::vector<std::string>{"1.000894", "9.999999"};
  CHECK_TRUE(kiosk::link::WriteRemoteSettings(dir.Path() / "remote-config.json", remote));
  s = app::JourneySettings(config, *catalog, dir.Path());
  LONGS_EQUAL(1, s->enabled_procedures.size());  // the unknown code is skipped
  CHECK_TRUE(s->enabled_procedures.count("1.000894") == 1);
}

TEST(AppSettings, AProcedureOrHolidayTheCatalogCannotPlaceIsRefused) {
  config.procedures = {"9.999999"};
  auto s = app::JourneySettings(config, *catalog, dir.Path());
  CHECK_FALSE(s.HasValue());
  STRCMP_CONTAINS("9.999999", s.GetError().Message().c_str());
  config.procedures.clear();
  config.holidays = {"2026-13-01"};
  CHECK_FALSE(app::JourneySettings(config, *catalog, dir.Path()).HasValue());
}

// The catalog keeps pages in colour at 200 dpi or more: a scanner set to
// grey or to less is refused at start, naming the rule, not found out on a
// citizen's papers.
TEST(AppSettings, AScannerSetBelowTheDigitizationRuleIsRefused) {
  config.scanner = "sane";
  config.scan_dpi = 300;
  CHECK_TRUE(app::JourneySettings(config, *catalog, dir.Path()).HasValue());
  config.scan_color = false;
  auto grey = app::JourneySettings(config, *catalog, dir.Path());
  CHECK_FALSE(grey.HasValue());
  STRCMP_CONTAINS("01/2019/TT-BNV", grey.GetError().Message().c_str());
  config.scan_color = true;
  config.scan_dpi = 150;
  auto coarse = app::JourneySettings(config, *catalog, dir.Path());
  CHECK_FALSE(coarse.HasValue());
  STRCMP_CONTAINS("scanner.dpi = 150", coarse.GetError().Message().c_str());
  config.scanner = "none";  // no scanner: papers are shown at the counter
  CHECK_TRUE(app::JourneySettings(config, *catalog, dir.Path()).HasValue());
}

TEST(AppSettings, TheWorkFolderIsTheOwnersOnlyAndLeftoversAreSwept) {
  const auto work = dir.Path() / "work";
  std::filesystem::create_directories(work / "sealing-1234");
  std::ofstream(work / "sealing-1234" / "attachment-1.pdf") << "left by a crash";
  auto swept = app::PrepareWorkDir(work);
  CHECK_TRUE(swept.HasValue());
  LONGS_EQUAL(1, *swept);
  CHECK_FALSE(std::filesystem::exists(work / "sealing-1234"));
  CHECK(std::filesystem::status(work).permissions() == std::filesystem::perms::owner_all);
}

namespace {

class Development final : public app::DevelopmentDevices {
 public:
  explicit Development(const kiosk::core::Clock& clock) : terminal(clock), printer("/dev/null") {}
  kiosk::core::Expected<std::unique_ptr<kiosk::idcard::IdCardReader>> VirtualCard(
      const app::AppConfig&, const std::filesystem::path&, kiosk::core::RandomSource&) override {
    return kiosk::core::Error::NeedsPerson("test.no_card", "no virtual card here");
  }
  kiosk::scanner::Scanner& FakeScanner() override { return scanner; }
  kiosk::printer::ReceiptPrinter& FakePrinter() override { return printer; }
  kiosk::payment::PaymentTerminal& FakeTerminal() override { return terminal; }
  kiosk::payment::GatewayPayments& FakeBank() override { return bank; }
  kiosk::core::Expected<std::unique_ptr<kiosk::camera::CardCamera>> SimCamera(
      const app::AppConfig&, const std::filesystem::path&) override {
    auto camera = std::make_unique<kiosk::camera::FakeCamera>();
    shown = camera.get();
    return std::unique_ptr<kiosk::camera::CardCamera>(std::move(camera));
  }
  kiosk::camera::FakeCamera* shown = nullptr;
  kiosk::payment::FakeGatewayPayments bank;
  kiosk::scanner::FakeScanner scanner;
  kiosk::payment::FakePaymentTerminal terminal;
  kiosk::printer::FakePrinter printer;
};

}  // namespace

TEST_GROUP_BASE(AppDevices, kiosk::test::JourneyBench) {
  app::AppConfig config;
  app::SealedCheck sealed = [](const std::string&) { return false; };
};

TEST(AppDevices, ADeviceTheConfigDoesNotNameIsAbsentNeverAFake) {
  auto devices = app::KioskDevices::Open(config, dir.Path(), clock, worker_random, sealed, nullptr);
  CHECK_TRUE(devices.HasValue());
  auto scanned = (*devices)->Scanner().ScanPage([](int) {});
  STRCMP_EQUAL("scanner.absent", scanned.GetError().Code().c_str());
  kiosk::printer::Receipt receipt;
  STRCMP_EQUAL("printer.absent", (*devices)->Printer().Print(receipt).GetError().Code().c_str());
  CHECK(nullptr == (*devices)->Trust());
  CHECK_TRUE(std::filesystem::exists(dir.Path() / "payments.db"));  // the ledger, before drivers
}

TEST(AppDevices, FakesAreTakenOnlyFromADevelopmentBuild) {
  config.scanner = "fake";
  auto refused = app::KioskDevices::Open(config, dir.Path(), clock, worker_random, sealed, nullptr);
  CHECK_FALSE(refused.HasValue());
  STRCMP_CONTAINS("development", refused.GetError().Message().c_str());

  Development development(clock);
  config.printer = "fake";
  config.card_terminal = "fake";
  auto devices =
      app::KioskDevices::Open(config, dir.Path(), clock, worker_random, sealed, &development);
  CHECK_TRUE(devices.HasValue());
  CHECK(&development.scanner == &(*devices)->Scanner());
  CHECK(&development.printer == &(*devices)->Printer());

  config.card_reader = "virtual";
  auto no_card =
      app::KioskDevices::Open(config, dir.Path(), clock, worker_random, sealed, &development);
  STRCMP_EQUAL("test.no_card", no_card.GetError().Code().c_str());
}

// OpenCV's video back ends and thread pool keep what they allocate for the
// process's life: not the kiosk's leaks.
// clang-format off
TEST_GROUP_BASE(AppCamera, kiosk::test::JourneyBench) {
  app::AppConfig config;
  app::SealedCheck sealed = [](const std::string&) { return false; };
  void setup() override { kiosk::test::StopTrackingAllocations(); }
  void teardown() override { kiosk::test::ResumeTrackingAllocations(); }
};
// clang-format on

// The camera above the card tray: absent unless the config names one; the
// simulated one only in a development build (a V4L2 device that cannot be
// opened: tests/integration/drivers/camera).
TEST(AppDevices, TheCardCameraIsOnlyWhatTheConfigNames) {
  auto none = app::KioskDevices::Open(config, dir.Path(), clock, worker_random, sealed, nullptr);
  CHECK_TRUE(none.HasValue());
  CHECK(nullptr == (*none)->CardCamera());

  config.camera = "sim";
  auto refused = app::KioskDevices::Open(config, dir.Path(), clock, worker_random, sealed, nullptr);
  CHECK_FALSE(refused.HasValue());
  STRCMP_CONTAINS("development", refused.GetError().Message().c_str());
  Development development(clock);
  auto devices =
      app::KioskDevices::Open(config, dir.Path(), clock, worker_random, sealed, &development);
  CHECK_TRUE(devices.HasValue());
  CHECK(nullptr != (*devices)->CardCamera());
  CHECK(nullptr != development.shown);
}

// One look: the frame the camera gives, read as the card it shows (the MRZ
// of a back, the QR of a front), or why not.
TEST(AppCamera, ALookAtTheTrayGivesTheCardsKeyOrWhyNot) {
  kiosk::camera::FakeCamera camera;
  app::CameraCardLook look(camera);
  namespace sim = kiosk::scanner::sim;
  auto back = sim::GenerateCardPhoto(3, sim::CardFace::kBack2021);
  auto front = sim::GenerateCardPhoto(2'000'001, sim::CardFace::kFront2021);
  CHECK(back.HasValue() && front.HasValue());
  camera.Show(back->image);
  camera.Show(front->image);
  camera.DropNext();
  const kiosk::idcard::Date today{2026, 12, 7};
  auto from_back = look.Look(today);
  CHECK_TRUE(from_back.HasValue());
  CHECK(from_back->source == kiosk::journey::KeySource::kMrz);
  STRCMP_EQUAL(back->who.mrz.c_str(), from_back->text.Reveal().c_str());
  auto from_front = look.Look(today);
  CHECK_TRUE(from_front.HasValue());
  CHECK(from_front->source == kiosk::journey::KeySource::kQr);
  STRCMP_EQUAL(front->who.qr_payload.c_str(), from_front->text.Reveal().c_str());
  STRCMP_EQUAL("camera.no_frame", look.Look(today).GetError().Code().c_str());
  STRCMP_EQUAL("card.not_in_view", look.Look(today).GetError().Code().c_str());  // empty tray
}

TEST(AppDevices, APrinterAddressThatCannotBeOpenedStopsTheStart) {
  config.printer = "carrier-pigeon:1";
  auto devices = app::KioskDevices::Open(config, dir.Path(), clock, worker_random, sealed, nullptr);
  CHECK_FALSE(devices.HasValue());
}

TEST_GROUP_BASE(AppFleetLink, kiosk::test::JourneyBench){void setup() override{MakeDevices();
}
}
;

TEST(AppFleetLink, AFlagTakesTheKioskOutOfServiceAndTheSnapshotSaysSo) {
  kiosk::journey::DeferredExecutor executor;
  auto journey = MakeJourney(executor);
  const auto flag = dir.Path() / "maintenance";
  const auto status = dir.Path() / "app-status.json";
  app::FleetLink link(status, {flag}, "9.9.9", *journey, clock);
  link.Tick(true);
  CHECK_FALSE(journey->OutOfService());
  auto written = kiosk::link::ReadAppStatus(status);
  CHECK_TRUE(written.HasValue());
  STRCMP_EQUAL("9.9.9", written->version.c_str());
  CHECK_FALSE(written->out_of_service);

  CHECK_TRUE(kiosk::link::RaiseFlag(flag, clock.Now()));
  link.Tick();  // within two seconds of the last: nothing yet
  CHECK_FALSE(journey->OutOfService());
  link.Tick(true);
  CHECK_TRUE(journey->OutOfService());
  CHECK_TRUE(kiosk::link::ReadAppStatus(status)->out_of_service);

  std::filesystem::remove(flag);
  link.Tick(true);
  CHECK_FALSE(journey->OutOfService());
}

TEST(RunReport, EachFieldIsOnALineOfItsOwnForTheShellScriptsThatReadIt) {
  app::RunFigures figures;
  figures.completed = true;
  kiosk::ui::RunReport report;
  report.card_images = {"mrz"};
  report.card_to_receipt_taps = 7;
  report.frame_times["attract"] = {std::chrono::microseconds(1500)};
  const auto text = app::RunReportJson(figures, report);
  CHECK_TEXT(text.find("\n  \"completed\": true,\n") != std::string::npos, text.c_str());
  CHECK_TEXT(text.find("\n  \"card_images\": [\"mrz\"]") != std::string::npos, text.c_str());
  CHECK_TEXT(text.find("\"card_to_receipt\": {\"taps\": 7, \"keystrokes\": 0, \"screens\": 0}") !=
                 std::string::npos,
             text.c_str());
  CHECK_TEXT(text.find("\n    \"attract\": {\"frames\": 1, \"p50_ms\": 1.5, \"p99_ms\": 1.5}") !=
                 std::string::npos,
             text.c_str());
}
