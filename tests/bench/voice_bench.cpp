// The voice's figures: synthesis time of each screen's spoken prompt in the
// Central Vietnamese voice (and its length as audio), and the latency from
// a tap's Say to the first sample handed to the sound card, with synthesis
// on the speaker's thread. Run with `make bench`.
#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "kiosk/i18n/translator.h"
#include "kiosk/journey/flow.h"
#include "kiosk/ui/prompts.h"
#include "kiosk/voice/speaker.h"

namespace {

using namespace kiosk;  // NOLINT(google-build-using-namespace): benchmark file

i18n::Translator& Vietnamese() {
  static i18n::Translator tr =
      std::move(i18n::Translator::Load(KIOSK_BENCH_LOCALE_DIR, {"vi", "en"})).Value();
  return tr;
}

void BM_SynthesizePrompt(benchmark::State& state) {
  const auto screen = journey::kAllScreens[state.range(0)];
  const std::string text = ui::ScreenPrompt(screen, Vietnamese());
  auto synthesizer = std::move(voice::Synthesizer::Open(150)).Value();
  std::int64_t audio_ms = 0;
  for (auto _ : state) {
    auto pcm = synthesizer->Speak(text, "vi-vn-x-central");
    if (!pcm) state.SkipWithError(pcm.GetError().ToString().c_str());
    audio_ms = pcm->Duration().count();
  }
  state.SetLabel(journey::ToString(screen));
  state.counters["audio_ms"] = static_cast<double>(audio_ms);
  state.counters["chars"] = static_cast<double>(text.size());
}
BENCHMARK(BM_SynthesizePrompt)
    ->DenseRange(0, std::size(journey::kAllScreens) - 1)
    ->Unit(benchmark::kMillisecond);

// A sink that notes when the first sample arrives.
class FirstSample final : public voice::AudioSink {
 public:
  core::Status Play(const voice::Pcm&, const std::string&) override {
    arrived.store(true);
    return core::Ok();
  }
  void Stop() override {}
  std::atomic<bool> arrived{false};
};

void BM_TapToFirstSample(benchmark::State& state) {
  auto sink = std::make_unique<FirstSample>();
  FirstSample& first = *sink;
  voice::Speaker speaker(std::move(voice::Synthesizer::Open(150)).Value(), std::move(sink), {},
                         voice::Speaker::Mode::kBackground);
  const std::string text = ui::ScreenPrompt(journey::Screen::kIdentify, Vietnamese());
  for (auto _ : state) {
    first.arrived.store(false);
    speaker.Say(text, "vi", "identify");
    while (!first.arrived.load()) std::this_thread::yield();
  }
}
BENCHMARK(BM_TapToFirstSample)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
