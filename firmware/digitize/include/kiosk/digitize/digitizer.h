#pragma once

// Scanned pages in, one searchable PDF out: the page pipeline (pipeline.h),
// OCR (ocr.h) and the dossier's PDF writer, per attachment. Blank pages are
// dropped; each kept page is stored as the procedure's page format says
// (catalog::PageFormat: colour, grey, or whichever each page is), and
// carries an invisible text layer. The recognized text goes to the
// dossier too: the component is digitized.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "kiosk/catalog/catalog.h"
#include "kiosk/core/error.h"
#include "kiosk/digitize/ocr.h"
#include "kiosk/digitize/pipeline.h"
#include "kiosk/dossier/image_pdf.h"

namespace kiosk::digitize {

// One page as the scanner gave it: raw 8-bit pixels (grey or RGB, rows
// packed) or a JPEG. Views: the caller keeps (and wipes) the citizen's
// images; nothing is copied.
struct SourcePage {
  std::span<const std::uint8_t> pixels;
  std::span<const std::uint8_t> jpeg;
  int width = 0;
  int height = 0;
  int channels = 1;
  int dpi = 300;
};

core::Expected<cv::Mat> DecodeSource(const SourcePage& page);  // grey or BGR

struct DigitizeOptions {
  OcrOptions ocr;
  bool recognize = true;  // OCR and the text layer
  bool fix_orientation = true;
  int jpeg_quality = 70;  // grey and colour pages
};

struct PageReport {
  bool blank = false;
  bool perspective_corrected = false;
  int quarter_turns = 0;    // clockwise, applied
  double skew_degrees = 0;  // found (and removed)
  Mode mode = Mode::kGray;
  float ocr_confidence = 0;
  std::size_t bytes = 0;  // compressed image
};

struct ProcessedPage {
  PageReport report;
  dossier::PdfPage pdf_page;  // empty image when blank
  std::string text;
};

struct Digitized {
  std::vector<std::uint8_t> pdf;
  std::string text;                 // every page's text, pages separated by a form feed
  int pages = 0;                    // kept
  std::vector<PageReport> reports;  // one per source page, blank ones included
  bool has_text() const { return !text.empty(); }
};

class Digitizer {
 public:
  static core::Expected<Digitizer> Create(const DigitizeOptions& options);
  ~Digitizer();
  Digitizer(Digitizer&&) noexcept;
  Digitizer& operator=(Digitizer&&) noexcept;

  // The page kept in `mode`; colour needs a colour image (else it is kept
  // grey).
  core::Expected<ProcessedPage> ProcessPage(const cv::Mat& image, int dpi,
                                            catalog::PageMode mode = catalog::PageMode::kPerPage);

  // Every page is first checked against `format` (catalog::CheckScannedPage:
  // resolution, colour). progress(done, total) after each page; `cancel`
  // checked between pages ("digitize.cancelled"). Fails with
  // "digitize.all_blank" when every page was blank.
  core::Expected<Digitized> Digitize(const std::vector<SourcePage>& pages,
                                     const catalog::PageFormat& format,
                                     const std::function<void(int, int)>& progress = {},
                                     const std::atomic<bool>* cancel = nullptr);

 private:
  Digitizer(DigitizeOptions options, std::unique_ptr<Ocr> ocr);
  DigitizeOptions options_;
  std::unique_ptr<Ocr> ocr_;
};

// CCITT G4 of a bitonal image (0 = ink, 255 = paper), as PDF's
// CCITTFaxDecode with K -1 reads it.
core::Expected<std::vector<std::uint8_t>> EncodeG4(const cv::Mat& bitonal);

}  // namespace kiosk::digitize
