#pragma once

// The document scanner in domain words: one page per call, with progress.
// SaneScanner (sane_scanner.h) is the real driver; FakeScanner (fake/) serves unit
// tests: deterministic synthetic pages and every failure the real one
// reports.

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "kiosk/core/error.h"

namespace kiosk::scanner {

using Bytes = std::vector<std::uint8_t>;

// A page as scanned: raw 8-bit pixels (grey, or RGB when !gray; rows
// packed) from a real scanner, or a JPEG from the fake.
struct ScannedPage {
  int width = 0;  // pixels
  int height = 0;
  int dpi = 0;
  bool gray = true;
  Bytes pixels;
  Bytes jpeg;
};

class Scanner {
 public:
  virtual ~Scanner() = default;
  // Errors: "scanner.absent", "scanner.no_paper", "scanner.jammed",
  // "scanner.cover_open", "scanner.busy" (all NeedsPerson),
  // "scanner.cancelled", "scanner.io" (Retryable).
  virtual core::Expected<ScannedPage> ScanPage(
      const std::function<void(int percent)>& progress) = 0;
};

// Encodes 8-bit pixels (1 component: grey, 3: RGB) as baseline JPEG.
core::Expected<Bytes> EncodeJpeg(const std::uint8_t* pixels, int width, int height, int components,
                                 int quality);

// The scanner of a kiosk whose config names none: every scan answers
// "scanner.absent", so the citizen is told to ask the staff and the heartbeat
// says the scanner is absent. Never a fake standing in for a device.
class AbsentScanner final : public Scanner {
 public:
  core::Expected<ScannedPage> ScanPage(const std::function<void(int percent)>&) override {
    return core::Error::NeedsPerson("scanner.absent", "this kiosk has no scanner configured");
  }
};

}  // namespace kiosk::scanner
