// board/ against a fake tree of /sys files and a fake GPIO chip: the
// profiles, the sysfs GPIO, backlight and thermal zones, the watchdog, the
// door alarm and the agent's watch over it.
#include "test_prelude.h"

#include <fstream>
#include <thread>

#include "kiosk/agent/board_monitor.h"
#include "kiosk/board/board.h"
#include "kiosk/core/files.h"

namespace core = kiosk::core;
using namespace kiosk::board;  // NOLINT(google-build-using-namespace): test file

namespace {

void Put(const std::filesystem::path& file, const std::string& text) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << text;
}

std::string Get(const std::filesystem::path& file) {
  return core::ReadSmallFile(file, 4096).ValueOr("<absent>");
}

// The files a Raspberry Pi CM4 shows, with the legacy GPIO ABI exported.
void MakeCm4Tree(const std::filesystem::path& sys) {
  for (int line : {17, 27, 22, 23})
    Put(sys / "class/gpio" / ("gpio" + std::to_string(512 + line)) / "value", "0\n");
  Put(sys / "class/backlight/rpi_backlight/max_brightness", "255\n");
  Put(sys / "class/backlight/rpi_backlight/brightness", "255\n");
  Put(sys / "class/thermal/thermal_zone0/temp", "48312\n");
}

BoardProfile Cm4() {
  return LoadProfile(std::string(KIOSK_BOARD_PROFILES) + "/rpi-cm4.toml").Value();
}

}  // namespace

TEST_GROUP(Profile) { kiosk::test::TempDir dir; };

TEST(Profile, BothShippedBoardsLoad) {
  auto x86 = LoadProfile(std::string(KIOSK_BOARD_PROFILES) + "/x86-minipc.toml").Value();
  STRCMP_EQUAL("amd64", x86.architecture.c_str());
  LONGS_EQUAL(90, x86.display_rotation);
  LONGS_EQUAL(11, x86.tamper.offset);
  CHECK(x86.tamper.active_low);
  LONGS_EQUAL(0x0416, x86.Usb("printer")->vendor);
  LONGS_EQUAL(0x5011, x86.Usb("printer")->product);
  auto cm4 = Cm4();
  STRCMP_EQUAL("arm64", cm4.architecture.c_str());
  STRCMP_EQUAL("dvc-kiosk-rpi-cm4", cm4.rauc_compatible.c_str());
  LONGS_EQUAL(800, cm4.display_width);  // the panel native, landscape; turned to portrait
  LONGS_EQUAL(270, cm4.display_rotation);
  LONGS_EQUAL(512, cm4.gpio_sysfs_base);
  CHECK(cm4.Usb("payment") == nullptr);
}

TEST(Profile, RefusesWhatIsWrongWithLineNumbers) {
  Put(dir.Path() / "bad.toml",
      "[board]\nname = \"b\"\narchitecture = \"sparc\"\n[display]\nrotation = 45\n"
      "[gpio]\nled_ok = { offset = 3 }\n[[usb]]\nrole = \"printer\"\nvendor = \"0x04\"\n"
      "product = \"5011\"\ncolour = \"red\"\n");
  auto p = LoadProfile(dir.Path() / "bad.toml");
  CHECK_FALSE(p.HasValue());
  const std::string message = p.GetError().Message();
  CHECK_TEXT(message.find("architecture") != std::string::npos, message.c_str());
  CHECK_TEXT(message.find("rotation") != std::string::npos, message.c_str());
  CHECK_TEXT(message.find("no chip") != std::string::npos, message.c_str());
  CHECK_TEXT(message.find("vendor") != std::string::npos, message.c_str());
  CHECK_TEXT(message.find("colour") != std::string::npos, message.c_str());
}

TEST(Profile, UsbGuardAllowsOnlyTheProfilesDevices) {
  const std::string rules = UsbGuardRules(Cm4());
  CHECK(rules.find("allow id 0fe6:811e name \"ICS Thermal Printer\"\n") != std::string::npos);
  CHECK(rules.find("allow id 076b:5422") != std::string::npos);
  CHECK(rules.find("allow id 04a9:190f") != std::string::npos);
  // Nothing allowed wholesale but hubs; no rule ends with a trailing comment.
  CHECK(rules.find("allow with-interface equals { 09:00:* }") != std::string::npos);
  CHECK(rules.find("allow id *") == std::string::npos);
  CHECK(rules.find("\" #") == std::string::npos);
}

TEST_GROUP(SysTree) {
  kiosk::test::TempDir dir;
  void setup() override { MakeCm4Tree(dir.Path()); }
};

TEST(SysTree, LedsAndBuzzerHonourPolarityThroughSysfsGpio) {
  Board board(Cm4(), OpenSysfsGpio(dir.Path(), 512), dir.Path());
  CHECK(board.SetLed(Led::kOk, true).HasValue());
  STRCMP_EQUAL("1", Get(dir.Path() / "class/gpio/gpio529/value").c_str());
  CHECK(board.SetLed(Led::kFault, false).HasValue());
  STRCMP_EQUAL("0", Get(dir.Path() / "class/gpio/gpio539/value").c_str());
  CHECK(board.Buzz(std::chrono::milliseconds(1)).HasValue());
  STRCMP_EQUAL("0", Get(dir.Path() / "class/gpio/gpio534/value").c_str());
  // The door switch is active low: 0 means pressed, the door shut.
  Put(dir.Path() / "class/gpio/gpio535/value", "0\n");
  CHECK(board.ReadDoor() == Door::kClosed);
  Put(dir.Path() / "class/gpio/gpio535/value", "1\n");
  CHECK(board.ReadDoor() == Door::kOpen);
  std::filesystem::remove(dir.Path() / "class/gpio/gpio535/value");
  CHECK(board.ReadDoor() == Door::kUnknown);
}

TEST(SysTree, BacklightAndThermal) {
  Board board(Cm4(), nullptr, dir.Path());
  auto light = board.DisplayBacklight();
  CHECK(light.has_value());
  LONGS_EQUAL(100, light->Percent().Value());
  CHECK(light->SetPercent(40).HasValue());
  STRCMP_EQUAL("102", Get(dir.Path() / "class/backlight/rpi_backlight/brightness").c_str());
  LONGS_EQUAL(40, light->Percent().Value());
  CHECK_FALSE(light->SetPercent(0).HasValue());  // never a black screen
  CHECK_FALSE(light->SetPercent(101).HasValue());
  DOUBLES_EQUAL(48.312, board.Temperature().value(), 0.0001);
  Put(dir.Path() / "class/thermal/thermal_zone0/temp", "hot\n");
  CHECK_FALSE(board.Temperature().has_value());
  // No GPIO: nothing to drive, nothing fails; the door is unknown.
  CHECK(board.SetLed(Led::kOk, true).HasValue());
  CHECK(board.ReadDoor() == Door::kUnknown);
}

TEST(SysTree, WatchdogKeepaliveAndMagicClose) {
  // A plain file stands in for /dev/watchdog: no ioctl, so every keepalive
  // is a write, and the deliberate stop writes the magic 'V'.
  Put(dir.Path() / "watchdog", "");
  {
    auto dog = OpenWatchdog(dir.Path() / "watchdog", std::chrono::seconds(15)).Value();
    CHECK(dog->Kick().HasValue());
    CHECK(dog->Kick().HasValue());
    CHECK(dog->Disarm().HasValue());
    CHECK_FALSE(dog->Kick().HasValue());
  }
  STRCMP_EQUAL("kkV", Get(dir.Path() / "watchdog").c_str());
  CHECK_FALSE(OpenWatchdog(dir.Path() / "none/watchdog", std::chrono::seconds(15)).HasValue());
}

TEST(SysTree, FeederStopsFeedingWhenTheLoopStalls) {
  MemoryLeakWarningPlugin::saveAndDisableNewDeleteOverloads();
  auto fake = std::make_unique<FakeWatchdog>();
  FakeWatchdog* dog = fake.get();
  {
    WatchdogFeeder feeder(std::move(fake), std::chrono::milliseconds(5),
                          std::chrono::milliseconds(60));
    for (int i = 0; i < 10; ++i) {
      feeder.Progress();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    CHECK(dog->kicks >= 5);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // no progress: starved
    const int starved = dog->kicks;
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    LONGS_EQUAL(starved, dog->kicks);
    CHECK_FALSE(dog->disarmed);
  }
  // Destroyed deliberately (the feeder owned and freed the fake).
  MemoryLeakWarningPlugin::restoreNewDeleteOverloads();
}

TEST_GROUP(Tamper) {
  kiosk::test::TempDir dir;
  core::FakeClock clock{core::WallTime{std::chrono::seconds(1'795'000'000)}};
};

TEST(Tamper, LatchesUntilClearedWithTheDoorShut) {
  TamperLatch latch(dir.Path() / "tamper.json", clock);
  CHECK_FALSE(latch.Observe(Door::kClosed).Value());
  CHECK_FALSE(latch.Observe(Door::kUnknown).Value());
  CHECK_FALSE(latch.Latched());
  CHECK(latch.Observe(Door::kOpen).Value());
  CHECK(latch.Latched());
  CHECK_FALSE(latch.Observe(Door::kOpen).Value());  // raised once
  // Closing the door is not enough.
  CHECK_FALSE(latch.Observe(Door::kClosed).Value());
  CHECK(latch.Latched());
  CHECK(Get(dir.Path() / "tamper.json").find("opened_at") != std::string::npos);
  // A restart keeps it: the latch is the file.
  TamperLatch again(dir.Path() / "tamper.json", clock);
  CHECK(again.Latched());
  STRCMP_EQUAL("board.door_open", again.Clear(Door::kOpen).GetError().Code().c_str());
  CHECK_FALSE(again.Clear(Door::kUnknown).HasValue());
  CHECK(again.Latched());
  CHECK(again.Clear(Door::kClosed).HasValue());
  CHECK_FALSE(again.Latched());
}

TEST(Tamper, MonitorBuzzesOnceAndShowsTheFaultLed) {
  auto profile = Cm4();
  auto gpio = std::make_unique<FakeGpio>();
  FakeGpio* lines = gpio.get();
  lines->levels[23] = false;  // active low: the door is shut
  Board board(profile, std::move(gpio), dir.Path());
  TamperLatch latch(dir.Path() / "tamper.json", clock);
  bool maintenance = false;
  kiosk::agent::BoardMonitor monitor(board, latch, [&] { return maintenance; });

  CHECK_FALSE(monitor.Step().Value());
  CHECK(lines->levels[17]);  // ok LED on
  CHECK_FALSE(lines->levels[27]);
  lines->writes.clear();
  CHECK_FALSE(monitor.Step().Value());
  CHECK(lines->writes.empty());  // nothing changed, nothing written

  lines->levels[23] = true;  // the door opens
  CHECK(monitor.Step().Value());
  CHECK(latch.Latched());
  CHECK(lines->levels[27]);  // fault LED
  CHECK_FALSE(lines->levels[17]);
  bool buzzed = false;
  for (auto [line, level] : lines->writes) buzzed = buzzed || (line == 22 && level);
  CHECK(buzzed);
  CHECK_FALSE(lines->levels[22]);  // and silent again

  lines->levels[23] = false;  // shut again: still out of service
  CHECK_FALSE(monitor.Step().Value());
  CHECK(lines->levels[27]);
  CHECK(latch.Clear(board.ReadDoor()).HasValue());
  CHECK_FALSE(monitor.Step().Value());
  CHECK(lines->levels[17]);
  maintenance = true;  // any other reason to be out of service shows too
  CHECK_FALSE(monitor.Step().Value());
  CHECK(lines->levels[27]);
}

// What kiosk-agent opens from its config: nothing without a profile; with
// one, the board over its /sys tree and what the heartbeat reports of it.
TEST(Tamper, TheAgentOpensTheBoardItsConfigNames) {
  kiosk::agent::AgentConfig config;
  kiosk::agent::HealthSources health;
  auto none = kiosk::agent::OpenBoard(config, health);
  CHECK(none.HasValue());
  CHECK(none->board == nullptr);
  CHECK(none->watchdog == nullptr);
  CHECK_FALSE(health.has_door_switch);

  const auto sys = dir.Path() / "sys";
  std::filesystem::create_directories(sys / "class/thermal/thermal_zone0");
  std::ofstream(sys / "class/thermal/thermal_zone0/temp") << "51500\n";
  for (int offset : {17, 27, 22, 23}) {
    const auto line = sys / "class/gpio" / ("gpio" + std::to_string(512 + offset));
    std::filesystem::create_directories(line);
    std::ofstream(line / "value") << "0\n";
  }
  config.board_profile = std::string(KIOSK_BOARD_PROFILES) + "/rpi-cm4.toml";
  config.gpio_backend = "sysfs";
  config.sys_root = sys.string();
  config.tamper_latch = (dir.Path() / "tamper.json").string();
  auto opened = kiosk::agent::OpenBoard(config, health);
  CHECK_TEXT(opened.HasValue(), opened ? "" : opened.GetError().ToString().c_str());
  CHECK(opened->board != nullptr);
  CHECK(opened->watchdog == nullptr);  // not asked for
  CHECK(health.has_door_switch);
  STRCMP_EQUAL(config.tamper_latch.c_str(), health.tamper_latch.string().c_str());
  LONGS_EQUAL(1, health.thermal_zones.size());

  config.board_profile = (dir.Path() / "no-such-board.toml").string();
  CHECK_FALSE(kiosk::agent::OpenBoard(config, health).HasValue());
}
