#include "test_prelude.h"

#include "kiosk/core/text.h"
#include "kiosk/digitize/digitizer.h"
#include "kiosk/scanner/sim/synthetic.h"

using namespace kiosk::digitize;  // NOLINT(google-build-using-namespace): test file
namespace sim = kiosk::scanner::sim;

namespace {

sim::Document Page(std::uint64_t seed, int dpi) {
  auto doc = sim::GenerateDocument(seed, dpi);
  CHECK(doc.HasValue());
  return std::move(doc).Value();
}

sim::Degradation Rotated(double degrees) {
  sim::Degradation d;
  d.rotate_degrees = degrees;
  return d;
}

Digitizer& SharedDigitizer() {
  static Digitizer* digitizer = [] {
    auto created = Digitizer::Create({});
    if (!created) FAIL(created.GetError().ToString().c_str());
    return new Digitizer(std::move(created).Value());
  }();
  return *digitizer;
}

}  // namespace

// Tesseract and OpenCV keep caches across tests (test_prelude.h).
// clang-format off
TEST_GROUP(Pipeline) {
  void setup() override {
    cv::setNumThreads(0);  // no OpenCV worker threads allocating behind the test
    kiosk::test::StopTrackingAllocations();
  }
  void teardown() override { kiosk::test::ResumeTrackingAllocations(); }
};
// clang-format on

TEST(Pipeline, SkewIsFoundWithinAQuarterDegreeAndRemoved) {
  const auto doc = Page(11, 150);
  for (double degrees : {-12.0, -5.0, -1.5, 3.0, 9.0, 14.0}) {
    const cv::Mat skewed = sim::Degrade(doc.image, Rotated(degrees), 1);
    const double found = EstimateSkew(FlattenBackground(skewed));
    DOUBLES_EQUAL(-degrees, found, 0.25);
    const cv::Mat level = Rotate(skewed, found);
    DOUBLES_EQUAL(0.0, EstimateSkew(level), 0.25);
  }
}

TEST(Pipeline, BlankPagesAreToldFromPrintedOnes) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    CHECK_TRUE(IsBlank(FlattenBackground(sim::GenerateBlankPage(seed, 150).image)));
    CHECK_FALSE(IsBlank(FlattenBackground(Page(seed, 150).image)));
  }
  // A washed-out, shadowed blank page is still blank.
  sim::Degradation grey;
  grey.contrast = 0.6;
  grey.shadow = 0.4;
  grey.noise_sigma = 6;
  CHECK_TRUE(
      IsBlank(FlattenBackground(sim::Degrade(sim::GenerateBlankPage(4, 150).image, grey, 4))));
}

TEST(Pipeline, TextPagesAreBitonalAndStampedPagesColour) {
  const auto doc = Page(21, 150);
  CHECK(ChooseMode(doc.image, FlattenBackground(doc.image)) == Mode::kBitonal);
  cv::Mat colour;
  cv::cvtColor(doc.image, colour, cv::COLOR_GRAY2BGR);
  cv::circle(colour, {colour.cols * 3 / 4, colour.rows * 3 / 4}, 80, cv::Scalar(30, 30, 200), 6);
  CHECK(ChooseMode(colour, FlattenBackground(ToGray(colour))) == Mode::kColor);
  cv::Mat photo = doc.image.clone();
  cv::randu(photo(cv::Rect(100, 300, 800, 700)), 60, 200);
  CHECK(ChooseMode(photo, FlattenBackground(photo)) == Mode::kGray);
}

TEST(Pipeline, ACameraCaptureIsCutOutOfItsBackground) {
  const auto doc = Page(31, 100);
  sim::Degradation camera;
  camera.on_background = true;
  camera.perspective = 0.05;
  const cv::Mat captured = sim::Degrade(doc.image, camera, 3);
  auto corners = FindPage(captured);
  CHECK_TRUE(corners.has_value());
  const cv::Mat page = CorrectPerspective(captured, *corners);
  // The page, not the desk: about A4's shape, and no dark border left.
  DOUBLES_EQUAL(297.0 / 210.0, static_cast<double>(page.rows) / page.cols, 0.08);
  CHECK(cv::mean(page(cv::Rect(0, 0, page.cols, 5)))[0] > 150);
  // A flatbed scan has no background to cut.
  CHECK_FALSE(FindPage(doc.image).has_value());
}

// clang-format off
TEST_GROUP(Ocr) {
  void setup() override {
    cv::setNumThreads(0);  // no OpenCV worker threads allocating behind the test
    kiosk::test::StopTrackingAllocations();
  }
  void teardown() override { kiosk::test::ResumeTrackingAllocations(); }
};
// clang-format on

TEST(Ocr, VietnameseCharacterErrorRateIsUnderTwoPercent) {
  // Two scans with mild degradation (skew, noise, blur, JPEG), 300 dpi.
  for (std::uint64_t seed : {std::uint64_t{101}, std::uint64_t{102}}) {
    const auto doc = Page(seed, 300);
    const cv::Mat scan = sim::Degrade(doc.image, sim::RandomDegradation(seed, 1), seed);
    auto page = SharedDigitizer().ProcessPage(scan, 300);
    CHECK(page.HasValue());
    const double cer = kiosk::core::CharacterErrorRate(doc.truth, page->text);
    if (cer >= 0.02) FAIL(("CER " + std::to_string(cer) + "\n" + page->text).c_str());
  }
}

TEST(Ocr, AnUpsideDownPageIsTurnedAndRead) {
  const auto doc = Page(103, 200);
  sim::Degradation flipped;
  flipped.upside_down = true;
  auto page = SharedDigitizer().ProcessPage(sim::Degrade(doc.image, flipped, 1), 200);
  CHECK(page.HasValue());
  LONGS_EQUAL(2, page->report.quarter_turns);
  CHECK(kiosk::core::CharacterErrorRate(doc.truth, page->text) < 0.05);
}

TEST(Ocr, AttachmentIsOneSearchablePdfWithoutTheBlankPage) {
  const std::vector<cv::Mat> images = {Page(104, 200).image, sim::GenerateBlankPage(5, 200).image};
  std::vector<SourcePage> sources;
  for (const cv::Mat& image : images) {
    SourcePage s;
    s.width = image.cols;
    s.height = image.rows;
    s.channels = 1;
    s.dpi = 200;
    s.pixels = std::span<const std::uint8_t>(image.data, image.total());
    sources.push_back(s);
  }
  std::vector<int> progress;
  const kiosk::catalog::PageFormat per_page{kiosk::catalog::PageMode::kPerPage, 200, "R"};
  auto done =
      SharedDigitizer().Digitize(sources, per_page, [&](int n, int) { progress.push_back(n); });
  CHECK(done.HasValue());
  LONGS_EQUAL(1, done->pages);
  LONGS_EQUAL(2, done->reports.size());
  CHECK_TRUE(done->reports[1].blank);
  CHECK((progress == std::vector<int>{1, 2}));
  CHECK(done->reports[0].mode == Mode::kBitonal);

  // poppler reads the text layer back, diacritics intact.
  kiosk::test::TempDir dir;
  const auto pdf = dir.Path() / "attachment.pdf";
  std::ofstream(pdf, std::ios::binary)
      .write(reinterpret_cast<const char*>(done->pdf.data()),
             static_cast<std::streamsize>(done->pdf.size()));
  auto text = kiosk::test::RunProcess({"/usr/bin/pdftotext", pdf.string(), "-"});
  LONGS_EQUAL(0, text.exit_code);
  CHECK(text.out.find("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") != std::string::npos);
  auto info = kiosk::test::RunProcess({"/usr/bin/pdfinfo", pdf.string()});
  const auto pages_at = info.out.find("Pages:");
  CHECK(pages_at != std::string::npos);
  LONGS_EQUAL(1, std::atoi(info.out.c_str() + pages_at + 6));
  // The G4 image renders black ink on white paper.
  auto rendered = kiosk::test::RunProcess(
      {"/usr/bin/pdftoppm", "-r", "30", "-gray", pdf.string(), (dir.Path() / "page").string()});
  LONGS_EQUAL(0, rendered.exit_code);
  const cv::Mat back = cv::imread((dir.Path() / "page-1.pgm").string(), cv::IMREAD_GRAYSCALE);
  CHECK_FALSE(back.empty());
  CHECK(cv::mean(back)[0] > 200);

  // Every page blank: nothing to attach.
  std::vector<SourcePage> blank(sources.begin() + 1, sources.end());
  auto none = SharedDigitizer().Digitize(blank, per_page);
  CHECK_FALSE(none.HasValue());
  STRCMP_EQUAL("digitize.all_blank", none.GetError().Code().c_str());
}

TEST(Ocr, CorruptInputIsRefused) {
  const std::vector<std::uint8_t> seven(7);
  SourcePage bad;
  bad.width = 10;
  bad.height = 10;
  bad.pixels = seven;
  const kiosk::catalog::PageFormat per_page{kiosk::catalog::PageMode::kPerPage, 0, "R"};
  auto done = SharedDigitizer().Digitize({bad}, per_page);
  CHECK_FALSE(done.HasValue());
  STRCMP_EQUAL("digitize.bad_image", done.GetError().Code().c_str());
  const std::vector<std::uint8_t> broken = {0xFF, 0xD8, 0x00};
  SourcePage jpeg;
  jpeg.jpeg = broken;
  CHECK_FALSE(SharedDigitizer().Digitize({jpeg}, per_page).HasValue());
}

namespace {

// The colour space of the PDF's first image, as poppler's pdfimages lists it
// ("rgb", "gray").
std::string FirstImageColour(const std::vector<std::uint8_t>& pdf) {
  kiosk::test::TempDir dir;
  const auto path = dir.Path() / "attachment.pdf";
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(pdf.data()), static_cast<std::streamsize>(pdf.size()));
  auto listed = kiosk::test::RunProcess({"/usr/bin/pdfimages", "-list", path.string()});
  std::istringstream lines(listed.out);
  std::string line;
  std::getline(lines, line);  // header
  std::getline(lines, line);  // ----
  std::getline(lines, line);
  std::istringstream fields(line);
  std::string page, num, type, width, height, colour;
  fields >> page >> num >> type >> width >> height >> colour;
  return colour;
}

SourcePage Source(const cv::Mat& image, int dpi) {
  SourcePage s;
  s.width = image.cols;
  s.height = image.rows;
  s.channels = image.channels();
  s.dpi = dpi;
  s.pixels = std::span<const std::uint8_t>(image.data, image.total() * image.elemSize());
  return s;
}

}  // namespace

// Pages are kept as the procedure's format says: the rule's colour at 200
// dpi, the seal red in the PDF; grey when a procedure's rule allows it; and
// a page the scanner gave in grey or below the resolution is refused, never
// kept short of the rule.
TEST(Ocr, PagesAreKeptInTheProceduresFormat) {
  const auto doc = Page(105, 200);
  cv::Mat colour = sim::ColourScan(doc.image, 200, 105);
  cv::cvtColor(colour, colour, cv::COLOR_BGR2RGB);  // scanners give RGB
  const kiosk::catalog::PageFormat rule;            // colour, 200 dpi
  auto kept = SharedDigitizer().Digitize({Source(colour, 200)}, rule);
  CHECK_TEXT(kept.HasValue(), kept ? "" : kept.GetError().ToString().c_str());
  CHECK(kept->reports[0].mode == Mode::kColor);
  STRCMP_EQUAL("rgb", FirstImageColour(kept->pdf).c_str());
  CHECK(kiosk::core::CharacterErrorRate(doc.truth, kept->text) < 0.05);

  const kiosk::catalog::PageFormat grey{kiosk::catalog::PageMode::kGray, 200, "R"};
  auto small = SharedDigitizer().Digitize({Source(colour, 200)}, grey);
  CHECK(small.HasValue());
  CHECK(small->reports[0].mode == Mode::kGray);
  STRCMP_EQUAL("gray", FirstImageColour(small->pdf).c_str());
  CHECK(small->pdf.size() < kept->pdf.size());

  auto not_colour = SharedDigitizer().Digitize({Source(doc.image, 200)}, rule);
  CHECK_FALSE(not_colour.HasValue());
  STRCMP_EQUAL("scan.not_color", not_colour.GetError().Code().c_str());
  auto coarse = SharedDigitizer().Digitize({Source(colour, 150)}, rule);
  CHECK_FALSE(coarse.HasValue());
  STRCMP_EQUAL("scan.low_resolution", coarse.GetError().Code().c_str());
}
