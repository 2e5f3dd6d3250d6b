#include "kiosk/ui/frontend.h"

#include <SDL.h>
#include <backends/imgui_impl_sdl.h>
#include <imgui.h>
#include <stb/stb_image_write.h>

#include <cstdlib>

#include "kiosk/ui/render_backend.h"

namespace kiosk::ui {

struct Frontend::Sdl {
  SDL_Window* window = nullptr;
  SDL_Surface* surface = nullptr;  // headless target
  SDL_Renderer* renderer = nullptr;
  ImGuiContext* imgui = nullptr;
  std::unique_ptr<RenderBackend> backend;
  bool platform = false;

  ~Sdl() {
    backend.reset();
    if (platform) ImGui_ImplSDL2_Shutdown();
    if (imgui != nullptr) ImGui::DestroyContext(imgui);
    if (renderer != nullptr) SDL_DestroyRenderer(renderer);
    if (surface != nullptr) SDL_FreeSurface(surface);
    if (window != nullptr) SDL_DestroyWindow(window);
    SDL_Quit();
  }
};

core::Expected<std::unique_ptr<Frontend>> Frontend::Create(const FrontendOptions& options,
                                                           journey::Journey& journey,
                                                           i18n::Translator& tr) {
  std::unique_ptr<Frontend> f(new Frontend());
  f->options_ = options;
  f->journey_ = &journey;
  f->sdl_ = std::make_unique<Sdl>();
  Sdl& sdl = *f->sdl_;
  if (options.headless) SDL_SetHint(SDL_HINT_VIDEODRIVER, "dummy");
  if (SDL_Init(SDL_INIT_VIDEO) != 0) {
    return core::Error::Fatal("ui.sdl", std::string("SDL_Init: ") + SDL_GetError());
  }
  if (options.headless) {
    sdl.surface = SDL_CreateRGBSurfaceWithFormat(0, options.width, options.height, 32,
                                                 SDL_PIXELFORMAT_ABGR8888);
    if (sdl.surface != nullptr) sdl.renderer = SDL_CreateSoftwareRenderer(sdl.surface);
  } else {
    const Uint32 flags =
        SDL_WINDOW_SHOWN | (options.fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
    sdl.window = SDL_CreateWindow("DVC kiosk", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                                  options.width, options.height, flags);
    if (sdl.window != nullptr) {
      sdl.renderer =
          SDL_CreateRenderer(sdl.window, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
      if (sdl.renderer == nullptr) {
        sdl.renderer = SDL_CreateRenderer(sdl.window, -1, SDL_RENDERER_SOFTWARE);
      }
    }
  }
  if (sdl.renderer == nullptr) {
    return core::Error::Fatal("ui.sdl", std::string("no renderer: ") + SDL_GetError());
  }
  IMGUI_CHECKVERSION();
  sdl.imgui = ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.LogFilename = nullptr;
  io.DisplaySize = ImVec2(static_cast<float>(options.width), static_cast<float>(options.height));
  Fonts fonts;
  if (!LoadFonts(options.font_regular, options.font_bold, fonts)) {
    return core::Error::Fatal("ui.fonts", "cannot load " + options.font_regular +
                                              " (install "
                                              "fonts-noto-core)");
  }
  ApplyStyle(DefaultPalette());
  sdl.backend = std::make_unique<RenderBackend>(sdl.renderer);
  if (!sdl.backend->CreateFontTexture()) {
    return core::Error::Fatal("ui.sdl", std::string("font texture: ") + SDL_GetError());
  }
  if (!options.headless) {
    ImGui_ImplSDL2_InitForSDLRenderer(sdl.window);
    sdl.platform = true;
  }
  f->ui_ = std::make_unique<KioskUi>(journey, tr, fonts);
  return f;
}

Frontend::~Frontend() = default;

std::chrono::microseconds Frontend::Frame(const Pointer& pointer) {
  const auto started = std::chrono::steady_clock::now();
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(static_cast<float>(options_.width), static_cast<float>(options_.height));
  io.DeltaTime = 1.0f / 30.0f;
  io.MousePos = ImVec2(pointer.x, pointer.y);
  io.MouseDown[0] = pointer.down;
  ImGui::NewFrame();
  ui_->Draw(static_cast<float>(options_.width), static_cast<float>(options_.height));
  ImGui::Render();
  SDL_SetRenderDrawColor(sdl_->renderer, 255, 255, 255, 255);
  SDL_RenderClear(sdl_->renderer);
  sdl_->backend->Render(ImGui::GetDrawData());
  SDL_RenderPresent(sdl_->renderer);
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                               started);
}

bool Frontend::InteractiveFrame() {
  SDL_Event event;
  while (SDL_PollEvent(&event)) {
    ImGui_ImplSDL2_ProcessEvent(&event);
    if (event.type == SDL_QUIT) return false;
    if (event.type == SDL_MOUSEBUTTONDOWN || event.type == SDL_FINGERDOWN) journey_->Activity();
  }
  ImGui_ImplSDL2_NewFrame();
  int w = 0;
  int h = 0;
  SDL_GetRendererOutputSize(sdl_->renderer, &w, &h);
  options_.width = w;
  options_.height = h;
  ImGui::NewFrame();
  ui_->Draw(static_cast<float>(w), static_cast<float>(h));
  ImGui::Render();
  SDL_SetRenderDrawColor(sdl_->renderer, 255, 255, 255, 255);
  SDL_RenderClear(sdl_->renderer);
  sdl_->backend->Render(ImGui::GetDrawData());
  SDL_RenderPresent(sdl_->renderer);
  return true;
}

core::Status Frontend::SavePng(const std::filesystem::path& path) const {
  if (sdl_->surface == nullptr)
    return core::Error::Fatal("ui.png", "screenshots are headless only");
  if (stbi_write_png(path.c_str(), sdl_->surface->w, sdl_->surface->h, 4, sdl_->surface->pixels,
                     sdl_->surface->pitch) == 0) {
    return core::Error::Retryable("io.error", "cannot write " + path.string());
  }
  return core::Ok();
}

}  // namespace kiosk::ui
