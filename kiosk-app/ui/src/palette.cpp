#include "kiosk/ui/palette.h"

#include <algorithm>
#include <cmath>

namespace kiosk::ui {

namespace {

double Channel(std::uint8_t v) {
  const double c = v / 255.0;
  return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

double Luminance(Rgb c) {
  return 0.2126 * Channel(c.r) + 0.7152 * Channel(c.g) + 0.0722 * Channel(c.b);
}

}  // namespace

double ContrastRatio(Rgb a, Rgb b) {
  const double la = Luminance(a);
  const double lb = Luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

std::array<TextPair, 11> TextPairs(const Palette& p) {
  return {{{"text", p.text, p.background},
           {"muted", p.muted_text, p.background},
           {"header", p.header_text, p.header},
           {"primary button", p.primary_text, p.primary},
           {"secondary button", p.secondary_text, p.secondary},
           {"disabled button", p.disabled_text, p.disabled},
           {"panel", p.text, p.panel},
           {"field from the card", p.text, p.locked_field},
           {"error", p.error, p.background},
           {"success", p.success, p.background},
           {"help button", p.help_text, p.help}}};
}

}  // namespace kiosk::ui
