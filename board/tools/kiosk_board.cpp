// kiosk-board: the technician's look at the board's small devices.
//
//   kiosk-board --profile FILE [--gpio gpiod|sysfs|none] [--sys DIR] COMMAND
//
//   status                  door, temperature, backlight
//   led ok|fault|call on|off  a status LED, or the call lamp
//   buzz MILLISECONDS       the buzzer
//   backlight PERCENT       the display's brightness
//   usbguard-rules          the USBGuard policy for the profile's devices
//   clear-tamper LATCH      clears the door alarm; refused while the door is open
//   lock-vt                 no virtual-terminal switching until the next boot (root)

#include <fcntl.h>
#include <linux/vt.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "kiosk/board/board.h"
#include "kiosk/core/log.h"
#include "kiosk/core/text.h"
#include "kiosk/core/usage.h"

namespace board = kiosk::board;

namespace {

int Usage(bool asked = false) {
  std::fprintf(kiosk::core::UsageStream(asked),
               "usage: kiosk-board --profile FILE [--gpio gpiod|sysfs|none] [--sys DIR] COMMAND\n"
               "  status | led ok|fault|call on|off | buzz MS | backlight PERCENT |\n"
               "  usbguard-rules | clear-tamper LATCH | lock-vt\n");
  return asked ? 0 : 2;
}

const char* DoorName(board::Door door) {
  switch (door) {
    case board::Door::kClosed:
      return "closed";
    case board::Door::kOpen:
      return "open";
    case board::Door::kUnknown:
      break;
  }
  return "unknown";
}

int Fail(const kiosk::core::Error& e) {
  std::fprintf(stderr, "kiosk-board: %s\n", e.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (kiosk::core::AsksForHelp(argc, argv)) return Usage(true);
  std::string profile_path, backend = "gpiod", sys = "/sys";
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--profile" || arg == "--gpio" || arg == "--sys") && i + 1 < argc) {
      (arg == "--profile" ? profile_path : arg == "--gpio" ? backend : sys) = argv[++i];
    } else if (arg == "--help") {
      return Usage();
    } else {
      args.push_back(arg);
    }
  }
  if (args.empty() || (profile_path.empty() && args[0] != "lock-vt")) return Usage();
  // What it did is printed; the log keeps warnings for the journal.
  kiosk::core::log::Install(std::make_unique<kiosk::core::log::Logger>(
      kiosk::core::log::SinkForEnvironment("kiosk-board"), kiosk::core::log::Level::kWarn));
  if (args[0] == "lock-vt" && args.size() == 1) {
    // The kernel keeps the lock after we exit: Ctrl+Alt+Fn goes nowhere.
    const int fd = ::open("/dev/tty0", O_RDWR | O_CLOEXEC);
    if (fd < 0 || ::ioctl(fd, VT_LOCKSWITCH, 0) != 0) {
      std::fprintf(stderr, "kiosk-board: cannot lock VT switching: %s\n", std::strerror(errno));
      if (fd >= 0) ::close(fd);
      return 1;
    }
    ::close(fd);
    std::printf("virtual-terminal switching locked\n");
    return 0;
  }
  auto profile = board::LoadProfile(profile_path);
  if (!profile) return Fail(profile.GetError());
  if (args[0] == "usbguard-rules" && args.size() == 1) {
    std::fputs(board::UsbGuardRules(*profile).c_str(), stdout);
    return 0;
  }
  auto gpio = board::OpenGpio(*profile, backend, sys);
  if (!gpio) return Fail(gpio.GetError());
  board::Board hw(*profile, std::move(*gpio), sys);

  const auto& cmd = args[0];
  if (cmd == "status" && args.size() == 1) {
    std::printf("board: %s (%s)\n", profile->name.c_str(), profile->description.c_str());
    std::printf("door: %s\n", DoorName(hw.ReadDoor()));
    if (auto t = hw.Temperature())
      std::printf("temperature: %.1f C\n", *t);
    else
      std::printf("temperature: unknown\n");
    if (auto light = hw.DisplayBacklight()) {
      auto percent = light->Percent();
      if (percent)
        std::printf("backlight: %d%%\n", *percent);
      else
        std::printf("backlight: %s\n", percent.GetError().Message().c_str());
    }
    return 0;
  }
  if (cmd == "led" && args.size() == 3 &&
      (args[1] == "ok" || args[1] == "fault" || args[1] == "call") &&
      (args[2] == "on" || args[2] == "off")) {
    const auto led = args[1] == "ok"      ? board::Led::kOk
                     : args[1] == "fault" ? board::Led::kFault
                                          : board::Led::kCall;
    auto set = hw.SetLed(led, args[2] == "on");
    return set ? 0 : Fail(set.GetError());
  }
  if (cmd == "buzz" && args.size() == 2) {
    const auto ms = kiosk::core::ParseDecimal(args[1]);
    if (!ms || *ms < 1 || *ms > 5000) return Usage();
    auto buzz = hw.Buzz(std::chrono::milliseconds(*ms));
    return buzz ? 0 : Fail(buzz.GetError());
  }
  if (cmd == "backlight" && args.size() == 2) {
    const auto percent = kiosk::core::ParseDecimal(args[1]);
    if (!percent || *percent > 100) return Usage();
    auto light = hw.DisplayBacklight();
    if (!light) {
      std::fprintf(stderr, "kiosk-board: the profile names no backlight\n");
      return 1;
    }
    auto set = light->SetPercent(static_cast<int>(*percent));
    return set ? 0 : Fail(set.GetError());
  }
  if (cmd == "clear-tamper" && args.size() == 2) {
    board::TamperLatch latch(args[1], kiosk::core::SystemClock());
    if (!latch.Latched()) {
      std::printf("no door alarm to clear\n");
      return 0;
    }
    auto cleared = latch.Clear(hw.ReadDoor());
    if (!cleared) return Fail(cleared.GetError());
    std::printf("door alarm cleared: the kiosk serves again\n");
    return 0;
  }
  return Usage();
}
