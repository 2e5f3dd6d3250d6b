#include "kiosk/board/board.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "kiosk/core/files.h"
#include "kiosk/core/log.h"

namespace kiosk::board {

Board::Board(BoardProfile profile, std::unique_ptr<Gpio> gpio, std::filesystem::path sys_root)
    : profile_(std::move(profile)), gpio_(std::move(gpio)), sys_root_(std::move(sys_root)) {}

core::Status Board::Drive(const GpioLine& line, bool on) {
  if (!line.Present() || gpio_ == nullptr) return {};
  return gpio_->Write(line.offset, on != line.active_low);
}

core::Status Board::SetLed(Led led, bool on) {
  switch (led) {
    case Led::kOk:
      return Drive(profile_.led_ok, on);
    case Led::kFault:
      return Drive(profile_.led_fault, on);
    case Led::kCall:
      return Drive(profile_.call_lamp, on);
  }
  return {};
}

core::Status Board::Buzz(std::chrono::milliseconds duration) {
  KIOSK_TRY(Drive(profile_.buzzer, true));
  std::this_thread::sleep_for(duration);
  return Drive(profile_.buzzer, false);
}

Door Board::ReadDoor() {
  if (!profile_.tamper.Present() || gpio_ == nullptr) return Door::kUnknown;
  auto level = gpio_->Read(profile_.tamper.offset);
  if (!level) return Door::kUnknown;
  // The switch is closed (active) while the door is shut.
  const bool shut = *level != profile_.tamper.active_low;
  return shut ? Door::kClosed : Door::kOpen;
}

std::optional<Backlight> Board::DisplayBacklight() const {
  if (profile_.backlight.empty()) return std::nullopt;
  return Backlight(sys_root_, profile_.backlight);
}

std::optional<double> Board::Temperature() const {
  return ReadTemperature(sys_root_, profile_.thermal_zones);
}

std::vector<std::filesystem::path> Board::ThermalFiles() const {
  return board::ThermalFiles(sys_root_, profile_.thermal_zones);
}

core::Expected<std::unique_ptr<Gpio>> OpenGpio(const BoardProfile& profile,
                                               const std::string& backend,
                                               const std::filesystem::path& sys_root) {
  if (backend == "none") return std::unique_ptr<Gpio>();
  if (backend == "sysfs") return OpenSysfsGpio(sys_root, profile.gpio_sysfs_base);
  if (backend == "gpiod") {
    if (profile.gpio_chip.empty()) return std::unique_ptr<Gpio>();
    core::Status error;
    auto gpio = OpenGpiodChip(profile.gpio_chip, &error);
    if (!gpio) return error.GetError();
    return gpio;
  }
  return core::Error::Fatal("board.bad_gpio_backend", "unknown GPIO backend: " + backend);
}

core::Expected<bool> TamperLatch::Observe(Door door) {
  if (door != Door::kOpen || Latched()) return false;
  const nlohmann::json record = {{"opened_at", core::FormatRfc3339(clock_.Now())}};
  KIOSK_TRY(core::WriteFileAtomically(file_, core::AsBytes(record.dump() + "\n"), 0644));
  core::log::Warn("board.tamper_opened", {{"latch", file_.string()}});
  return true;
}

bool TamperLatch::Latched() const {
  std::error_code ec;
  return std::filesystem::exists(file_, ec);
}

core::Status TamperLatch::Clear(Door door) {
  if (door != Door::kClosed) {
    return core::Error::NeedsPerson("board.door_open",
                                    door == Door::kOpen
                                        ? "the door is open: close it, then clear the alarm"
                                        : "the door switch cannot be read: check its wiring");
  }
  std::error_code ec;
  std::filesystem::remove(file_, ec);
  if (ec) return core::Error::Retryable("board.clear_failed", ec.message());
  core::log::Info("board.tamper_cleared", {{"latch", file_.string()}});
  return {};
}

struct WatchdogFeeder::State {
  std::unique_ptr<Watchdog> watchdog;
  std::chrono::milliseconds period, stall;
  std::atomic<std::int64_t> progress_ns{0};
  std::mutex mutex;
  std::condition_variable wake;
  bool stop = false;
  std::thread thread;

  static std::int64_t Now() {
    return std::chrono::steady_clock::now().time_since_epoch() / std::chrono::nanoseconds(1);
  }
  void Run() {
    std::unique_lock lock(mutex);
    bool warned = false;
    while (!wake.wait_for(lock, period, [this] { return stop; })) {
      const auto idle = std::chrono::nanoseconds(Now() - progress_ns.load());
      if (idle > stall) {
        if (!warned) core::log::Error("board.watchdog_starved", {{"stall_ms", stall.count()}});
        warned = true;
        continue;  // the board resets when the watchdog's timeout passes
      }
      warned = false;
      if (auto kicked = watchdog->Kick(); !kicked) {
        core::log::Warn("board.watchdog_failed", {{"error", kicked.GetError().Code()}});
      }
    }
  }
};

WatchdogFeeder::WatchdogFeeder(std::unique_ptr<Watchdog> watchdog, std::chrono::milliseconds period,
                               std::chrono::milliseconds stall)
    : state_(std::make_unique<State>()) {
  state_->watchdog = std::move(watchdog);
  state_->period = period;
  state_->stall = stall;
  state_->progress_ns = State::Now();
  (void)state_->watchdog->Kick();
  state_->thread = std::thread([s = state_.get()] { s->Run(); });
}

WatchdogFeeder::~WatchdogFeeder() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stop = true;
  }
  state_->wake.notify_all();
  state_->thread.join();
  (void)state_->watchdog->Disarm();
}

void WatchdogFeeder::Progress() { state_->progress_ns = State::Now(); }

}  // namespace kiosk::board
