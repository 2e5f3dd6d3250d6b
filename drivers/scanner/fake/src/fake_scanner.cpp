#include "kiosk/scanner/fake_scanner.h"

#include <algorithm>
#include <vector>

namespace kiosk::scanner {

core::Expected<ScannedPage> SyntheticPage(std::uint64_t seed, int dpi, bool color) {
  ScannedPage page;
  page.dpi = dpi;
  page.gray = !color;
  page.width = 827 * dpi / 100;  // A4: 210 x 297 mm
  page.height = 1169 * dpi / 100;
  const auto w = static_cast<std::size_t>(page.width);
  std::vector<std::uint8_t> pixels(w * static_cast<std::size_t>(page.height), 250);
  auto fill = [&](int x0, int y0, int x1, int y1, std::uint8_t value) {
    for (int y = std::max(0, y0); y < std::min(page.height, y1); ++y) {
      for (int x = std::max(0, x0); x < std::min(page.width, x1); ++x) {
        pixels[static_cast<std::size_t>(y) * w + static_cast<std::size_t>(x)] = value;
      }
    }
  };
  const int u = dpi / 10;  // 2.54 mm
  std::uint64_t state = seed * 6364136223846793005ULL + 1442695040888963407ULL;
  auto next = [&](int range) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<int>((state >> 33) % static_cast<std::uint64_t>(range));
  };
  fill(8 * u, 6 * u, 30 * u, 8 * u, 60);                                       // agency
  fill(page.width - 34 * u, 6 * u, page.width - 8 * u, 8 * u, 60);             // national motto
  fill(page.width / 2 - 20 * u, 16 * u, page.width / 2 + 20 * u, 19 * u, 30);  // title
  for (int line = 0, y = 26 * u; y < page.height - 20 * u; ++line, y += 4 * u) {
    const int length = 40 + next(40);
    fill(8 * u, y, 8 * u + (page.width - 16 * u) * length / 80, y + u + u / 2, 90);
    if (next(7) == 0) y += 3 * u;  // paragraph
  }
  fill(page.width - 30 * u, page.height - 16 * u, page.width - 10 * u, page.height - 12 * u, 70);
  if (!color) {
    KIOSK_ASSIGN_OR_RETURN(page.jpeg, EncodeJpeg(pixels.data(), page.width, page.height, 1, 75));
    return page;
  }
  // RGB, and the seal: a red square over the signature's bar.
  std::vector<std::uint8_t> rgb(pixels.size() * 3);
  for (std::size_t i = 0; i < pixels.size(); ++i) {
    rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = pixels[i];
  }
  for (int y = page.height - 22 * u; y < page.height - 8 * u; ++y) {
    for (int x = page.width - 28 * u; x < page.width - 14 * u; ++x) {
      auto* p = &rgb[3 * (static_cast<std::size_t>(y) * w + static_cast<std::size_t>(x))];
      p[0] = static_cast<std::uint8_t>(std::min(200, p[0] * 8 / 10));
      p[1] = static_cast<std::uint8_t>(p[1] / 4);
      p[2] = static_cast<std::uint8_t>(p[2] / 4);
    }
  }
  KIOSK_ASSIGN_OR_RETURN(page.jpeg, EncodeJpeg(rgb.data(), page.width, page.height, 3, 75));
  return page;
}

core::Expected<ScannedPage> FakeScanner::ScanPage(
    const std::function<void(int percent)>& progress) {
  if (!failures_.empty()) {
    const std::string code = failures_.front();
    failures_.pop_front();
    // Classes as the real driver gives them (scanner.h).
    if (code == "scanner.cancelled" || code == "scanner.io") {
      return core::Error::Retryable(code, "the scanner reported " + code);
    }
    return core::Error::NeedsPerson(code, "the scanner reported " + code);
  }
  for (int percent : {0, 25, 50, 75}) {
    if (progress) progress(percent);
  }
  KIOSK_ASSIGN_OR_RETURN(auto page,
                         SyntheticPage(static_cast<std::uint64_t>(++pages_), dpi_, color_));
  if (progress) progress(100);
  return page;
}

}  // namespace kiosk::scanner
