#include "kiosk/typeset/text_painter.h"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <algorithm>
#include <unordered_map>

#include "kiosk/core/text.h"

namespace kiosk::typeset {

struct TextPainter::Face {
  FT_Library library = nullptr;
  FT_Face face = nullptr;
  // Hinted advances by glyph index: measuring (word wrap measures every
  // word) would otherwise run each glyph's hinting program every time.
  std::unordered_map<FT_UInt, FT_Pos> advances;
  ~Face() {
    if (face) FT_Done_Face(face);
    if (library) FT_Done_FreeType(library);
  }
};

TextPainter::TextPainter(std::unique_ptr<Face> face) : face_(std::move(face)) {}
TextPainter::~TextPainter() = default;
TextPainter::TextPainter(TextPainter&&) noexcept = default;
TextPainter& TextPainter::operator=(TextPainter&&) noexcept = default;

core::Expected<TextPainter> TextPainter::Open(const std::string& font_file, int pixel_height) {
  auto face = std::make_unique<Face>();
  if (FT_Init_FreeType(&face->library) != 0) {
    return core::Error::Fatal("font.freetype", "FreeType did not start");
  }
  if (FT_New_Face(face->library, font_file.c_str(), 0, &face->face) != 0) {
    return core::Error::Fatal("font.missing", "cannot open font " + font_file);
  }
  if (FT_Set_Pixel_Sizes(face->face, 0, static_cast<FT_UInt>(pixel_height)) != 0) {
    return core::Error::Fatal("font.size", "font " + font_file + " cannot be scaled");
  }
  return TextPainter(std::move(face));
}

int TextPainter::Ascender() const {
  return static_cast<int>(face_->face->size->metrics.ascender >> 6);
}
int TextPainter::Descender() const {
  return static_cast<int>(-(face_->face->size->metrics.descender >> 6));
}
int TextPainter::LineHeight() const {
  return static_cast<int>(face_->face->size->metrics.height >> 6);
}

namespace {

// Walks `utf8` from `pen` (26.6 fixed point) glyph by glyph with kerning;
// `advance(glyph, pen)` places a glyph and returns its advance, or a negative
// value to skip it. Returns the pen after the last glyph.
template <typename Advance>
long Walk(FT_Face face, std::string_view utf8, long pen, Advance advance) {
  FT_UInt previous = 0;
  for (char32_t c : core::ToCodePoints(utf8)) {
    const FT_UInt glyph = FT_Get_Char_Index(face, c);
    if (previous && glyph && FT_HAS_KERNING(face)) {
      FT_Vector kern{};
      FT_Get_Kerning(face, previous, glyph, FT_KERNING_DEFAULT, &kern);
      pen += kern.x;
    }
    previous = glyph;
    const long step = advance(glyph, pen);
    if (step > 0) pen += step;
  }
  return pen;
}

// Loads each glyph with `flags` and hands it to `each` at its pen position.
template <typename Each>
long Layout(FT_Face face, std::string_view utf8, long pen, FT_Int32 flags, Each each) {
  return Walk(face, utf8, pen, [&](FT_UInt glyph, long at) -> long {
    if (FT_Load_Glyph(face, glyph, flags) != 0) return -1;
    each(face->glyph, at);
    return face->glyph->advance.x;
  });
}

}  // namespace

int TextPainter::Width(std::string_view utf8) const {
  FT_Face face = face_->face;
  auto& advances = face_->advances;
  const long end = Walk(face, utf8, 0, [&](FT_UInt glyph, long) -> long {
    auto it = advances.find(glyph);
    if (it == advances.end()) {
      if (FT_Load_Glyph(face, glyph, FT_LOAD_DEFAULT) != 0) return -1;
      it = advances.emplace(glyph, face->glyph->advance.x).first;
    }
    return it->second;
  });
  return static_cast<int>(end >> 6);
}

namespace {

void Blend(cv::Mat& gray, const FT_Bitmap& bitmap, int left, int top, int ink) {
  for (unsigned row = 0; row < bitmap.rows; ++row) {
    const int y = top + static_cast<int>(row);
    if (y < 0 || y >= gray.rows) continue;
    auto* out = gray.ptr<std::uint8_t>(y);
    const std::uint8_t* in = bitmap.buffer + static_cast<std::ptrdiff_t>(row) * bitmap.pitch;
    for (unsigned col = 0; col < bitmap.width; ++col) {
      const int x = left + static_cast<int>(col);
      if (x < 0 || x >= gray.cols) continue;
      const int coverage = in[col];
      out[x] = static_cast<std::uint8_t>((out[x] * (255 - coverage) + ink * coverage) / 255);
    }
  }
}

}  // namespace

int TextPainter::Draw(cv::Mat& gray, int x, int baseline_y, std::string_view utf8, int ink) const {
  const long end =
      Layout(face_->face, utf8, static_cast<long>(x) << 6, FT_LOAD_RENDER,
             [&](FT_GlyphSlot slot, long pen) {
               Blend(gray, slot->bitmap, static_cast<int>(pen >> 6) + slot->bitmap_left,
                     baseline_y - slot->bitmap_top, ink);
             });
  return static_cast<int>(end >> 6) - x;
}

void TextPainter::DrawCentered(cv::Mat& gray, int x, int pitch, int baseline_y, char32_t c,
                               int ink) const {
  const FT_UInt glyph = FT_Get_Char_Index(face_->face, c);
  if (FT_Load_Glyph(face_->face, glyph, FT_LOAD_RENDER) != 0) return;
  const FT_GlyphSlot slot = face_->face->glyph;
  const int left = x + (pitch - static_cast<int>(slot->bitmap.width)) / 2;
  Blend(gray, slot->bitmap, left, baseline_y - slot->bitmap_top, ink);
}

}  // namespace kiosk::typeset
