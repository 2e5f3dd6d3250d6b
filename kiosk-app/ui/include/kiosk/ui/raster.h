#pragma once

// Dear ImGui's draw data rasterized straight into 32-bit pixels, for a kiosk
// (or a headless run) without a GPU. SDL's software renderer takes every
// glyph and fill through its generic triangle and blit paths; the frames of
// this UI are almost all axis-aligned rectangles (fills and glyphs from the
// font atlas) with a few anti-aliased triangles at rounded corners, so those
// get spans of their own and the rest a plain edge-function rasterizer.
//
// Pixels are R, G, B, A in memory (SDL_PIXELFORMAT_ABGR8888, and Dear
// ImGui's IM_COL32 order); blending is source-over, as SDL_BLENDMODE_BLEND.

#include <cstdint>
#include <map>
#include <vector>

struct ImDrawData;

namespace kiosk::ui {

struct PixelTarget {
  std::uint8_t* pixels = nullptr;
  int width = 0;
  int height = 0;
  int pitch = 0;  // bytes per row
};

class Raster {
 public:
  // The font atlas, RGBA32 as ImFontAtlas::GetTexDataAsRGBA32 gives it; its
  // texture id is the one ImGui's draw commands carry. (u, v) of its white
  // pixel: shapes sample only that one, and skip the sampling.
  void SetAtlas(const std::uint8_t* rgba, int width, int height, void* texture_id, float white_u,
                float white_v);

  // Another texture (the citizen's photo), RGBA32, under `texture_id`.
  void SetTexture(void* texture_id, const std::uint8_t* rgba, int width, int height);
  // Forgets it, zeroing the copy.
  void RemoveTexture(void* texture_id);

  // Clears the target to `clear` (IM_COL32 order) and draws everything.
  void Render(const ImDrawData& data, const PixelTarget& target, std::uint32_t clear) const;

 private:
  struct Texture {
    std::vector<std::uint8_t> rgba;
    int width = 0;
    int height = 0;
  };
  std::map<void*, Texture> textures_;  // the font atlas and any other
  void* atlas_id_ = nullptr;
  float white_u_ = 0;
  float white_v_ = 0;
};

}  // namespace kiosk::ui
