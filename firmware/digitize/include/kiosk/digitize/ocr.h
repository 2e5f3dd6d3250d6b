#pragma once

// Tesseract, in domain words: text with word boxes for the searchable PDF,
// and page orientation (OSD). One engine per thread; Tesseract is run with
// one OpenMP thread (OMP_THREAD_LIMIT=1), the setting its maintainers give
// for running pages side by side.

#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "kiosk/core/error.h"

namespace kiosk::digitize {

struct OcrWord {
  std::string text;       // UTF-8, NFC
  cv::Rect box;           // pixels
  cv::Rect line;          // the text line the word is on
  float confidence = 0;   // 0..100
  bool line_end = false;  // the last word of a text line
};

struct OcrResult {
  std::string text;  // lines separated by '\n', paragraphs by a blank line; NFC
  std::vector<OcrWord> words;
  float mean_confidence = 0;
};

struct OcrOptions {
  std::string tessdata;  // empty: Tesseract's default (Debian: /usr/share/tesseract-ocr/5/tessdata)
  std::string languages = "vie+eng";
};

class Ocr {
 public:
  static core::Expected<Ocr> Open(const OcrOptions& options);
  ~Ocr();
  Ocr(Ocr&&) noexcept;
  Ocr& operator=(Ocr&&) noexcept;

  core::Expected<OcrResult> Recognize(const cv::Mat& gray, int dpi);

  // Quarter turns clockwise (0..3) that put the page upright, from
  // Tesseract's orientation and script detection; 0 when it cannot tell.
  core::Expected<int> UprightQuarters(const cv::Mat& gray, int dpi);

 private:
  struct Engines;
  explicit Ocr(std::unique_ptr<Engines> engines);
  std::unique_ptr<Engines> engines_;
};

}  // namespace kiosk::digitize
