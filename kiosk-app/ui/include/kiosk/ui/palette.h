#pragma once

// The kiosk's colours, as data, and the WCAG 2 contrast ratio a unit test
// checks them against: every text/background pair is at least 7:1 (AAA), for
// old eyes in a bright hall.

#include <array>
#include <cstdint>

namespace kiosk::ui {

struct Rgb {
  std::uint8_t r, g, b;
};

struct Palette {
  Rgb background{0xFF, 0xFF, 0xFF};
  Rgb text{0x10, 0x14, 0x18};
  Rgb muted_text{0x33, 0x3A, 0x42};  // secondary text, still AAA on white
  Rgb header{0x0A, 0x2E, 0x5C};
  Rgb header_text{0xFF, 0xFF, 0xFF};
  Rgb primary{0x0A, 0x3A, 0x7A};
  Rgb primary_text{0xFF, 0xFF, 0xFF};
  Rgb secondary{0xE6, 0xEC, 0xF5};
  Rgb secondary_text{0x0A, 0x24, 0x50};
  Rgb disabled{0xDA, 0xDD, 0xE1};
  Rgb disabled_text{0x2E, 0x34, 0x3A};
  Rgb panel{0xF2, 0xF4, 0xF7};
  Rgb locked_field{0xEA, 0xF3, 0xEA};  // filled from the chip
  Rgb error{0x8A, 0x00, 0x00};
  Rgb success{0x0B, 0x50, 0x1C};
  Rgb border{0x4A, 0x55, 0x60};
  Rgb help{0xFF, 0xC8, 0x3D};  // "Nhờ cán bộ hỗ trợ": seen from across the hall
  Rgb help_text{0x10, 0x14, 0x18};
};

inline const Palette& DefaultPalette() {
  static constexpr Palette palette{};
  return palette;
}

// WCAG 2.x relative luminance contrast, 1.0 .. 21.0.
double ContrastRatio(Rgb a, Rgb b);

struct TextPair {
  const char* name;
  Rgb text;
  Rgb background;
};

// Every pair of text on background the screens draw.
std::array<TextPair, 11> TextPairs(const Palette& p);

}  // namespace kiosk::ui
