#include "kiosk/ui/frontend.h"

#include <SDL.h>
#include <backends/imgui_impl_sdl.h>
#include <imgui.h>
#include <png.h>

#include <csetjmp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "kiosk/ui/raster.h"
#include "kiosk/ui/render_backend.h"

namespace kiosk::ui {

struct Frontend::Sdl {
  SDL_Window* window = nullptr;
  SDL_Surface* surface = nullptr;  // headless target
  SDL_Renderer* renderer = nullptr;
  ImGuiContext* imgui = nullptr;
  std::unique_ptr<RenderBackend> backend;
  std::unique_ptr<Raster> raster;  // headless: draws into `surface` itself
  SDL_Texture* picture = nullptr;  // the photo shown, with SDL's renderer
  char picture_key = 0;            // its id with the raster
  bool platform = false;

  ~Sdl() {
    if (picture != nullptr) SDL_DestroyTexture(picture);
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
  f->tr_ = &tr;
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
  if (options.headless) {
    unsigned char* pixels = nullptr;
    int atlas_width = 0;
    int atlas_height = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &atlas_width, &atlas_height);
    sdl.raster = std::make_unique<Raster>();
    sdl.raster->SetAtlas(pixels, atlas_width, atlas_height, io.Fonts->TexID,
                         io.Fonts->TexUvWhitePixel.x, io.Fonts->TexUvWhitePixel.y);
  } else {
    ImGui_ImplSDL2_InitForSDLRenderer(sdl.window);
    sdl.platform = true;
  }
  f->ui_ = std::make_unique<KioskUi>(journey, tr, fonts);
  f->ui_->SetSpeaker(options.speaker);
  f->ui_->SetPictures(f.get());
  f->ui_->SetSuggester(options.suggester);
  return f;
}

Frontend::~Frontend() = default;

void* Frontend::Show(const Picture& picture) {
  Clear();
  if (sdl_->raster != nullptr) {
    sdl_->raster->SetTexture(&sdl_->picture_key, picture.rgba.data(), picture.width,
                             picture.height);
    return &sdl_->picture_key;
  }
  sdl_->picture = SDL_CreateTexture(sdl_->renderer, SDL_PIXELFORMAT_ABGR8888,
                                    SDL_TEXTUREACCESS_STATIC, picture.width, picture.height);
  if (sdl_->picture == nullptr) return nullptr;
  SDL_UpdateTexture(sdl_->picture, nullptr, picture.rgba.data(), picture.width * 4);
  return sdl_->picture;
}

void Frontend::Clear() {
  if (sdl_->raster != nullptr) sdl_->raster->RemoveTexture(&sdl_->picture_key);
  if (sdl_->picture != nullptr) SDL_DestroyTexture(sdl_->picture);
  sdl_->picture = nullptr;
}

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
  if (sdl_->raster != nullptr) {
    SDL_Surface* s = sdl_->surface;
    sdl_->raster->Render(*ImGui::GetDrawData(),
                         {static_cast<std::uint8_t*>(s->pixels), s->w, s->h, s->pitch},
                         IM_COL32_WHITE);
  } else {
    SDL_SetRenderDrawColor(sdl_->renderer, 255, 255, 255, 255);
    SDL_RenderClear(sdl_->renderer);
    sdl_->backend->Render(ImGui::GetDrawData());
    SDL_RenderPresent(sdl_->renderer);
  }
  const auto took = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started);
  Narrate();
  return took;
}

void Frontend::Narrate() {
  if (options_.speaker == nullptr) return;
  // What was touched first; a new screen's prompt (said after) cuts it short.
  // Said as shown: "Ông" or "Bà" once the card is read.
  const std::string salutation = journey::Salutation(journey_->CurrentSession());
  if (const std::string touched = ui_->TakeTouched(); !touched.empty()) {
    options_.speaker->Say(Addressed(touched, salutation), journey_->Language(), "touched");
  }
  if (const std::string field = ui_->TakeFocused(); !field.empty()) {
    options_.speaker->Say(Addressed(field, salutation), journey_->Language(), "field");
  }
  if (auto line = narrator_.Next(*journey_, *tr_)) {
    if (journey_->CurrentScreen() == journey::Screen::kAttract) options_.speaker->Reset();
    options_.speaker->Say(Addressed(line->text, salutation), line->language, line->tag);
  }
}

bool Frontend::InteractiveFrame() {
  SDL_Event event;
  while (SDL_PollEvent(&event)) {
    ImGui_ImplSDL2_ProcessEvent(&event);
    if (event.type == SDL_QUIT) return false;
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
  Narrate();
  return true;
}

core::Status Frontend::SavePng(const std::filesystem::path& path) const {
  const SDL_Surface* surface = sdl_->surface;
  if (surface == nullptr) return core::Error::Fatal("ui.png", "screenshots are headless only");
  // libpng with its adaptive filters and zlib level 9: flat UI frames shrink
  // several times over a naive encoder, which keeps the reference images small.
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return core::Error::Retryable("io.error", "cannot write " + path.string());
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png != nullptr ? png_create_info_struct(png) : nullptr;
  bool ok = png != nullptr && info != nullptr;
  std::vector<png_byte> row(static_cast<std::size_t>(surface->w) * 3);
  if (ok && setjmp(png_jmpbuf(png)) == 0) {
    png_init_io(png, file);
    png_set_compression_level(png, 9);
    png_set_IHDR(png, info, static_cast<png_uint_32>(surface->w),
                 static_cast<png_uint_32>(surface->h), 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    const auto* pixels = static_cast<const std::uint8_t*>(surface->pixels);
    for (int y = 0; y < surface->h; ++y) {
      const std::uint8_t* src = pixels + static_cast<std::ptrdiff_t>(y) * surface->pitch;
      for (int x = 0; x < surface->w; ++x) {  // RGBA in memory (ABGR8888), alpha dropped
        row[static_cast<std::size_t>(x) * 3] = src[x * 4];
        row[static_cast<std::size_t>(x) * 3 + 1] = src[x * 4 + 1];
        row[static_cast<std::size_t>(x) * 3 + 2] = src[x * 4 + 2];
      }
      png_write_row(png, row.data());
    }
    png_write_end(png, nullptr);
  } else {
    ok = false;
  }
  png_destroy_write_struct(&png, &info);
  const bool closed = std::fclose(file) == 0;
  if (!ok || !closed) return core::Error::Retryable("io.error", "cannot write " + path.string());
  return core::Ok();
}

}  // namespace kiosk::ui
