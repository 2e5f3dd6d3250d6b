#pragma once

// The voice as the screens use it: say this, say it again, be quiet. In a
// window, synthesis runs on the speaker's own thread (joined when the
// speaker goes) so a tap never waits for it; headless, it runs in the call,
// so a scripted run writes the same files in the same order every time.

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "kiosk/voice/speech.h"

namespace kiosk::voice {

class Speaker {
 public:
  enum class Mode { kBackground, kInline };
  Speaker(std::unique_ptr<Synthesizer> synthesizer, std::unique_ptr<AudioSink> sink,
          VoiceSettings settings, Mode mode);
  ~Speaker();
  Speaker(const Speaker&) = delete;
  Speaker& operator=(const Speaker&) = delete;

  // Says `text` in `language` ("vi" or "en"), cutting what is being said.
  void Say(const std::string& text, const std::string& language, const std::string& tag);
  void Replay();
  void SetEnabled(bool on);
  bool Enabled() const;
  // The loudness the citizen chose on the screen, 0..100 (the config's to start).
  void SetVolume(int percent);
  int Volume() const;
  // A new citizen: the voice as the config has it, whatever the last one chose.
  void Reset() {
    SetEnabled(settings_.enabled);
    SetVolume(settings_.volume_percent);
  }

  // The last utterance's figures: from Say to its first sample handed to the
  // sink, and the synthesis alone.
  struct Figures {
    std::chrono::microseconds to_first_sample{0};
    std::chrono::microseconds synthesis{0};
    std::chrono::milliseconds audio{0};
  };
  std::optional<Figures> Last() const;

 private:
  struct Utterance {
    std::string text, language, tag;
    std::chrono::steady_clock::time_point asked;
  };
  void Run();
  void Speak(const Utterance& u);

  std::unique_ptr<Synthesizer> synthesizer_;
  std::unique_ptr<AudioSink> sink_;
  VoiceSettings settings_;
  Mode mode_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::optional<Utterance> pending_;
  std::optional<Utterance> last_;
  std::optional<Figures> figures_;
  bool enabled_;
  int volume_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace kiosk::voice
