#include "kiosk/digitize/ocr.h"

#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <cstdlib>
#include <memory>

#include <opencv2/imgproc.hpp>

#include "kiosk/core/text.h"

namespace kiosk::digitize {
namespace {

struct TextDeleter {
  void operator()(char* text) const { delete[] text; }
};
using TessText = std::unique_ptr<char[], TextDeleter>;

std::string Nfc(const char* text) {
  if (!text) return {};
  auto nfc = core::NormalizeNfc(text);
  return nfc ? *nfc : std::string(text);
}

}  // namespace

struct Ocr::Engines {
  tesseract::TessBaseAPI text;
  tesseract::TessBaseAPI osd;
  bool osd_ready = false;
  ~Engines() {
    text.End();
    osd.End();
  }
};

Ocr::Ocr(std::unique_ptr<Engines> engines) : engines_(std::move(engines)) {}
Ocr::~Ocr() = default;
Ocr::Ocr(Ocr&&) noexcept = default;
Ocr& Ocr::operator=(Ocr&&) noexcept = default;

core::Expected<Ocr> Ocr::Open(const OcrOptions& options) {
  // One OpenMP thread per engine: pages run side by side instead.
  setenv("OMP_THREAD_LIMIT", "1", 0);
  auto engines = std::make_unique<Engines>();
  const char* datapath = options.tessdata.empty() ? nullptr : options.tessdata.c_str();
  if (engines->text.Init(datapath, options.languages.c_str(), tesseract::OEM_LSTM_ONLY) != 0) {
    return core::Error::Fatal("ocr.no_language",
                              "Tesseract has no traineddata for " + options.languages +
                                  " (Debian: tesseract-ocr-vie, tesseract-ocr-eng)");
  }
  engines->text.SetPageSegMode(tesseract::PSM_AUTO);
  // Debug output off; word boxes are read through the iterator.
  engines->text.SetVariable("debug_file", "/dev/null");
  if (engines->osd.Init(datapath, "osd", tesseract::OEM_TESSERACT_ONLY) == 0) {
    engines->osd.SetPageSegMode(tesseract::PSM_OSD_ONLY);
    engines->osd.SetVariable("debug_file", "/dev/null");
    engines->osd_ready = true;
  }
  return Ocr(std::move(engines));
}

core::Expected<OcrResult> Ocr::Recognize(const cv::Mat& gray, int dpi) {
  if (gray.empty() || gray.type() != CV_8UC1) {
    return core::Error::Fatal("ocr.bad_image", "OCR needs an 8-bit grey image");
  }
  auto& api = engines_->text;
  api.SetImage(gray.data, gray.cols, gray.rows, 1, static_cast<int>(gray.step));
  api.SetSourceResolution(dpi);
  if (api.Recognize(nullptr) != 0) {
    return core::Error::Retryable("ocr.failed", "Tesseract could not recognize the page");
  }
  OcrResult result;
  result.text = Nfc(TessText(api.GetUTF8Text()).get());
  std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
  double confidence_sum = 0;
  if (it) {
    cv::Rect line;
    do {
      if (it->IsAtBeginningOf(tesseract::RIL_TEXTLINE)) {
        int lx0 = 0, ly0 = 0, lx1 = 0, ly1 = 0;
        it->BoundingBox(tesseract::RIL_TEXTLINE, &lx0, &ly0, &lx1, &ly1);
        line = cv::Rect(lx0, ly0, lx1 - lx0, ly1 - ly0);
      }
      TessText word(it->GetUTF8Text(tesseract::RIL_WORD));
      if (!word || !*word.get()) continue;
      int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
      it->BoundingBox(tesseract::RIL_WORD, &x0, &y0, &x1, &y1);
      OcrWord w;
      w.text = Nfc(word.get());
      w.box = cv::Rect(x0, y0, x1 - x0, y1 - y0);
      w.line = line.area() > 0 ? line : w.box;
      w.confidence = it->Confidence(tesseract::RIL_WORD);
      w.line_end = it->IsAtFinalElement(tesseract::RIL_TEXTLINE, tesseract::RIL_WORD);
      confidence_sum += w.confidence;
      result.words.push_back(std::move(w));
    } while (it->Next(tesseract::RIL_WORD));
  }
  if (!result.words.empty()) {
    result.mean_confidence =
        static_cast<float>(confidence_sum / static_cast<double>(result.words.size()));
  }
  api.Clear();
  return result;
}

core::Expected<int> Ocr::UprightQuarters(const cv::Mat& gray, int dpi) {
  if (!engines_->osd_ready) return 0;
  if (gray.empty() || gray.type() != CV_8UC1) {
    return core::Error::Fatal("ocr.bad_image", "OSD needs an 8-bit grey image");
  }
  // OSD needs no more than about 150 dpi.
  cv::Mat small = gray;
  int small_dpi = dpi;
  if (dpi > 150) {
    const double scale = 150.0 / dpi;
    cv::resize(gray, small, cv::Size(), scale, scale, cv::INTER_AREA);
    small_dpi = 150;
  }
  auto& api = engines_->osd;
  api.SetImage(small.data, small.cols, small.rows, 1, static_cast<int>(small.step));
  api.SetSourceResolution(small_dpi);
  int degrees = 0;
  float orientation_confidence = 0, script_confidence = 0;
  const char* script = nullptr;
  const bool found =
      api.DetectOrientationScript(&degrees, &orientation_confidence, &script, &script_confidence);
  api.Clear();
  if (!found || orientation_confidence < 2.0f) return 0;
  // `degrees` is how far the image is turned clockwise; turn it back.
  return (4 - degrees / 90) % 4;
}

}  // namespace kiosk::digitize
