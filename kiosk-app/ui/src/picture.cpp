#include "kiosk/ui/picture.h"

// jpeglib.h needs size_t and FILE first.
#include <csetjmp>
#include <cstddef>
#include <cstdio>
#include <memory>

#include <jpeglib.h>

namespace kiosk::ui {

namespace {

constexpr int kMaxWidth = 1200;
constexpr int kMaxHeight = 1600;

struct Failure {
  jpeg_error_mgr manager;
  std::jmp_buf jump;
};

[[noreturn]] void Jump(j_common_ptr info) {
  auto* failure = reinterpret_cast<Failure*>(info->err);
  std::longjmp(failure->jump, 1);
}

void Quiet(j_common_ptr, int) {}

}  // namespace

void Picture::Wipe() {
  volatile std::uint8_t* p = rgba.data();
  for (std::size_t i = 0; i < rgba.size(); ++i) p[i] = 0;
  rgba.clear();
  width = height = 0;
}

core::Expected<Picture> DecodePhoto(std::span<const std::uint8_t> bytes, const std::string& mime) {
  if (mime != "image/jpeg") {
    return core::Error::NeedsPerson("photo.unsupported", "not shown: " + mime);
  }
  auto invalid = [] { return core::Error::NeedsPerson("photo.invalid", "not a usable JPEG"); };
  if (bytes.size() < 4 || bytes.size() > 4 * 1024 * 1024) return invalid();
  // On the heap: after a longjmp only what was not changed since setjmp may
  // be read, and this pointer is not.
  const auto picture = std::make_unique<Picture>();
  jpeg_decompress_struct info{};
  Failure failure{};
  info.err = jpeg_std_error(&failure.manager);
  failure.manager.error_exit = Jump;
  failure.manager.emit_message = Quiet;
  // Nothing with a destructor lives between here and a longjmp.
  if (setjmp(failure.jump) != 0) {
    jpeg_destroy_decompress(&info);
    picture->Wipe();
    return invalid();
  }
  jpeg_create_decompress(&info);
  jpeg_mem_src(&info, bytes.data(), static_cast<unsigned long>(bytes.size()));
  if (jpeg_read_header(&info, TRUE) != JPEG_HEADER_OK || info.image_width == 0 ||
      info.image_height == 0 || info.image_width > kMaxWidth || info.image_height > kMaxHeight) {
    jpeg_destroy_decompress(&info);
    return invalid();
  }
  info.out_color_space = JCS_EXT_RGBA;
  jpeg_start_decompress(&info);
  picture->width = static_cast<int>(info.output_width);
  picture->height = static_cast<int>(info.output_height);
  picture->rgba.resize(static_cast<std::size_t>(picture->width) *
                       static_cast<std::size_t>(picture->height) * 4);
  while (info.output_scanline < info.output_height) {
    JSAMPROW row = picture->rgba.data() + static_cast<std::size_t>(info.output_scanline) *
                                              static_cast<std::size_t>(picture->width) * 4;
    jpeg_read_scanlines(&info, &row, 1);
  }
  jpeg_finish_decompress(&info);
  jpeg_destroy_decompress(&info);
  return std::move(*picture);
}

}  // namespace kiosk::ui
