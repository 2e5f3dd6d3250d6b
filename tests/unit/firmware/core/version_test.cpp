#include "test_prelude.h"

#include "kiosk/core/version.h"

using kiosk::core::CompareVersions;

TEST_GROUP(Versions){};

TEST(Versions, NumbersCompareAsNumbers) {
  CHECK(CompareVersions("0.8.0", "0.9.0") < 0);
  CHECK(CompareVersions("0.10.0", "0.9.0") > 0);
  CHECK(CompareVersions("1.0", "1.0") == 0);
  CHECK(CompareVersions("1.00", "1.0") == 0);
  CHECK(CompareVersions("2026.12.1", "2026.2.9") > 0);
  CHECK(CompareVersions("1.0.1", "1.0") > 0);
}

TEST(Versions, TildeSortsBeforeTheReleaseAndLettersBeforeSymbols) {
  CHECK(CompareVersions("1.0~rc1", "1.0") < 0);
  CHECK(CompareVersions("1.0~rc1", "1.0~rc2") < 0);
  CHECK(CompareVersions("1.0+build2", "1.0") > 0);
  CHECK(CompareVersions("1.0a", "1.0+") < 0);
  CHECK(CompareVersions("", "0") == 0);
  CHECK(CompareVersions("", "~") > 0);
}
