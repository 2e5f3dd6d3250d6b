#include "kiosk/voice/speech.h"

#include <SDL.h>
#include <espeak-ng/speak_lib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "kiosk/core/files.h"

namespace kiosk::voice {

using core::Error;

std::chrono::milliseconds Pcm::Duration() const {
  if (sample_rate <= 0) return std::chrono::milliseconds(0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(samples.size()) * 1000 / sample_rate);
}

namespace {

// espeak-ng's state is global: one utterance at a time, process-wide.
std::mutex& EspeakMutex() {
  static std::mutex mu;
  return mu;
}

int Collect(short* wav, int count, espeak_EVENT* events) {
  if (wav == nullptr || count <= 0 || events == nullptr) return 0;
  auto* out = static_cast<std::vector<std::int16_t>*>(events->user_data);
  if (out != nullptr) out->insert(out->end(), wav, wav + count);
  return 0;  // go on
}

}  // namespace

core::Expected<std::unique_ptr<Synthesizer>> Synthesizer::Open(int words_per_minute) {
  const std::lock_guard lock(EspeakMutex());
  // Started once and kept for the process: espeak_Terminate can hang on the
  // library's own event thread, and a new start after it is not supported.
  static const int rate =
      espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 200, nullptr, espeakINITIALIZE_DONT_EXIT);
  if (rate <= 0) {
    return Error::Fatal("voice.unavailable", "espeak-ng cannot start (install espeak-ng-data)");
  }
  espeak_SetSynthCallback(Collect);
  return std::unique_ptr<Synthesizer>(new Synthesizer(rate, std::clamp(words_per_minute, 80, 450)));
}

Synthesizer::~Synthesizer() = default;

core::Expected<Pcm> Synthesizer::Speak(const std::string& text, const std::string& voice) {
  const std::lock_guard lock(EspeakMutex());
  if (espeak_SetVoiceByName(voice.c_str()) != EE_OK) {
    return Error::Fatal("voice.unknown", "espeak-ng has no voice " + voice);
  }
  espeak_SetParameter(espeakRATE, words_per_minute_, 0);
  Pcm pcm;
  pcm.sample_rate = sample_rate_;
  const espeak_ERROR done = espeak_Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0,
                                         espeakCHARS_UTF8, nullptr, &pcm.samples);
  if (done != EE_OK) return Error::Retryable("voice.synthesis", "espeak-ng could not speak");
  return pcm;
}

namespace {

class SdlAudio final : public AudioSink {
 public:
  explicit SdlAudio(SDL_AudioDeviceID device) : device_(device) {}
  ~SdlAudio() override {
    SDL_CloseAudioDevice(device_);
    SDL_QuitSubSystem(SDL_INIT_AUDIO);
  }
  core::Status Play(const Pcm& pcm, const std::string&) override {
    SDL_ClearQueuedAudio(device_);
    if (SDL_QueueAudio(device_, pcm.samples.data(),
                       static_cast<Uint32>(pcm.samples.size() * sizeof(std::int16_t))) != 0) {
      return Error::Retryable("voice.audio", std::string("SDL_QueueAudio: ") + SDL_GetError());
    }
    SDL_PauseAudioDevice(device_, 0);
    return core::Ok();
  }
  void Stop() override { SDL_ClearQueuedAudio(device_); }

 private:
  SDL_AudioDeviceID device_;
};

class WavDirectory final : public AudioSink {
 public:
  explicit WavDirectory(std::filesystem::path dir) : dir_(std::move(dir)) {}
  core::Status Play(const Pcm& pcm, const std::string& tag) override {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    char name[32];
    std::snprintf(name, sizeof name, "%03d-", ++count_);
    std::string safe = tag;
    for (char& c : safe) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_') c = '-';
    }
    return WriteWav(dir_ / (name + safe + ".wav"), pcm);
  }
  void Stop() override {}

 private:
  std::filesystem::path dir_;
  int count_ = 0;
};

void PutLe(std::vector<std::uint8_t>& out, std::uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

}  // namespace

core::Expected<std::unique_ptr<AudioSink>> OpenSdlAudio(int sample_rate) {
  if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
    return Error::Retryable("voice.no_device", std::string("SDL audio: ") + SDL_GetError());
  }
  SDL_AudioSpec want{};
  want.freq = sample_rate;
  want.format = AUDIO_S16SYS;
  want.channels = 1;
  want.samples = 1024;
  SDL_AudioSpec have{};
  const SDL_AudioDeviceID device = SDL_OpenAudioDevice(nullptr, 0, &want, &have, 0);
  if (device == 0) {
    SDL_QuitSubSystem(SDL_INIT_AUDIO);
    return Error::Retryable("voice.no_device", std::string("no audio device: ") + SDL_GetError());
  }
  return std::unique_ptr<AudioSink>(new SdlAudio(device));
}

std::unique_ptr<AudioSink> WavFiles(const std::filesystem::path& dir) {
  return std::make_unique<WavDirectory>(dir);
}

core::Status WriteWav(const std::filesystem::path& path, const Pcm& pcm) {
  const auto data_bytes = static_cast<std::uint32_t>(pcm.samples.size() * 2);
  std::vector<std::uint8_t> out;
  out.reserve(44 + data_bytes);
  for (char c : std::string("RIFF")) out.push_back(static_cast<std::uint8_t>(c));
  PutLe(out, 36 + data_bytes, 4);
  for (char c : std::string("WAVEfmt ")) out.push_back(static_cast<std::uint8_t>(c));
  PutLe(out, 16, 4);  // the fmt chunk's size
  PutLe(out, 1, 2);   // PCM
  PutLe(out, 1, 2);   // mono
  PutLe(out, static_cast<std::uint32_t>(pcm.sample_rate), 4);
  PutLe(out, static_cast<std::uint32_t>(pcm.sample_rate) * 2, 4);  // bytes per second
  PutLe(out, 2, 2);                                                // block align
  PutLe(out, 16, 2);                                               // bits per sample
  for (char c : std::string("data")) out.push_back(static_cast<std::uint8_t>(c));
  PutLe(out, data_bytes, 4);
  for (const std::int16_t s : pcm.samples) PutLe(out, static_cast<std::uint16_t>(s), 2);
  return core::WriteFileAtomically(path, out, 0644);
}

}  // namespace kiosk::voice
