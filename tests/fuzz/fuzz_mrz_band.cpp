// The MRZ reader on any grey image a camera could deliver: the first two
// bytes give the width (16..527), the rest are the pixels, row by row. The
// reader finds a band or not, reads it or not, and never returns a text
// that is not a TD1 whose check digits hold.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include <opencv2/core.hpp>

#include "kiosk/mrz/mrz_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static auto recognizer = kiosk::mrz::MakeGlyphRecognizer();
  if (!recognizer || size < 2) return 0;
  const int width = 16 + ((data[0] | (data[1] << 8)) % 512);
  const auto pixels = size - 2;
  const int height = static_cast<int>(pixels / static_cast<std::size_t>(width));
  if (height < 16) return 0;
  cv::Mat image(height, width, CV_8UC1);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      image.at<std::uint8_t>(y, x) = data[2 + static_cast<std::size_t>(y * width + x)];
    }
  }
  auto mrz = kiosk::mrz::ReadMrz(image, **recognizer);
  if (mrz && mrz->size() != 90) std::abort();
  return 0;
}
