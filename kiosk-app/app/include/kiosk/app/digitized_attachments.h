#pragma once

// The papers' PDFs through the page pipeline and OCR (firmware/digitize).
// Tesseract (about 90 MB with Vietnamese) loads when the first paper is
// scanned, on the worker that scans: not before the first frame.

#include <mutex>
#include <optional>

#include "kiosk/digitize/digitizer.h"
#include "kiosk/journey/journey.h"

namespace kiosk::app {

class DigitizedAttachments final : public journey::AttachmentWriter {
 public:
  explicit DigitizedAttachments(digitize::DigitizeOptions options) : options_(std::move(options)) {}
  core::Expected<journey::AttachmentPdf> Write(const std::vector<scanner::ScannedPage>& pages,
                                               const catalog::PageFormat& format) override;
  // Whether OCR has been loaded yet (it is not until the first paper).
  bool Loaded();

 private:
  digitize::DigitizeOptions options_;
  std::mutex mutex_;
  std::optional<digitize::Digitizer> digitizer_;
};

}  // namespace kiosk::app
