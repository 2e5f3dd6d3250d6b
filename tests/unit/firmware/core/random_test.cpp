#include "test_prelude.h"

#include "kiosk/core/random.h"

using namespace kiosk::core;  // NOLINT(google-build-using-namespace): test file

TEST_GROUP(Random){};

TEST(Random, DrbgGivesDifferentOutputEachCall) {
  auto drbg = Drbg::Create(AsBytes("test"));
  CHECK_TRUE(drbg.HasValue());
  auto a = RandomBytes(**drbg, 32);
  auto b = RandomBytes(**drbg, 32);
  CHECK(*a != *b);
}

TEST(Random, DrbgFillsRequestsLargerThanOneDrbgCall) {
  auto drbg = Drbg::Create();
  Bytes big(5000, 0);
  CHECK_TRUE((*drbg)->Fill(big).HasValue());
  // Each 1 KiB block of the output must be non-zero somewhere.
  for (std::size_t block = 0; block < big.size(); block += 1024) {
    bool any = false;
    for (std::size_t i = block; i < std::min(big.size(), block + 1024); ++i) any |= big[i] != 0;
    CHECK_TRUE(any);
  }
}

TEST(Random, TwoDrbgsDoNotRepeatEachOther) {
  auto a = Drbg::Create();
  auto b = Drbg::Create();
  CHECK(*RandomBytes(**a, 16) != *RandomBytes(**b, 16));
}

TEST(Random, DeterministicRandomRepeatsForTheSameSeed) {
  DeterministicRandom a(7);
  DeterministicRandom b(7);
  DeterministicRandom c(8);
  auto x = *RandomBytes(a, 24);
  CHECK(x == *RandomBytes(b, 24));
  CHECK(x != *RandomBytes(c, 24));
}
