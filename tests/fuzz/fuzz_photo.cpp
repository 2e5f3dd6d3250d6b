// The chip's face image as the screen decodes it: whatever the card holds,
// the decoder returns a picture of the size it says, or an error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "kiosk/ui/picture.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto picture = kiosk::ui::DecodePhoto(std::span<const std::uint8_t>(data, size), "image/jpeg");
  if (!picture) return 0;
  const auto expected =
      static_cast<std::size_t>(picture->width) * static_cast<std::size_t>(picture->height) * 4;
  if (picture->width <= 0 || picture->height <= 0 || picture->rgba.size() != expected) {
    std::abort();
  }
  return 0;
}
