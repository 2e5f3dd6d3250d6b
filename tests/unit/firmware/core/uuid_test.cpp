#include "test_prelude.h"

#include "kiosk/core/clock.h"
#include "kiosk/core/random.h"
#include "kiosk/core/uuid.h"

using namespace kiosk::core;  // NOLINT(google-build-using-namespace): test file
using std::chrono::milliseconds;

namespace {
// A source that always fails, like an entropy source that has gone away.
class BrokenRandom final : public RandomSource {
 public:
  Status Fill(std::span<std::uint8_t>) override {
    return Error::Retryable("rng.failed", "entropy source failed");
  }
};
}  // namespace

TEST_GROUP(Uuid) {
  FakeClock clock;
  DeterministicRandom random{42};
};

TEST(Uuid, ParsesAndPrintsCanonicalForm) {
  // RFC 9562 Appendix A.6 example UUIDv7.
  auto uuid = Uuid::Parse("017F22E2-79B0-7CC3-98C4-DC0C0C07398F");
  CHECK_TRUE(uuid.HasValue());
  STRCMP_EQUAL("017f22e2-79b0-7cc3-98c4-dc0c0c07398f", uuid->ToString().c_str());
  LONGS_EQUAL(7, uuid->Version());
  // 0x017F22E279B0 = 1645557742000 ms = Tue Feb 22 19:22:22 UTC 2022.
  CHECK_EQUAL(1645557742000LL, uuid->UnixMillis());
}

TEST(Uuid, ParseRejectsMalformedText) {
  CHECK_FALSE(Uuid::Parse("017f22e279b07cc398c4dc0c0c07398f").HasValue());
  CHECK_FALSE(Uuid::Parse("017f22e2-79b0-7cc3-98c4-dc0c0c07398").HasValue());
  CHECK_FALSE(Uuid::Parse("017f22e2-79b0-7cc3-98c4-dc0c0c07398g").HasValue());
  CHECK_FALSE(Uuid::Parse("017f22e2+79b0-7cc3-98c4-dc0c0c07398f").HasValue());
  CHECK_FALSE(Uuid::Parse("{017f22e2-79b0-7cc3-98c4-dc0c0c07398f}").HasValue());
}

TEST(Uuid, GeneratedIdsAreVersion7WithTheClockTime) {
  UuidV7Generator gen(clock, random);
  auto id = gen.Next();
  LONGS_EQUAL(7, id->Version());
  LONGS_EQUAL(0x80, id->Bytes()[8] & 0xc0);  // RFC 9562 variant
  CHECK_EQUAL(UnixMillis(clock.Now()), id->UnixMillis());
}

TEST(Uuid, IdsStrictlyIncreaseWithinOneMillisecond) {
  UuidV7Generator gen(clock, random);
  Uuid last = *gen.Next();
  for (int i = 0; i < 5000; ++i) {  // more than the 12-bit counter holds
    Uuid next = *gen.Next();
    CHECK(last < next);
    last = next;
  }
}

TEST(Uuid, IdsKeepIncreasingWhenTheWallClockStepsBack) {
  UuidV7Generator gen(clock, random);
  Uuid before = *gen.Next();
  clock.SetWall(clock.Now() - std::chrono::minutes(10));
  Uuid after = *gen.Next();
  CHECK(before < after);
}

TEST(Uuid, IdsFollowTheClockAcrossMilliseconds) {
  UuidV7Generator gen(clock, random);
  Uuid a = *gen.Next();
  clock.Advance(milliseconds(5));
  Uuid b = *gen.Next();
  CHECK_EQUAL(a.UnixMillis() + 5, b.UnixMillis());
}

TEST(Uuid, RandomFailureIsReported) {
  BrokenRandom broken;
  UuidV7Generator gen(clock, broken);
  auto id = gen.Next();
  CHECK_FALSE(id.HasValue());
  STRCMP_EQUAL("rng.failed", id.GetError().Code().c_str());
}

TEST(Uuid, NilIsNil) {
  CHECK_TRUE(Uuid().IsNil());
  CHECK_FALSE(Uuid::Parse("017f22e2-79b0-7cc3-98c4-dc0c0c07398f")->IsNil());
}
