#pragma once

// The kiosk's voice: Vietnamese (or English) prompts synthesized by
// libespeak-ng and played through SDL2's audio, or written as WAV files in
// headless runs. Only one utterance sounds at a time: a new prompt cuts the
// one still speaking, "Nghe lại" says the last again.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "kiosk/core/error.h"

namespace kiosk::voice {

// 16-bit mono samples.
struct Pcm {
  int sample_rate = 0;
  std::vector<std::int16_t> samples;
  std::chrono::milliseconds Duration() const;
};

struct VoiceSettings {
  bool enabled = true;
  // espeak-ng's Vietnamese voices: "vi" (Northern), "vi-vn-x-central"
  // (Central: Quảng Nam), "vi-vn-x-south" (Southern). English: "en".
  std::string vietnamese = "vi";
  std::string english = "en";
  int volume_percent = 80;  // 0..100
  int words_per_minute = 150;
};

// libespeak-ng in synchronous mode. The library keeps one global state,
// started once per process: every instance shares it, one utterance at a time.
class Synthesizer {
 public:
  // "voice.unavailable" when espeak-ng's data is missing.
  static core::Expected<std::unique_ptr<Synthesizer>> Open(int words_per_minute);
  ~Synthesizer();
  Synthesizer(const Synthesizer&) = delete;
  Synthesizer& operator=(const Synthesizer&) = delete;

  // "voice.unknown" for a voice espeak-ng does not have.
  core::Expected<Pcm> Speak(const std::string& text, const std::string& voice);
  int SampleRate() const { return sample_rate_; }

 private:
  Synthesizer(int sample_rate, int words_per_minute)
      : sample_rate_(sample_rate), words_per_minute_(words_per_minute) {}
  int sample_rate_;
  int words_per_minute_;
};

// Where speech goes.
class AudioSink {
 public:
  virtual ~AudioSink() = default;
  // Replaces whatever is still playing. `tag` names the utterance (a screen,
  // an error code) for sinks that keep it.
  virtual core::Status Play(const Pcm& pcm, const std::string& tag) = 0;
  virtual void Stop() = 0;
};

// SDL2's default audio device; "voice.no_device" when there is none.
core::Expected<std::unique_ptr<AudioSink>> OpenSdlAudio(int sample_rate);

// Each utterance as DIR/NNN-tag.wav (headless runs and tests).
std::unique_ptr<AudioSink> WavFiles(const std::filesystem::path& dir);

// A RIFF/WAVE file (PCM, 16-bit, mono) of the samples, written atomically.
core::Status WriteWav(const std::filesystem::path& path, const Pcm& pcm);

}  // namespace kiosk::voice
