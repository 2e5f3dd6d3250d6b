#pragma once

// Draws Dear ImGui's draw data with SDL_Renderer (SDL_RenderGeometryRaw).
// Debian's Dear ImGui 1.86 ships the SDL platform backend but not this one;
// with SDL's software renderer it gives the pixel-exact frames the
// screenshot tests compare.

struct SDL_Renderer;
struct SDL_Texture;
struct ImDrawData;
struct ImDrawVert;

namespace kiosk::ui {

class RenderBackend {
 public:
  explicit RenderBackend(SDL_Renderer* renderer) : renderer_(renderer) {}
  ~RenderBackend();
  RenderBackend(const RenderBackend&) = delete;
  RenderBackend& operator=(const RenderBackend&) = delete;

  // Uploads the font atlas of the current ImGui context; false on failure.
  bool CreateFontTexture();
  void Render(ImDrawData* draw_data);

 private:
  void Draw(const ImDrawVert* vertices, int vertex_count, const unsigned short* indices,
            int index_count, SDL_Texture* texture);
  SDL_Renderer* renderer_;
  SDL_Texture* font_texture_ = nullptr;
  float white_x_ = 0;  // the atlas's white pixel: shapes sample only this
  float white_y_ = 0;
};

}  // namespace kiosk::ui
