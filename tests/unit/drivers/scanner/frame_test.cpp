#include "test_prelude.h"

#include <sane/sane.h>

#include "kiosk/scanner/sane_scanner.h"

using namespace kiosk::scanner;  // NOLINT(google-build-using-namespace): test file

TEST_GROUP(Frame){};

TEST(Frame, GreyEightBitLinesAreCopied) {
  FrameParameters p{false, 8, 4, 3, 2};  // one pad byte a line
  const Bytes data = {1, 2, 3, 0, 4, 5, 6, 0};
  auto page = AssembleFrame(p, data, 300);
  CHECK(page.HasValue());
  LONGS_EQUAL(3, page->width);
  LONGS_EQUAL(2, page->height);
  LONGS_EQUAL(300, page->dpi);
  CHECK(page->gray);
  CHECK((page->pixels == Bytes{1, 2, 3, 4, 5, 6}));
}

TEST(Frame, RgbAndSixteenBitSamples) {
  FrameParameters rgb{true, 8, 6, 2, 1};
  auto page = AssembleFrame(rgb, {10, 20, 30, 40, 50, 60}, 200);
  CHECK(page.HasValue());
  CHECK_FALSE(page->gray);
  LONGS_EQUAL(6, page->pixels.size());
  FrameParameters deep{false, 16, 4, 2, 1};
  page = AssembleFrame(deep, {0x34, 0x12, 0xFF, 0xAB}, 200);
  CHECK(page.HasValue());
  CHECK((page->pixels == Bytes{0x12, 0xAB}));
}

TEST(Frame, LineartOneIsBlack) {
  FrameParameters p{false, 1, 1, 8, 1};
  auto page = AssembleFrame(p, {0b10100000}, 300);
  CHECK(page.HasValue());
  CHECK((page->pixels == Bytes{0, 255, 0, 255, 255, 255, 255, 255}));
}

TEST(Frame, HandScannerHeightComesFromTheData) {
  FrameParameters p{false, 8, 2, 2, -1};
  auto page = AssembleFrame(p, {1, 2, 3, 4, 5}, 300);  // a short last line is dropped
  CHECK(page.HasValue());
  LONGS_EQUAL(2, page->height);
}

TEST(Frame, ImpossibleParametersAreRefused) {
  CHECK_FALSE(
      AssembleFrame({false, 8, 2, 3, 1}, {1, 2, 3}, 300).HasValue());  // line shorter than pixels
  CHECK_FALSE(AssembleFrame({false, 12, 8, 3, 1}, Bytes(8), 300).HasValue());
  CHECK_FALSE(AssembleFrame({true, 1, 8, 3, 1}, Bytes(8), 300).HasValue());
  CHECK_FALSE(AssembleFrame({false, 8, 0, 0, 1}, {}, 300).HasValue());
  auto none = AssembleFrame({false, 8, 4, 4, 10}, {1, 2}, 300);
  CHECK_FALSE(none.HasValue());
  STRCMP_EQUAL("scanner.io", none.GetError().Code().c_str());
}

TEST(Frame, SaneStatusesMapToDomainErrors) {
  STRCMP_EQUAL("scanner.no_paper", ErrorForSaneStatus(SANE_STATUS_NO_DOCS, "x").Code().c_str());
  STRCMP_EQUAL("scanner.jammed", ErrorForSaneStatus(SANE_STATUS_JAMMED, "x").Code().c_str());
  STRCMP_EQUAL("scanner.cover_open",
               ErrorForSaneStatus(SANE_STATUS_COVER_OPEN, "x").Code().c_str());
  STRCMP_EQUAL("scanner.cancelled", ErrorForSaneStatus(SANE_STATUS_CANCELLED, "x").Code().c_str());
  STRCMP_EQUAL("scanner.io", ErrorForSaneStatus(SANE_STATUS_IO_ERROR, "x").Code().c_str());
  STRCMP_EQUAL("scanner.busy", ErrorForSaneStatus(SANE_STATUS_DEVICE_BUSY, "x").Code().c_str());
  CHECK(ErrorForSaneStatus(SANE_STATUS_JAMMED, "x").Class() ==
        kiosk::core::ErrorClass::kNeedsPerson);
  CHECK(ErrorForSaneStatus(SANE_STATUS_IO_ERROR, "x").Class() ==
        kiosk::core::ErrorClass::kRetryable);
}
