#pragma once

// The scanner's fake, for tests and development builds only (library
// kiosk_scanner_fake; release programs cannot link it): synthetic pages, and
// failures queued on demand.

#include <deque>
#include <string>

#include "kiosk/scanner/scanner.h"

namespace kiosk::scanner {

// A synthetic A4 page at `dpi`: a letterhead, a title, lines of "text" as
// bars and, in colour, a red seal, different for every `seed`. No real
// document's content.
core::Expected<ScannedPage> SyntheticPage(std::uint64_t seed, int dpi, bool color);

class FakeScanner final : public Scanner {
 public:
  // Scans as a kiosk's scanner is set: colour at 200 dpi, what the
  // digitization rule asks (catalog::PageFormat), unless told otherwise.
  explicit FakeScanner(int dpi = 200, bool color = true) : dpi_(dpi), color_(color) {}
  // Queues failures for the next calls, in order; then pages again.
  void FailNext(std::string error_code) { failures_.push_back(std::move(error_code)); }
  int PagesScanned() const { return pages_; }

  core::Expected<ScannedPage> ScanPage(const std::function<void(int percent)>& progress) override;

 private:
  int dpi_;
  bool color_;
  std::deque<std::string> failures_;
  int pages_ = 0;
};

}  // namespace kiosk::scanner
