#pragma once

// The screen: SDL2 + Dear ImGui around KioskUi. Headless: SDL's dummy video
// driver and a software renderer drawing into a surface that can be saved as
// PNG, with input injected by a script. Interactive: a window (or KMSDRM
// full screen on the device) with touch and mouse through SDL.

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "kiosk/core/error.h"
#include "kiosk/ui/picture.h"
#include "kiosk/ui/prompts.h"
#include "kiosk/ui/ui.h"
#include "kiosk/voice/speaker.h"

namespace kiosk::ui {

struct FrontendOptions {
  int width = 1080;
  int height = 1920;
  bool headless = true;
  bool fullscreen = false;
  std::string font_regular = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf";
  std::string font_bold = "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf";
  // The kiosk's voice; none: silent, and no voice buttons on the screens.
  voice::Speaker* speaker = nullptr;
  // Written words for what is typed without marks; none: Telex alone.
  const input::Suggester* suggester = nullptr;
};

struct Pointer {
  float x = -1;
  float y = -1;
  bool down = false;
};

// It also makes the screens' pictures (the citizen's photo) into textures
// of whichever renderer it draws with.
class Frontend final : public PictureTextures {
 public:
  static core::Expected<std::unique_ptr<Frontend>> Create(const FrontendOptions& options,
                                                          journey::Journey& journey,
                                                          i18n::Translator& tr);
  ~Frontend() override;
  Frontend(const Frontend&) = delete;
  Frontend& operator=(const Frontend&) = delete;

  // Headless: draws one frame with the pointer where the script puts it.
  // Returns how long drawing and rendering took.
  std::chrono::microseconds Frame(const Pointer& pointer);
  // Interactive: handles SDL events (false once the window is closed), then
  // draws one frame.
  bool InteractiveFrame();
  core::Status SavePng(const std::filesystem::path& path) const;

  KioskUi& Ui() { return *ui_; }
  void* Show(const Picture& picture) override;
  void Clear() override;
  int Width() const { return options_.width; }
  int Height() const { return options_.height; }

 private:
  Frontend() = default;
  struct Sdl;
  std::unique_ptr<Sdl> sdl_;
  std::unique_ptr<KioskUi> ui_;
  // After a frame: says what the narrator finds new (outside the frame's time).
  void Narrate();
  FrontendOptions options_;
  journey::Journey* journey_ = nullptr;
  i18n::Translator* tr_ = nullptr;
  Narrator narrator_;
};

}  // namespace kiosk::ui
