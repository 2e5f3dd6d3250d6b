#include "kiosk/digitize/digitizer.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace kiosk::digitize {

core::Expected<cv::Mat> DecodeSource(const SourcePage& page) {
  if (!page.jpeg.empty()) {
    const cv::Mat encoded(1, static_cast<int>(page.jpeg.size()), CV_8UC1,
                          const_cast<std::uint8_t*>(page.jpeg.data()));
    cv::Mat image = cv::imdecode(encoded, cv::IMREAD_UNCHANGED);
    if (image.empty())
      return core::Error::Fatal("digitize.bad_image", "the page's JPEG is corrupt");
    return image;
  }
  const std::size_t expected = static_cast<std::size_t>(page.width) *
                               static_cast<std::size_t>(page.height) *
                               static_cast<std::size_t>(page.channels);
  if (page.width <= 0 || page.height <= 0 || (page.channels != 1 && page.channels != 3) ||
      page.pixels.size() != expected) {
    return core::Error::Fatal("digitize.bad_image", "the page's pixels do not match its size");
  }
  cv::Mat wrapped(page.height, page.width, page.channels == 1 ? CV_8UC1 : CV_8UC3,
                  const_cast<std::uint8_t*>(page.pixels.data()));
  cv::Mat image;
  if (page.channels == 3) {
    cv::cvtColor(wrapped, image, cv::COLOR_RGB2BGR);
  } else {
    image = wrapped.clone();
  }
  return image;
}

Digitizer::Digitizer(DigitizeOptions options, std::unique_ptr<Ocr> ocr)
    : options_(std::move(options)), ocr_(std::move(ocr)) {}
Digitizer::~Digitizer() = default;
Digitizer::Digitizer(Digitizer&&) noexcept = default;
Digitizer& Digitizer::operator=(Digitizer&&) noexcept = default;

core::Expected<Digitizer> Digitizer::Create(const DigitizeOptions& options) {
  std::unique_ptr<Ocr> ocr;
  if (options.recognize || options.fix_orientation) {
    KIOSK_ASSIGN_OR_RETURN(auto opened, Ocr::Open(options.ocr));
    ocr = std::make_unique<Ocr>(std::move(opened));
  }
  return Digitizer(options, std::move(ocr));
}

core::Expected<ProcessedPage> Digitizer::ProcessPage(const cv::Mat& source, int dpi,
                                                     catalog::PageMode mode) {
  ProcessedPage out;
  auto& report = out.report;
  cv::Mat image = source;
  if (auto corners = FindPage(image)) {
    image = CorrectPerspective(image, *corners);
    report.perspective_corrected = true;
  }
  cv::Mat flat = FlattenBackground(ToGray(image));
  if (IsBlank(flat)) {
    report.blank = true;
    return out;
  }
  report.skew_degrees = EstimateSkew(flat);
  flat = Rotate(flat, report.skew_degrees);
  image = Rotate(image, report.skew_degrees);
  if (options_.fix_orientation && ocr_) {
    KIOSK_ASSIGN_OR_RETURN(report.quarter_turns, ocr_->UprightQuarters(flat, dpi));
    if (report.quarter_turns != 0) {
      flat = RotateQuarters(flat, report.quarter_turns);
      image = RotateQuarters(image, report.quarter_turns);
      if (report.quarter_turns % 2 == 1) {  // the skew was measured across the lines
        const double more = EstimateSkew(flat);
        flat = Rotate(flat, more);
        image = Rotate(image, more);
        report.skew_degrees += more;
      }
    }
  }
  switch (mode) {
    case catalog::PageMode::kColor:
      report.mode = image.channels() == 3 ? Mode::kColor : Mode::kGray;
      break;
    case catalog::PageMode::kGray:
      report.mode = Mode::kGray;
      break;
    case catalog::PageMode::kPerPage:
      report.mode = ChooseMode(image, flat);
      break;
  }

  auto& page = out.pdf_page;
  page.width = flat.cols;
  page.height = flat.rows;
  page.dpi = dpi;
  if (report.mode == Mode::kBitonal) {
    KIOSK_ASSIGN_OR_RETURN(page.image, EncodeG4(Binarize(flat)));
    page.filter = dossier::PdfImageFilter::kCcittG4;
  } else {
    const cv::Mat& keep = report.mode == Mode::kColor ? image : flat;
    if (!cv::imencode(".jpg", keep, page.image,
                      {cv::IMWRITE_JPEG_QUALITY, options_.jpeg_quality})) {
      return core::Error::Fatal("digitize.encode", "the page could not be compressed");
    }
    page.gray = keep.channels() == 1;
    page.filter = dossier::PdfImageFilter::kDct;
  }
  report.bytes = page.image.size();

  if (options_.recognize && ocr_) {
    KIOSK_ASSIGN_OR_RETURN(auto result, ocr_->Recognize(flat, dpi));
    report.ocr_confidence = result.mean_confidence;
    out.text = std::move(result.text);
    for (auto& word : result.words) {
      // Words sit on their line: a hyphen's own box would put it mid-air.
      page.words.push_back(
          {std::move(word.text), word.box.x, word.line.y, word.box.width, word.line.height});
    }
  }
  return out;
}

core::Expected<Digitized> Digitizer::Digitize(const std::vector<SourcePage>& pages,
                                              const catalog::PageFormat& format,
                                              const std::function<void(int, int)>& progress,
                                              const std::atomic<bool>* cancel) {
  Digitized out;
  std::vector<dossier::PdfPage> kept;
  const int total = static_cast<int>(pages.size());
  for (int i = 0; i < total; ++i) {
    if (cancel && cancel->load()) {
      return core::Error::Retryable("digitize.cancelled", "digitization was cancelled");
    }
    const SourcePage& source = pages[static_cast<std::size_t>(i)];
    KIOSK_ASSIGN_OR_RETURN(auto image, DecodeSource(source));
    KIOSK_TRY(catalog::CheckScannedPage(format, source.dpi, image.channels() == 3));
    KIOSK_ASSIGN_OR_RETURN(auto page, ProcessPage(image, source.dpi, format.mode));
    out.reports.push_back(page.report);
    if (!page.report.blank) {
      if (!out.text.empty()) out.text += '\f';
      out.text += page.text;
      kept.push_back(std::move(page.pdf_page));
    }
    if (progress) progress(i + 1, total);
  }
  if (kept.empty()) {
    return core::Error::NeedsPerson("digitize.all_blank", "every scanned page was blank");
  }
  out.pages = static_cast<int>(kept.size());
  KIOSK_ASSIGN_OR_RETURN(out.pdf, dossier::WriteImagePdf(kept));
  return out;
}

}  // namespace kiosk::digitize
