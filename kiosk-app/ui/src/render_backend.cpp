#include "kiosk/ui/render_backend.h"

#include <SDL.h>
#include <imgui.h>

#include <cstddef>

namespace kiosk::ui {

RenderBackend::~RenderBackend() {
  if (font_texture_ != nullptr) SDL_DestroyTexture(font_texture_);
}

bool RenderBackend::CreateFontTexture() {
  ImGuiIO& io = ImGui::GetIO();
  unsigned char* pixels = nullptr;
  int width = 0;
  int height = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &width, &height);
  font_texture_ = SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_ABGR8888, SDL_TEXTUREACCESS_STATIC,
                                    width, height);
  if (font_texture_ == nullptr) return false;
  SDL_UpdateTexture(font_texture_, nullptr, pixels, 4 * width);
  SDL_SetTextureBlendMode(font_texture_, SDL_BLENDMODE_BLEND);
  SDL_SetTextureScaleMode(font_texture_, SDL_ScaleModeNearest);
  io.Fonts->SetTexID(static_cast<ImTextureID>(font_texture_));
  white_x_ = io.Fonts->TexUvWhitePixel.x;
  white_y_ = io.Fonts->TexUvWhitePixel.y;
  io.BackendRendererName = "kiosk_sdl_renderer";
  io.BackendFlags |= ImGuiBackendFlags_RendererHasVtxOffset;
  return true;
}

void RenderBackend::Draw(const ImDrawVert* v, int vertex_count, const ImDrawIdx* indices,
                         int index_count, SDL_Texture* texture) {
  const auto stride = static_cast<int>(sizeof(ImDrawVert));
  const char* base = reinterpret_cast<const char*>(v);
  SDL_RenderGeometryRaw(
      renderer_, texture, reinterpret_cast<const float*>(base + offsetof(ImDrawVert, pos)), stride,
      reinterpret_cast<const SDL_Color*>(base + offsetof(ImDrawVert, col)), stride,
      reinterpret_cast<const float*>(base + offsetof(ImDrawVert, uv)), stride, vertex_count,
      indices, index_count, static_cast<int>(sizeof(ImDrawIdx)));
}

void RenderBackend::Render(ImDrawData* draw_data) {
  SDL_Rect old_viewport;
  SDL_RenderGetViewport(renderer_, &old_viewport);
  const ImVec2 origin = draw_data->DisplayPos;
  for (int n = 0; n < draw_data->CmdListsCount; ++n) {
    const ImDrawList* list = draw_data->CmdLists[n];
    const ImDrawVert* vertices = list->VtxBuffer.Data;
    const ImDrawIdx* indices = list->IdxBuffer.Data;
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      if (cmd.UserCallback != nullptr) {
        cmd.UserCallback(list, &cmd);
        continue;
      }
      const ImVec2 min(cmd.ClipRect.x - origin.x, cmd.ClipRect.y - origin.y);
      const ImVec2 max(cmd.ClipRect.z - origin.x, cmd.ClipRect.w - origin.y);
      if (max.x <= min.x || max.y <= min.y) continue;
      const SDL_Rect clip{static_cast<int>(min.x), static_cast<int>(min.y),
                          static_cast<int>(max.x - min.x), static_cast<int>(max.y - min.y)};
      SDL_RenderSetClipRect(renderer_, &clip);
      const ImDrawVert* v = vertices + cmd.VtxOffset;
      const ImDrawIdx* idx = indices + cmd.IdxOffset;
      const int vertex_count = list->VtxBuffer.Size - static_cast<int>(cmd.VtxOffset);
      auto* texture = static_cast<SDL_Texture*>(cmd.GetTexID());
      // Shapes (fills, borders) sample only the atlas's white pixel: drawn
      // without a texture, SDL's software renderer takes its much faster
      // flat-colour path. Runs of such triangles alternate with glyph runs.
      auto untextured = [&](unsigned first) {
        for (unsigned k = 0; k < 3; ++k) {
          const ImVec2 uv = v[idx[first + k]].uv;
          if (uv.x != white_x_ || uv.y != white_y_) return false;
        }
        return true;
      };
      unsigned start = 0;
      while (start < cmd.ElemCount) {
        const bool flat = untextured(start);
        unsigned end = start + 3;
        while (end < cmd.ElemCount && untextured(end) == flat) end += 3;
        Draw(v, vertex_count, idx + start, static_cast<int>(end - start), flat ? nullptr : texture);
        start = end;
      }
    }
  }
  SDL_RenderSetClipRect(renderer_, nullptr);
  SDL_RenderSetViewport(renderer_, &old_viewport);
}

}  // namespace kiosk::ui
