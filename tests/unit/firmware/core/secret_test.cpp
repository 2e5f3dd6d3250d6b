#include "test_prelude.h"

#include "kiosk/core/log.h"
#include "kiosk/core/secret.h"

using kiosk::core::ConstantTimeEquals;
using kiosk::core::Personal;
using kiosk::core::PersonalText;
using kiosk::core::SecretBytes;

TEST_GROUP(Secret){};

TEST(Secret, SecretBytesMoveLeavesSourceEmpty) {
  SecretBytes a(kiosk::core::AsBytes("key material"));
  SecretBytes b(std::move(a));
  LONGS_EQUAL(0, a.Size());  // NOLINT(bugprone-use-after-move): checking the moved-from state
  LONGS_EQUAL(12, b.Size());
}

TEST(Secret, SecretBytesCompareInConstantTime) {
  SecretBytes a(kiosk::core::AsBytes("abc"));
  SecretBytes b(kiosk::core::AsBytes("abc"));
  SecretBytes c(kiosk::core::AsBytes("abd"));
  CHECK_TRUE(a == b);
  CHECK_FALSE(a == c);
  CHECK_FALSE(ConstantTimeEquals(kiosk::core::AsBytes("ab"), kiosk::core::AsBytes("abc")));
}

TEST(Secret, CloneIsExplicitAndEqual) {
  SecretBytes a(kiosk::core::AsBytes("xyz"));
  SecretBytes b = a.Clone();
  CHECK_TRUE(a == b);
}

TEST(Secret, SecureZeroClearsMemory) {
  std::array<std::uint8_t, 16> buf{};
  buf.fill(0xAA);
  kiosk::core::SecureZero(buf.data(), buf.size());
  for (auto b : buf) LONGS_EQUAL(0, b);
}

TEST(Secret, PersonalMoveWipesTheSmallStringBuffer) {
  // A short string lives in the object itself; a plain std::string move would
  // leave its characters behind in the moved-from object.
  PersonalText a(std::string("Nguyễn A"));
  const char* inline_buffer = a.Reveal().data();
  PersonalText b(std::move(a));
  STRCMP_EQUAL("Nguyễn A", b.Reveal().c_str());
  LONGS_EQUAL(0, a.Reveal().size());  // NOLINT(bugprone-use-after-move)
  for (std::size_t i = 0; i < 8; ++i) LONGS_EQUAL(0, inline_buffer[i]);
}

TEST(Secret, PersonalMoveAssignWipesBothOldValues) {
  PersonalText a(std::string("079203001234"));
  PersonalText b(std::string("old"));
  b = std::move(a);
  STRCMP_EQUAL("079203001234", b.Reveal().c_str());
  CHECK_TRUE(a.Reveal().empty());  // NOLINT(bugprone-use-after-move)
}

// The type-level guarantee that personal data cannot be logged. A second,
// compile-time test (personal_not_loggable) proves the log call is rejected.
static_assert(!kiosk::core::log::Loggable<PersonalText>);
static_assert(!kiosk::core::log::Loggable<Personal<std::vector<std::uint8_t>>>);
static_assert(!kiosk::core::log::Loggable<SecretBytes>);
static_assert(kiosk::core::log::Loggable<std::string>);
static_assert(kiosk::core::log::Loggable<int>);
static_assert(kiosk::core::log::Loggable<std::chrono::milliseconds>);
static_assert(!std::is_copy_constructible_v<PersonalText>);
static_assert(!std::is_copy_constructible_v<SecretBytes>);
