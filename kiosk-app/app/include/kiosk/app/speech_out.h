#pragma once

// Where the kiosk's voice goes: the sound card in a window, WAV files in a
// headless run given --speech DIR, nowhere otherwise (or when the config
// turns the voice off, or the kiosk has no audio device: then the screens
// show no voice buttons).

#include <memory>

#include "kiosk/app/app_args.h"
#include "kiosk/app/app_config.h"
#include "kiosk/voice/speaker.h"

namespace kiosk::app {

voice::VoiceSettings VoiceSettingsOf(const AppConfig& config);
std::unique_ptr<voice::Speaker> OpenSpeech(const AppConfig& config, const AppArgs& args);

}  // namespace kiosk::app
