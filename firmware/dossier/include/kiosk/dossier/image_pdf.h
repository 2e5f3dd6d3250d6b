#pragma once

// A PDF of scanned pages: one JPEG image per page, sized from its DPI. The
// attachment format of the dossier (ARCHITECTURE.md §6). The searchable text
// layer comes with OCR in the scanning work.

#include <cstdint>
#include <vector>

#include "kiosk/core/error.h"

namespace kiosk::dossier {

struct PdfPage {
  std::vector<std::uint8_t> jpeg;
  int width = 0;  // pixels
  int height = 0;
  int dpi = 100;
  bool gray = true;
};

core::Expected<std::vector<std::uint8_t>> WriteImagePdf(const std::vector<PdfPage>& pages);

}  // namespace kiosk::dossier
