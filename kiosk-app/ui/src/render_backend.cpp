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
  io.BackendRendererName = "kiosk_sdl_renderer";
  io.BackendFlags |= ImGuiBackendFlags_RendererHasVtxOffset;
  return true;
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
      const auto stride = static_cast<int>(sizeof(ImDrawVert));
      SDL_RenderGeometryRaw(renderer_, static_cast<SDL_Texture*>(cmd.GetTexID()),
                            reinterpret_cast<const float*>(reinterpret_cast<const char*>(v) +
                                                           offsetof(ImDrawVert, pos)),
                            stride,
                            reinterpret_cast<const SDL_Color*>(reinterpret_cast<const char*>(v) +
                                                               offsetof(ImDrawVert, col)),
                            stride,
                            reinterpret_cast<const float*>(reinterpret_cast<const char*>(v) +
                                                           offsetof(ImDrawVert, uv)),
                            stride, list->VtxBuffer.Size - static_cast<int>(cmd.VtxOffset),
                            indices + cmd.IdxOffset, static_cast<int>(cmd.ElemCount),
                            static_cast<int>(sizeof(ImDrawIdx)));
    }
  }
  SDL_RenderSetClipRect(renderer_, nullptr);
  SDL_RenderSetViewport(renderer_, &old_viewport);
}

}  // namespace kiosk::ui
