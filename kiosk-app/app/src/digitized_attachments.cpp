#include "kiosk/app/digitized_attachments.h"

#include <chrono>

#include "kiosk/core/log.h"

namespace kiosk::app {

core::Expected<journey::AttachmentPdf> DigitizedAttachments::Write(
    const std::vector<scanner::ScannedPage>& pages, const catalog::PageFormat& format) {
  std::lock_guard lock(mutex_);
  if (!digitizer_) {
    const auto started = std::chrono::steady_clock::now();
    KIOSK_ASSIGN_OR_RETURN(auto created, digitize::Digitizer::Create(options_));
    digitizer_.emplace(std::move(created));
    core::log::Info("app.ocr_loaded", {{"in", std::chrono::duration_cast<std::chrono::milliseconds>(
                                                  std::chrono::steady_clock::now() - started)}});
  }
  std::vector<digitize::SourcePage> sources;
  sources.reserve(pages.size());
  for (const auto& p : pages) {
    sources.push_back({p.pixels, p.jpeg, p.width, p.height, p.gray ? 1 : 3, p.dpi});
  }
  KIOSK_ASSIGN_OR_RETURN(auto done, digitizer_->Digitize(sources, format));
  return journey::AttachmentPdf{std::move(done.pdf), done.pages, std::move(done.text)};
}

bool DigitizedAttachments::Loaded() {
  std::lock_guard lock(mutex_);
  return digitizer_.has_value();
}

}  // namespace kiosk::app
