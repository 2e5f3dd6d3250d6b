#include "kiosk/voice/speaker.h"

#include <algorithm>

#include "kiosk/core/log.h"

namespace kiosk::voice {

Speaker::Speaker(std::unique_ptr<Synthesizer> synthesizer, std::unique_ptr<AudioSink> sink,
                 VoiceSettings settings, Mode mode)
    : synthesizer_(std::move(synthesizer)),
      sink_(std::move(sink)),
      settings_(std::move(settings)),
      mode_(mode),
      enabled_(settings_.enabled),
      volume_(std::clamp(settings_.volume_percent, 0, 100)) {
  if (mode_ == Mode::kBackground) worker_ = std::thread([this] { Run(); });
}

Speaker::~Speaker() {
  {
    const std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void Speaker::Say(const std::string& text, const std::string& language, const std::string& tag) {
  if (text.empty()) return;
  Utterance u{text, language, tag, std::chrono::steady_clock::now()};
  {
    const std::lock_guard lock(mu_);
    last_ = u;
    if (!enabled_) return;
    if (mode_ == Mode::kBackground) {
      pending_ = std::move(u);  // a newer prompt replaces one not yet spoken
      wake_.notify_one();
      return;
    }
  }
  Speak(u);
}

void Speaker::Replay() {
  std::optional<Utterance> again;
  {
    const std::lock_guard lock(mu_);
    if (!last_ || !enabled_) return;
    again = last_;
  }
  again->asked = std::chrono::steady_clock::now();
  again->tag += ".again";
  if (mode_ == Mode::kInline) {
    Speak(*again);
    return;
  }
  const std::lock_guard lock(mu_);
  pending_ = std::move(again);
  wake_.notify_one();
}

void Speaker::SetEnabled(bool on) {
  {
    const std::lock_guard lock(mu_);
    enabled_ = on;
    if (!on) pending_.reset();
  }
  if (!on) sink_->Stop();
}

void Speaker::SetVolume(int percent) {
  const std::lock_guard lock(mu_);
  volume_ = std::clamp(percent, 0, 100);
}

int Speaker::Volume() const {
  const std::lock_guard lock(mu_);
  return volume_;
}

bool Speaker::Enabled() const {
  const std::lock_guard lock(mu_);
  return enabled_;
}

std::optional<Speaker::Figures> Speaker::Last() const {
  const std::lock_guard lock(mu_);
  return figures_;
}

void Speaker::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || pending_.has_value(); });
    if (stopping_) return;
    const Utterance u = std::move(*pending_);
    pending_.reset();
    lock.unlock();
    Speak(u);
    lock.lock();
  }
}

void Speaker::Speak(const Utterance& u) {
  const auto started = std::chrono::steady_clock::now();
  const std::string& voice = u.language == "vi" ? settings_.vietnamese : settings_.english;
  auto pcm = synthesizer_->Speak(u.text, voice);
  if (!pcm) {
    core::log::Warn("voice.failed", {{"why", pcm.GetError().ToString()}});
    return;
  }
  const auto synthesized = std::chrono::steady_clock::now();
  const int volume = Volume();
  for (auto& s : pcm->samples) s = static_cast<std::int16_t>(s * volume / 100);
  if (auto played = sink_->Play(*pcm, u.tag); !played) {
    core::log::Warn("voice.failed", {{"why", played.GetError().ToString()}});
    return;
  }
  const auto handed = std::chrono::steady_clock::now();
  const std::lock_guard lock(mu_);
  figures_ = Figures{std::chrono::duration_cast<std::chrono::microseconds>(handed - u.asked),
                     std::chrono::duration_cast<std::chrono::microseconds>(synthesized - started),
                     pcm->Duration()};
}

}  // namespace kiosk::voice
