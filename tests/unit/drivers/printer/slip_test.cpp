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
  CHECK(has("000.17.22.H56-261130-0042"));
  CHECK(has("Tiếp nhận hồ sơ của: Ông/Bà"));
  CHECK(has("Nội dung yêu cầu giải quyết:"));
  // The items of Mẫu 01 numbered 1 to 7, the papers and fees lettered inside theirs.
  CHECK(has("1. Thành phần hồ sơ nộp gồm:"));
  CHECK(has("   a) Tờ khai điện tử"));
  CHECK(has("   b) Bản chính"));
  CHECK(has("2. Số lượng hồ sơ: 01 (bộ)"));
  CHECK(has("4. Thời gian nhận hồ sơ:"));
  CHECK(has("5. Thời gian trả kết quả giải quyết hồ sơ:"));
  CHECK(has("6. Đăng ký nhận kết quả tại: Quầy số 2"));
  CHECK(has("7. Phí, lệ phí:"));
  CHECK(has("   a) Phí chứng thực bản sao"));
  for (const auto& l : lines) CHECK_TEXT(l.rfind("   1. ", 0) != 0, l.c_str());
  // What is done at the counter, what to bring, where to look it up.
  CHECK(has("Việc Ông/Bà làm tại quầy một cửa:"));
  CHECK(has("   a) Xuất trình bản chính"));
  CHECK(has("Khi đến nhận kết quả, Ông/Bà mang theo:"));
  CHECK(has("Mã tra cứu:"));
  CHECK(has("Q7KD"));
  CHECK(has("Quét mã QR, hoặc vào dichvucong.gov.vn/tra-cuu-ho-so"));
  CHECK(has("Giờ làm việc: sáng 7 giờ 30"));
  CHECK(has("Đường dây nóng: 0235 3851 234"));
  // The appointment: its hour and day, set large on a line of its own.
  const auto slip = LayoutReceipt(SampleReceipt());
  int large = 0;
  for (const auto& b : slip.blocks) {
    if (b.text == "16 giờ 30 phút," || b.text == "ngày 30/11/2026") {
      large += b.style == TextStyle::kLarge ? 1 : 0;
    }
  }
  LONGS_EQUAL(2, large);
  // The provisional slip has no look-up code yet, and prints no dash for it.
  const auto provisional = ReceiptLines(SampleReceipt(true));
  CHECK(std::find(provisional.begin(), provisional.end(), "GIẤY TIẾP NHẬN HỒ SƠ (TẠM THỜI)") !=
        provisional.end());
  for (const auto& l : provisional) {
    CHECK_TEXT(l.find("Mã tra cứu") == std::string::npos, l.c_str());
    CHECK_TEXT(l.find(": -") == std::string::npos, l.c_str());
  }
  CHECK(std::find(provisional.begin(), provisional.end(), "KS-3FA9C21B") != provisional.end());
}

TEST(Slips, CodesAreNeverBrokenAcrossLines) {
  for (const auto& paper : {Paper80(), Paper58()}) {
    auto renderer = SlipRenderer::Open(paper);
    CHECK(renderer.HasValue());
    for (bool provisional : {false, true}) {
      const auto receipt = SampleReceipt(provisional);
      const auto lines = renderer->Lines(LayoutReceipt(receipt));
      auto whole_on_a_line = [&lines](const std::string& code) {
        return std::any_of(lines.begin(), lines.end(), [&code](const std::string& l) {
          return l.find(code) != std::string::npos;
        });
      };
      CHECK_TEXT(whole_on_a_line(receipt.local_reference), paper.name.c_str());
      if (!provisional) {
        CHECK_TEXT(whole_on_a_line(receipt.dossier_code), paper.name.c_str());
        CHECK_TEXT(whole_on_a_line(receipt.lookup_secret), paper.name.c_str());
      }
      CHECK_TEXT(whole_on_a_line("dichvucong.gov.vn/tra-cuu-ho-so"), paper.name.c_str());
    }
  }
}

TEST(Slips, TheBodyIsSetAtAboutTenPoints) {
  // A line of body text on 80 mm paper: at 203 dpi, 10 pt is 28 dots.
  auto renderer = SlipRenderer::Open(Paper80());
  Slip slip{"test", {}};
  Block b;
  b.text = "Đăng ký";
  slip.blocks.push_back(b);
  auto image = renderer->Render(slip);
  CHECK(image.HasValue());
  CHECK(image->height >= 28);
}

TEST(Slips, TheTicketShowsTheNumberAsTheScreenDoesWithItsCounter) {
  const auto lines = TicketLines(SampleTicket());
  CHECK(std::find(lines.begin(), lines.end(), "042") != lines.end());
  CHECK(std::find(lines.begin(), lines.end(), "Quầy một cửa số 1") != lines.end());
  CHECK(std::find(lines.begin(), lines.end(), "Đã có 41 người lấy số trước hôm nay.") !=
        lines.end());
  STRCMP_EQUAL("007", TicketNumberText(7).c_str());
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
