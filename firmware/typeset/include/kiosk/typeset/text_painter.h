#pragma once

// Text drawn with real fonts through FreeType onto an 8-bit grey image:
// synthetic documents and cards, OCR-B glyphs for the MRZ recognizer, and
// (later) the receipt printer's raster. Text is UTF-8, NFC.

#include <memory>
#include <string>
#include <string_view>

#include <opencv2/core.hpp>

#include "kiosk/core/error.h"

namespace kiosk::typeset {

class TextPainter {
 public:
  // `pixel_height` is the em size in pixels.
  static core::Expected<TextPainter> Open(const std::string& font_file, int pixel_height);
  ~TextPainter();
  TextPainter(TextPainter&&) noexcept;
  TextPainter& operator=(TextPainter&&) noexcept;

  int Width(std::string_view utf8) const;
  int Ascender() const;   // pixels above the baseline
  int Descender() const;  // pixels below the baseline (positive)
  int LineHeight() const;

  // Draws `utf8` with its baseline at `baseline_y`, starting at `x`, blending
  // `ink` (0 = black) onto `gray` by glyph coverage. Returns the advance.
  int Draw(cv::Mat& gray, int x, int baseline_y, std::string_view utf8, int ink = 0) const;
  // Draws one character centred in the cell [x, x + pitch).
  void DrawCentered(cv::Mat& gray, int x, int pitch, int baseline_y, char32_t c, int ink = 0) const;

 private:
  struct Face;
  explicit TextPainter(std::unique_ptr<Face> face);
  std::unique_ptr<Face> face_;
};

}  // namespace kiosk::typeset
