#pragma once

// The citizen's face from the chip (DG2), decoded to show "is this you?"
// beside the name: the bytes come from the card, so the decoder refuses
// what is not a plain JPEG of sensible size. The pixels are personal data:
// wiped when the picture goes.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "kiosk/core/error.h"

namespace kiosk::ui {

struct Picture {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgba;  // width × height × 4, R G B A in memory
  Picture() = default;
  Picture(const Picture&) = delete;
  Picture& operator=(const Picture&) = delete;
  Picture(Picture&&) noexcept = default;
  Picture& operator=(Picture&&) noexcept = default;
  ~Picture() { Wipe(); }
  void Wipe();
};

// "photo.unsupported" for another format (JPEG 2000 faces are not shown),
// "photo.invalid" for a damaged or oversized JPEG (at most 1200 × 1600).
core::Expected<Picture> DecodePhoto(std::span<const std::uint8_t> bytes, const std::string& mime);

// Where the screens' pictures become textures: the frontend's renderer.
class PictureTextures {
 public:
  virtual ~PictureTextures() = default;
  // The texture of `picture`, replacing the one shown before.
  virtual void* Show(const Picture& picture) = 0;
  // No picture is kept any more (the session ended).
  virtual void Clear() = 0;
};

}  // namespace kiosk::ui
