#pragma once

// Time is injected. Wall time stamps records (dossier timestamps, logs);
// monotonic time measures deadlines and timeouts and never jumps.

#include <chrono>
#include <cstdint>
#include <string>

namespace kiosk::core {

using WallTime = std::chrono::system_clock::time_point;
using MonoTime = std::chrono::steady_clock::time_point;
using Milliseconds = std::chrono::milliseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual WallTime Now() const = 0;
  virtual MonoTime Monotonic() const = 0;
};

class RealClock final : public Clock {
 public:
  WallTime Now() const override { return std::chrono::system_clock::now(); }
  MonoTime Monotonic() const override { return std::chrono::steady_clock::now(); }
};

// The process-wide real clock, for main() to inject.
const Clock& SystemClock();

// A clock that moves only when told to; wall and monotonic time advance together.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(WallTime start = WallTime{std::chrono::milliseconds{1'700'000'000'000}})
      : wall_(start) {}
  WallTime Now() const override { return wall_; }
  MonoTime Monotonic() const override { return mono_; }

  void Advance(std::chrono::nanoseconds by) {
    wall_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(by);
    mono_ += std::chrono::duration_cast<std::chrono::steady_clock::duration>(by);
  }
  // Steps wall time only, as NTP or a technician setting the clock would.
  void SetWall(WallTime wall) { wall_ = wall; }

 private:
  WallTime wall_;
  MonoTime mono_{};
};

// A point on the monotonic clock by which something must be done.
class Deadline {
 public:
  Deadline(const Clock& clock, std::chrono::nanoseconds budget)
      : clock_(&clock), at_(clock.Monotonic() + budget) {}
  bool Expired() const { return clock_->Monotonic() >= at_; }
  // Time left, never negative.
  Milliseconds Remaining() const;

 private:
  const Clock* clock_;
  MonoTime at_;
};

// Milliseconds since the Unix epoch.
std::int64_t UnixMillis(WallTime t);

// RFC 3339 in UTC with milliseconds: "2026-11-29T17:34:11.123Z".
std::string FormatRfc3339(WallTime t);

}  // namespace kiosk::core
