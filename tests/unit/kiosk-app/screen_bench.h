#pragma once

// Screens drawn with no window behind them: an ImGui context whose default
// font is built, and one frame of a screen with the pointer where a test
// puts it. Include ImGui's header before CppUTest's (test_prelude.h).

#include <imgui.h>

#include "kiosk/ui/ui.h"

namespace kiosk::test {

inline ImGuiContext* HeadlessImGui(ImFont** font) {
  ImGuiContext* context = ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  *font = io.Fonts->AddFontDefault();
  unsigned char* pixels = nullptr;
  int w = 0;
  int h = 0;
  io.Fonts->GetTexDataAsAlpha8(&pixels, &w, &h);
  return context;
}

inline void DrawFrame(ui::KioskUi& screen, float x = -1, float y = -1, bool down = false) {
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(1080, 1920);
  io.DeltaTime = 1.0f / 30.0f;
  io.MousePos = ImVec2(x, y);
  io.MouseDown[0] = down;
  ImGui::NewFrame();
  screen.Draw(1080, 1920);
  ImGui::Render();
}

}  // namespace kiosk::test
