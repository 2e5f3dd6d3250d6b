#include "test_prelude.h"

#include <cstdlib>

#include <opencv2/imgcodecs.hpp>

#include "kiosk/printer/escpos_sim.h"
#include "kiosk/printer/layout.h"
#include "kiosk/printer/samples.h"
#include "kiosk/qr/qr.h"
#include "test_support.h"

using namespace kiosk;           // NOLINT(google-build-using-namespace): test file
using namespace kiosk::printer;  // NOLINT(google-build-using-namespace): test file

namespace {

// Prints `slip` through the ESC/POS interpreter: the paper that comes out.
Bitmap PrintThroughSimulator(const SlipRenderer& renderer, const Slip& slip, bool native_qr) {
  EncodeOptions options;
  options.native_qr = native_qr;
  auto job = renderer.Encode(slip, options);
  CHECK(job.HasValue());
  EscPosInterpreter sim(renderer.Paper().width_dots);
  sim.Feed(*job);
  CHECK_TEXT(sim.Errors().empty(), sim.Errors().empty() ? "" : sim.Errors()[0].c_str());
  auto sheets = sim.TakeSheets();
  LONGS_EQUAL(1, sheets.size());
  return sheets.front();
}

cv::Mat ToMat(const Bitmap& b) {
  cv::Mat m(b.height, b.width, CV_8UC1, cv::Scalar(255));
  for (int y = 0; y < b.height; ++y) {
    for (int x = 0; x < b.width; ++x) {
      if (b.Black(x, y)) m.at<std::uint8_t>(y, x) = 0;
    }
  }
  return m;
}

// The sheet against tests/data/printer/NAME.png: same size, and under 0.1 %
// of dots different (FreeType's rasterisation is stable for a given font
// file; the tolerance absorbs nothing more). KIOSK_UPDATE_GOLDEN=1 rewrites
// the golden file; a mismatch leaves the actual sheet beside the test binary.
void CheckGolden(const Bitmap& sheet, const std::string& name) {
  const auto golden = test::DataPath("printer/" + name + ".png");
  if (std::getenv("KIOSK_UPDATE_GOLDEN") != nullptr) {
    CHECK(WritePng(sheet, golden).HasValue());
    return;
  }
  const cv::Mat expected = cv::imread(golden.string(), cv::IMREAD_GRAYSCALE);
  CHECK_TEXT(!expected.empty(), ("no golden image " + golden.string()).c_str());
  const cv::Mat actual = ToMat(sheet);
  const bool same_size = expected.size() == actual.size();
  double differing = 1.0;
  if (same_size) {
    cv::Mat diff;
    cv::absdiff(expected, actual, diff);
    differing = static_cast<double>(cv::countNonZero(diff)) / static_cast<double>(diff.total());
  }
  if (!same_size || differing > 0.001) {
    (void)WritePng(sheet, "actual-" + name + ".png");
    FAIL(("the printed " + name + " differs from its golden image; see actual-" + name + ".png")
             .c_str());
  }
}

}  // namespace

// clang-format off
TEST_GROUP(Slips) {
  void setup() override {
    test::StopTrackingAllocations();  // OpenCV's thread pool lives for the process
    cv::setNumThreads(0);
  }
  void teardown() override { test::ResumeTrackingAllocations(); }
};
// clang-format on

TEST(Slips, EveryLayoutMatchesItsGoldenImage) {
  auto wide = SlipRenderer::Open(Paper80());
  CHECK(wide.HasValue());
  CheckGolden(PrintThroughSimulator(*wide, LayoutReceipt(SampleReceipt()), true), "receipt-80mm");
  CheckGolden(PrintThroughSimulator(*wide, LayoutReceipt(SampleReceipt(true)), true),
              "provisional-80mm");
  CheckGolden(PrintThroughSimulator(*wide, LayoutFeeReceipt(SampleFeeReceipt()), true),
              "fee-receipt-80mm");
  CheckGolden(PrintThroughSimulator(*wide, LayoutTicket(SampleTicket()), true), "ticket-80mm");
  auto narrow = SlipRenderer::Open(Paper58());
  CHECK(narrow.HasValue());
  CheckGolden(PrintThroughSimulator(*narrow, LayoutReceipt(SampleReceipt()), true), "receipt-58mm");
}

TEST(Slips, NativeAndRasterQrPrintTheSamePaper) {
  auto renderer = SlipRenderer::Open(Paper80());
  const auto slip = LayoutReceipt(SampleReceipt());
  const auto native = PrintThroughSimulator(*renderer, slip, true);
  const auto raster = PrintThroughSimulator(*renderer, slip, false);
  LONGS_EQUAL(native.height, raster.height);
  CHECK(native.bits == raster.bits);
  // And the preview is that paper, less the feed before the cut.
  auto preview = renderer->Render(slip);
  CHECK(preview.HasValue());
  CHECK(preview->height < native.height);
}

TEST(Slips, ThePrintedQrCodeLeadsToTheDossier) {
  auto renderer = SlipRenderer::Open(Paper80());
  const auto receipt = SampleReceipt();
  const auto sheet = PrintThroughSimulator(*renderer, LayoutReceipt(receipt), true);
  const auto decoded = qr::DecodeQr(ToMat(sheet));
  LONGS_EQUAL(1, decoded.size());
  STRCMP_EQUAL(receipt.lookup_url.c_str(), decoded[0].c_str());
}

TEST(Slips, TheReceiptCarriesTheFieldsOfMau01) {
  const auto lines = ReceiptLines(SampleReceipt());
  auto has = [&lines](const std::string& prefix) {
    for (const auto& l : lines) {
      if (l.rfind(prefix, 0) == 0) return true;
    }
    return false;
  };
  CHECK(has("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"));
  CHECK(has("Mã hồ sơ: 000.17.22.H56-261130-0042"));
  CHECK(has("Tiếp nhận hồ sơ của: Ông/Bà"));
  CHECK(has("Nội dung yêu cầu giải quyết:"));
  CHECK(has("1. Thành phần hồ sơ nộp gồm:"));
  CHECK(has("4. Thời gian nhận hồ sơ:"));
  CHECK(has("5. Thời gian trả kết quả giải quyết hồ sơ:"));
  CHECK(has("6. Đăng ký nhận kết quả tại:"));
  CHECK(has("Mã tra cứu: Q7KD"));
  const auto provisional = ReceiptLines(SampleReceipt(true));
  CHECK(std::find(provisional.begin(), provisional.end(), "GIẤY TIẾP NHẬN HỒ SƠ (TẠM THỜI)") !=
        provisional.end());
}

TEST(Slips, LongWordsAreSplitAndNothingOverflowsThePaper) {
  auto renderer = SlipRenderer::Open(Paper58());
  Slip slip{"test", {}};
  Block b;
  b.text = std::string(120, 'W') + " " + "Nguyễn Văn A";
  slip.blocks.push_back(b);
  auto image = renderer->Render(slip);
  CHECK(image.HasValue());
  LONGS_EQUAL(384, image->width);
  // Several lines of text, and the right margin clear.
  CHECK(image->height > 3 * 24);
  for (int y = 0; y < image->height; ++y) {
    for (int x = 384 - 4; x < 384; ++x) CHECK(!image->Black(x, y));
  }
}
