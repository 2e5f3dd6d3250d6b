// A synthetic face drawn with plain shapes, so that DG2 carries a real JPEG
// of a realistic size without any real person's photograph.
#include <cmath>
#include <cstdlib>

#include "kiosk/idcard/sim/persona.h"
#include "kiosk/scanner/scanner.h"

namespace kiosk::idcard::sim {

using core::Expected;

namespace {
struct Rgb {
  int r, g, b;
};

bool InEllipse(double x, double y, double cx, double cy, double rx, double ry) {
  const double dx = (x - cx) / rx;
  const double dy = (y - cy) / ry;
  return dx * dx + dy * dy <= 1.0;
}
}  // namespace

Expected<Bytes> SyntheticFaceJpeg(std::uint64_t seed, int width, int height, int noise) {
  core::DeterministicRandom random(seed);
  Bytes grain(static_cast<std::size_t>(width * height), 0);
  KIOSK_TRY(random.Fill(grain));
  Bytes palette(4);
  KIOSK_TRY(random.Fill(palette));
  const Rgb background{200 + palette[0] % 40, 210 + palette[0] % 30, 230};
  const Rgb skin{190 + palette[1] % 50, 150 + palette[1] % 40, 120 + palette[2] % 40};
  const Rgb hair{30 + palette[3] % 40, 25 + palette[3] % 30, 20};

  Bytes pixels(static_cast<std::size_t>(width * height * 3));
  const double w = width;
  const double h = height;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      Rgb c = background;
      if (InEllipse(x, y, w / 2, h * 0.42, w * 0.36, h * 0.34)) c = hair;
      if (InEllipse(x, y, w / 2, h * 0.5, w * 0.3, h * 0.33)) c = skin;
      if (InEllipse(x, y, w / 2, h * 1.05, w * 0.5, h * 0.25)) c = Rgb{40, 60, 110};  // shirt
      if (InEllipse(x, y, w * 0.38, h * 0.45, w * 0.05, h * 0.025) ||
          InEllipse(x, y, w * 0.62, h * 0.45, w * 0.05, h * 0.025)) {
        c = Rgb{30, 30, 30};
      }
      if (InEllipse(x, y, w / 2, h * 0.66, w * 0.1, h * 0.02)) c = Rgb{150, 60, 60};
      const int g =
          noise == 0 ? 0
                     : (grain[static_cast<std::size_t>(y * width + x)] % (2 * noise + 1)) - noise;
      auto clamp = [](int v) { return static_cast<std::uint8_t>(v < 0 ? 0 : (v > 255 ? 255 : v)); };
      const std::size_t i = static_cast<std::size_t>((y * width + x) * 3);
      pixels[i] = clamp(c.r + g);
      pixels[i + 1] = clamp(c.g + g);
      pixels[i + 2] = clamp(c.b + g);
    }
  }

  return scanner::EncodeJpeg(pixels.data(), width, height, 3, 90);
}

}  // namespace kiosk::idcard::sim
