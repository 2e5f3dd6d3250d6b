#include "kiosk/app/speech_out.h"

#include "kiosk/core/log.h"

namespace kiosk::app {

voice::VoiceSettings VoiceSettingsOf(const AppConfig& config) {
  voice::VoiceSettings s;
  s.enabled = config.voice;
  s.vietnamese = config.vietnamese_voice;
  s.volume_percent = config.voice_volume_percent;
  s.words_per_minute = config.voice_words_per_minute;
  return s;
}

std::unique_ptr<voice::Speaker> OpenSpeech(const AppConfig& config, const AppArgs& args) {
  if (!config.voice) return nullptr;
  if (args.headless && args.speech.empty()) return nullptr;
  auto synthesizer = voice::Synthesizer::Open(config.voice_words_per_minute);
  if (!synthesizer) {
    core::log::Warn("voice.off", {{"why", synthesizer.GetError().ToString()}});
    return nullptr;
  }
  const int rate = (*synthesizer)->SampleRate();
  if (args.headless) {
    return std::make_unique<voice::Speaker>(std::move(*synthesizer), voice::WavFiles(args.speech),
                                            VoiceSettingsOf(config), voice::Speaker::Mode::kInline);
  }
  auto sink = voice::OpenSdlAudio(rate);
  if (!sink) {
    core::log::Warn("voice.off", {{"why", sink.GetError().ToString()}});
    return nullptr;
  }
  return std::make_unique<voice::Speaker>(std::move(*synthesizer), std::move(*sink),
                                          VoiceSettingsOf(config),
                                          voice::Speaker::Mode::kBackground);
}

}  // namespace kiosk::app
