#include "test_prelude.h"

#include "kiosk/core/clock.h"

using kiosk::core::Deadline;
using kiosk::core::FakeClock;
using kiosk::core::FormatRfc3339;
using kiosk::core::UnixMillis;
using kiosk::core::WallTime;
using std::chrono::milliseconds;

TEST_GROUP(Clock){};

TEST(Clock, FakeClockMovesOnlyWhenAdvanced) {
  FakeClock clock;
  const auto wall = clock.Now();
  const auto mono = clock.Monotonic();
  CHECK(clock.Now() == wall);
  clock.Advance(milliseconds(1500));
  LONGS_EQUAL(1500, UnixMillis(clock.Now()) - UnixMillis(wall));
  CHECK(clock.Monotonic() - mono == milliseconds(1500));
}

TEST(Clock, SteppingWallTimeDoesNotMoveMonotonicTime) {
  FakeClock clock;
  const auto mono = clock.Monotonic();
  clock.SetWall(WallTime{milliseconds(0)});
  CHECK(clock.Monotonic() == mono);
  LONGS_EQUAL(0, UnixMillis(clock.Now()));
}

TEST(Clock, DeadlineExpiresAfterItsBudget) {
  FakeClock clock;
  Deadline deadline(clock, milliseconds(200));
  CHECK_FALSE(deadline.Expired());
  LONGS_EQUAL(200, deadline.Remaining().count());
  clock.Advance(milliseconds(150));
  LONGS_EQUAL(50, deadline.Remaining().count());
  clock.Advance(milliseconds(60));
  CHECK_TRUE(deadline.Expired());
  LONGS_EQUAL(0, deadline.Remaining().count());
}

TEST(Clock, DeadlineIgnoresWallClockSteps) {
  FakeClock clock;
  Deadline deadline(clock, milliseconds(100));
  clock.SetWall(clock.Now() + std::chrono::hours(5));
  CHECK_FALSE(deadline.Expired());
}

TEST(Clock, Rfc3339IsUtcWithMilliseconds) {
  STRCMP_EQUAL("1970-01-01T00:00:00.000Z", FormatRfc3339(WallTime{}).c_str());
  STRCMP_EQUAL("2023-11-14T22:13:20.123Z",
               FormatRfc3339(WallTime{milliseconds(1'700'000'000'123)}).c_str());
  STRCMP_EQUAL("1969-12-31T23:59:59.999Z", FormatRfc3339(WallTime{milliseconds(-1)}).c_str());
}

TEST(Clock, RealClockAdvances) {
  const auto& clock = kiosk::core::SystemClock();
  const auto a = clock.Monotonic();
  const auto b = clock.Monotonic();
  CHECK(b >= a);
  CHECK(UnixMillis(clock.Now()) > 1'700'000'000'000);
}
