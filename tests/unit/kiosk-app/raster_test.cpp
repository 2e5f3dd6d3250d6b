// The kiosk's own rasterizer against SDL's software renderer: the same Dear
// ImGui draw data (rounded and square fills, 1 and 2 px borders, circles,
// translucent shapes, lines, text) drawn both ways must give the same frame
// within what a screenshot comparison allows, and the plain cases exactly.
// SDL's and ImGui's headers before CppUTest's, whose tracking redefines `new`.
#include <SDL.h>
#include <imgui.h>

#include "test_prelude.h"

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "kiosk/ui/raster.h"
#include "kiosk/ui/render_backend.h"

using kiosk::ui::PixelTarget;
using kiosk::ui::Raster;
using kiosk::ui::RenderBackend;

namespace {

constexpr int kWidth = 320;
constexpr int kHeight = 240;

void DrawScene(ImDrawList& d) {
  d.AddRectFilled({10, 10}, {150, 60}, IM_COL32(20, 60, 120, 255));
  d.AddRectFilled({160.5f, 10.25f}, {300.75f, 60.5f}, IM_COL32(220, 230, 240, 255), 12.0f);
  d.AddRect({160.5f, 10.25f}, {300.75f, 60.5f}, IM_COL32(70, 80, 90, 255), 12.0f, 0, 2.0f);
  d.AddRect({10, 70}, {150, 120}, IM_COL32(200, 30, 30, 255), 8.0f, 0, 1.0f);
  d.AddCircleFilled({230, 100}, 30.0f, IM_COL32(10, 100, 40, 255));
  d.AddCircle({230, 100}, 34.0f, IM_COL32(10, 10, 10, 255), 0, 2.0f);
  d.AddRectFilled({0, 0}, {kWidth, kHeight}, IM_COL32(0, 0, 0, 60));  // a dim
  d.AddTriangleFilled({20, 200}, {120, 130}, {140, 230}, IM_COL32(250, 180, 0, 180));
  d.AddLine({160, 140}, {310, 230}, IM_COL32(0, 0, 200, 255), 3.0f);
  d.AddText({20, 140}, IM_COL32(0, 0, 0, 255), "Xin chao, 0123456789");
}

struct Frame {
  std::vector<std::uint8_t> ours = std::vector<std::uint8_t>(kWidth * kHeight * 4);
  std::vector<std::uint8_t> sdl = std::vector<std::uint8_t>(kWidth * kHeight * 4);
};

// Draws the scene both ways.
Frame Both() {
  Frame f;
  SDL_SetHint(SDL_HINT_VIDEODRIVER, "dummy");
  CHECK_EQUAL(0, SDL_Init(SDL_INIT_VIDEO));
  ImGuiContext* context = ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.DisplaySize = ImVec2(kWidth, kHeight);
  io.DeltaTime = 1.0f / 30.0f;
  io.Fonts->AddFontDefault();
  ImGui::GetStyle().AntiAliasedLinesUseTex = false;  // as the kiosk's style has it
  SDL_Surface* surface =
      SDL_CreateRGBSurfaceWithFormat(0, kWidth, kHeight, 32, SDL_PIXELFORMAT_ABGR8888);
  SDL_Renderer* renderer = SDL_CreateSoftwareRenderer(surface);
  {
    RenderBackend backend(renderer);
    CHECK_TRUE(backend.CreateFontTexture());
    unsigned char* atlas = nullptr;
    int aw = 0;
    int ah = 0;
    io.Fonts->GetTexDataAsRGBA32(&atlas, &aw, &ah);
    Raster raster;
    raster.SetAtlas(atlas, aw, ah, io.Fonts->TexID, io.Fonts->TexUvWhitePixel.x,
                    io.Fonts->TexUvWhitePixel.y);
    ImGui::NewFrame();
    DrawScene(*ImGui::GetForegroundDrawList());
    ImGui::Render();
    raster.Render(*ImGui::GetDrawData(), PixelTarget{f.ours.data(), kWidth, kHeight, kWidth * 4},
                  IM_COL32_WHITE);
    SDL_SetRenderDrawColor(renderer, 255, 255, 255, 255);
    SDL_RenderClear(renderer);
    backend.Render(ImGui::GetDrawData());
    SDL_RenderPresent(renderer);
    for (int y = 0; y < kHeight; ++y) {
      const auto* row = static_cast<const std::uint8_t*>(surface->pixels) + y * surface->pitch;
      std::copy(row, row + kWidth * 4, f.sdl.begin() + y * kWidth * 4);
    }
  }
  SDL_DestroyRenderer(renderer);
  SDL_FreeSurface(surface);
  ImGui::DestroyContext(context);
  SDL_Quit();
  return f;
}

const std::uint8_t* At(const std::vector<std::uint8_t>& p, int x, int y) {
  return p.data() + (y * kWidth + x) * 4;
}

}  // namespace

TEST_GROUP(Raster){};

// Inside shapes the two agree to the level; they may differ only along
// edges, where SDL snaps vertices to half pixels and this rasterizer samples
// coverage at pixel centres.
TEST(Raster, DrawsWhatSdlsSoftwareRendererDrawsExceptAlongEdges) {
  const Frame f = Both();
  int along_edges = 0;
  for (int y = 0; y < kHeight; ++y) {
    for (int x = 0; x < kWidth; ++x) {
      int worst = 0;
      for (int c = 0; c < 3; ++c) {
        worst = std::max(worst, std::abs(At(f.ours, x, y)[c] - At(f.sdl, x, y)[c]));
      }
      if (worst <= 2) continue;
      // An edge: SDL's own frame changes by more than 24 levels within 2 px.
      int range = 0;
      for (int c = 0; c < 3; ++c) {
        int lo = 255;
        int hi = 0;
        for (int dy = -2; dy <= 2; ++dy) {
          for (int dx = -2; dx <= 2; ++dx) {
            const int nx = std::clamp(x + dx, 0, kWidth - 1);
            const int ny = std::clamp(y + dy, 0, kHeight - 1);
            lo = std::min(lo, static_cast<int>(At(f.sdl, nx, ny)[c]));
            hi = std::max(hi, static_cast<int>(At(f.sdl, nx, ny)[c]));
          }
        }
        range = std::max(range, hi - lo);
      }
      CHECK_TRUE_TEXT(range > 24,
                      ("inside a shape at " + std::to_string(x) + "," + std::to_string(y)).c_str());
      ++along_edges;
    }
  }
  CHECK_TRUE(along_edges > 0);  // SDL's snapping shows; a test of one renderer twice would not
  // Along edges the same ink, placed more exactly: SDL spreads a 1 px line
  // at y = 70.5 over rows 69 and 70 at half strength, this draws it on row 70.
  for (int c = 0; c < 3; ++c) {
    long ours = 0;
    long sdl = 0;
    for (int i = c; i < kWidth * kHeight * 4; i += 4) {
      ours += 255 - f.ours[static_cast<std::size_t>(i)];
      sdl += 255 - f.sdl[static_cast<std::size_t>(i)];
    }
    CHECK_TRUE_TEXT(std::abs(ours - sdl) * 100 <= sdl * 2,
                    ("channel " + std::to_string(c) + ": " + std::to_string(ours) + " vs " +
                     std::to_string(sdl))
                        .c_str());
  }
  // The 1 px border, crisp.
  CHECK_TRUE(At(f.ours, 50, 70)[1] < 40 && At(f.ours, 50, 69)[1] > 190);
}

// Blends as source-over: d = s·a + d·(1 − a).
int Over(int src, int alpha, int dst) { return (src * alpha + dst * (255 - alpha) + 127) / 255; }

TEST(Raster, FillsCoverPixelCentresAndBlendSourceOver) {
  const Frame f = Both();
  auto near = [](int expected, int actual) { return std::abs(expected - actual) <= 1; };
  // Inside the square fill, under the dim (black at 60/255).
  const std::uint8_t* inside = At(f.ours, 80, 30);
  CHECK_TRUE(near(Over(0, 60, 20), inside[0]) && near(Over(0, 60, 60), inside[1]) &&
             near(Over(0, 60, 120), inside[2]));
  // The fill covers exactly [10, 150) × [10, 60).
  for (const auto& [x, y] : std::vector<std::pair<int, int>>{{10, 10}, {149, 59}, {10, 59}}) {
    CHECK_TRUE(near(Over(0, 60, 120), At(f.ours, x, y)[2]));
  }
  for (const auto& [x, y] :
       std::vector<std::pair<int, int>>{{9, 30}, {150, 30}, {80, 9}, {80, 60}}) {
    CHECK_TRUE(near(Over(0, 60, 255), At(f.ours, x, y)[2]));
  }
  // The 2 px border's alpha fringe: the rounded rectangle's top edge at
  // y = 10.25 stroked 0.5 px inside, so its fringe runs from 9.25 to 10.25:
  // the pixel centre at 9.5 is a quarter covered.
  const int under = 255;
  const int expected = Over(0, 60, Over(70, 64, under));
  CHECK_TRUE_TEXT(std::abs(expected - At(f.ours, 230, 9)[0]) <= 6,
                  std::to_string(At(f.ours, 230, 9)[0]).c_str());
}
