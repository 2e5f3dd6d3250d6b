#include "test_prelude.h"

#include "kiosk/core/clock.h"
#include "kiosk/core/random.h"
#include "kiosk/core/selftest.h"

using namespace kiosk::core;  // NOLINT(google-build-using-namespace): test file

namespace {
// A generator stuck on one value: what a broken entropy source looks like.
class StuckRandom final : public RandomSource {
 public:
  Status Fill(std::span<std::uint8_t> out) override {
    std::fill(out.begin(), out.end(), 0x5a);
    return Ok();
  }
};

const SelfTestCheck* Find(const SelfTestReport& report, const std::string& name) {
  for (const auto& check : report.checks) {
    if (check.name == name) return &check;
  }
  return nullptr;
}
}  // namespace

TEST_GROUP(SelfTest) { FakeClock clock; };

TEST(SelfTest, AllChecksPassWithAHealthyGenerator) {
  auto drbg = Drbg::Create();
  SelfTestReport report = RunCryptoSelfTest(**drbg, clock);
  for (const auto& check : report.checks) {
    if (!check.passed) FAIL((check.name + ": " + check.detail).c_str());
  }
  CHECK_TRUE(report.Passed());
  for (const char* name :
       {"sha1.kat", "sha256.kat", "sha384.kat", "sha512.kat", "hmac-sha256.kat", "aes256-gcm.kat",
        "ecdsa-p256.kat", "drbg.health", "ecdsa-p256.pairwise"}) {
    CHECK_TEXT(Find(report, name) != nullptr, name);
  }
}

TEST(SelfTest, StuckGeneratorFailsTheHealthCheck) {
  StuckRandom stuck;
  SelfTestReport report = RunCryptoSelfTest(stuck, clock);
  CHECK_FALSE(report.Passed());
  const SelfTestCheck* health = Find(report, "drbg.health");
  CHECK_FALSE(health->passed);
  STRCMP_EQUAL("two outputs are identical", health->detail.c_str());
  // The known-answer tests do not depend on the generator and still pass.
  CHECK_TRUE(Find(report, "sha256.kat")->passed);
}

TEST(SelfTest, EmptyReportIsNotAPass) { CHECK_FALSE(SelfTestReport{}.Passed()); }
