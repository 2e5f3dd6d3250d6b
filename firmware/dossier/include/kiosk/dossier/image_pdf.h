#pragma once

// A PDF of scanned pages, the attachment format of the dossier
// (ARCHITECTURE.md §6): one image per page, sized from its DPI, compressed
// as JPEG (grey or colour) or CCITT G4 (bitonal, lossless; never lossy
// JBIG2), and, when OCR has read the page, an invisible text layer: each
// word placed over its image so the PDF is searchable and its text can be
// copied. The text font is not embedded (it draws nothing); a ToUnicode map
// carries the characters.

#include <cstdint>
#include <string>
#include <vector>

#include "kiosk/core/error.h"

namespace kiosk::dossier {

enum class PdfImageFilter {
  kDct,      // JPEG; 8 bits a component, grey or RGB
  kCcittG4,  // CCITT Group 4; 1 bit, 0 = black (BlackIs1 false)
};

// A recognized word; the box in image pixels, origin top left.
struct PdfWord {
  std::string text;  // UTF-8
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;
};

struct PdfPage {
  std::vector<std::uint8_t> image;  // compressed as `filter` says
  int width = 0;                    // pixels
  int height = 0;
  int dpi = 100;
  bool gray = true;  // ignored for kCcittG4
  PdfImageFilter filter = PdfImageFilter::kDct;
  std::vector<PdfWord> words;  // the text layer; empty for none
};

core::Expected<std::vector<std::uint8_t>> WriteImagePdf(const std::vector<PdfPage>& pages);

}  // namespace kiosk::dossier
