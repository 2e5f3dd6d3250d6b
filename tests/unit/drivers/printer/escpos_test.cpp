#include "test_prelude.h"

#include "kiosk/printer/escpos.h"
#include "kiosk/printer/escpos_sim.h"

using namespace kiosk;           // NOLINT(google-build-using-namespace): test file
using namespace kiosk::printer;  // NOLINT(google-build-using-namespace): test file

TEST_GROUP(EscPos){};

TEST(EscPos, RasterIsSentInBandsWithTheirHeaders) {
  Bitmap image(12, 3);  // 2 bytes a row
  image.Set(0, 0);
  image.Set(11, 2);
  EscPosWriter out;
  out.Initialize().Raster(image, 2);
  const core::Bytes expected = {0x1B, '@',
                                // band 1: 2 rows
                                0x1D, 'v', '0', 0, 2, 0, 2, 0, 0x80, 0x00, 0x00, 0x00,
                                // band 2: 1 row
                                0x1D, 'v', '0', 0, 2, 0, 1, 0, 0x00, 0x10};
  CHECK(out.Bytes() == expected);
}

TEST(EscPos, QrFeedCutAndStatusRequests) {
  EscPosWriter out;
  out.Qr("AB", 6, QrLevel::kM).FeedDots(300).Cut().StatusRequest(4);
  const core::Bytes expected = {0x1D, '(',  'k', 4,    0,   49, 65, 50, 0,         // model 2
                                0x1D, '(',  'k', 3,    0,   49, 67, 6,             // module 6 dots
                                0x1D, '(',  'k', 3,    0,   49, 69, 49,            // level M
                                0x1D, '(',  'k', 5,    0,   49, 80, 48, 'A', 'B',  // store "AB"
                                0x1D, '(',  'k', 3,    0,   49, 81, 48,            // print
                                0x1B, 'J',  255, 0x1B, 'J', 45,  // 300 dots in two feeds
                                0x1D, 'V',  66,  0,              // feed and partial cut
                                0x10, 0x04, 4};                  // paper sensor status
  CHECK(out.Bytes() == expected);
}

TEST(EscPos, StatusBytesAreDecoded) {
  StatusFlags ready;
  CHECK(ParseStatusByte(1, 0x12, ready).HasValue());
  CHECK(ParseStatusByte(2, 0x12, ready).HasValue());
  CHECK(ParseStatusByte(4, 0x12, ready).HasValue());
  CHECK_FALSE(ready.offline || ready.cover_open || ready.paper_out || ready.paper_near_end);

  StatusFlags cover;
  CHECK(ParseStatusByte(1, 0x1A, cover).HasValue());  // offline
  CHECK(ParseStatusByte(2, 0x16, cover).HasValue());  // cover open
  CHECK(cover.offline);
  CHECK(cover.cover_open);
  CHECK_FALSE(cover.paper_out);

  StatusFlags near;
  CHECK(ParseStatusByte(4, 0x1E, near).HasValue());
  CHECK(near.paper_near_end);
  CHECK_FALSE(near.paper_out);

  StatusFlags out;
  CHECK(ParseStatusByte(2, 0x32, out).HasValue());  // stopped at the paper end
  CHECK(out.paper_out);
  StatusFlags sensor;
  CHECK(ParseStatusByte(4, 0x72, sensor).HasValue());  // no paper at the sensor
  CHECK(sensor.paper_out);

  StatusFlags bad;
  STRCMP_EQUAL("printer.bad_status", ParseStatusByte(1, 0x00, bad).GetError().Code().c_str());
  STRCMP_EQUAL("printer.bad_status", ParseStatusByte(4, 0x93, bad).GetError().Code().c_str());
  STRCMP_EQUAL("printer.bad_status", ParseStatusByte(7, 0x12, bad).GetError().Code().c_str());
}

TEST(EscPos, TheInterpreterAnswersAsTheStatusParserExpects) {
  EscPosInterpreter sim(576);
  sim.SetNearEndBelow(100);
  auto flags_of = [&sim] {
    StatusFlags f;
    for (int n : {1, 2, 4}) CHECK(ParseStatusByte(n, sim.StatusByte(n), f).HasValue());
    return f;
  };
  CHECK_FALSE(flags_of().paper_out);
  sim.SetPaperLeft(50);
  CHECK(flags_of().paper_near_end);
  sim.SetPaperLeft(0);
  CHECK(flags_of().paper_out);
  sim.SetPaperLeft(-1);
  sim.SetCoverOpen(true);
  CHECK(flags_of().cover_open);
  // A status request answered through the byte stream.
  auto reply = sim.Feed(core::Bytes{0x10, 0x04, 2});
  LONGS_EQUAL(1, reply.size());
  LONGS_EQUAL(0x16, reply[0]);
}

TEST(EscPos, CommandsSplitAcrossWritesPrintTheSame) {
  Bitmap image(16, 40);
  for (int y = 0; y < 40; ++y) image.Set(y % 16, y);
  EscPosWriter out;
  out.Initialize().Raster(image, 16).Qr("kiosk", 3, QrLevel::kM).FeedDots(20).Cut();
  EscPosInterpreter whole(576);
  whole.Feed(out.Bytes());
  EscPosInterpreter trickle(576);
  for (auto byte : out.Bytes()) trickle.Feed(core::Bytes{byte});
  auto a = whole.TakeSheets();
  auto b = trickle.TakeSheets();
  LONGS_EQUAL(1, a.size());
  LONGS_EQUAL(1, b.size());
  CHECK(a[0].bits == b[0].bits);
  CHECK(a[0].height > 40 + 20);
  CHECK(whole.Errors().empty());
}

TEST(EscPos, UnknownCommandsAreReportedAndSkipped) {
  EscPosInterpreter sim(576);
  sim.Feed(core::Bytes{'H', 'i', 0x1B, 'Z', 0x1B, '@'});
  LONGS_EQUAL(3, sim.Errors().size());
  CHECK(sim.Errors()[0].find("text byte") != std::string::npos);
  LONGS_EQUAL(6, sim.BytesConsumed());
}

TEST(EscPos, PaperRunningOutCutsTheSlipShort) {
  Bitmap image(8, 100);
  EscPosInterpreter sim(576);
  sim.SetPaperLeft(60);
  EscPosWriter out;
  out.Raster(image, 32).Cut();
  sim.Feed(out.Bytes());
  CHECK(sim.PaperOut());
  auto sheets = sim.TakeSheets();
  LONGS_EQUAL(1, sheets.size());
  LONGS_EQUAL(60, sheets[0].height);
}
