// Figures for firmware/core: how long the primitives a dossier goes through
// take on this machine. Run with `make bench`; nothing here asserts a time.
#include <benchmark/benchmark.h>

#include <string>

#include "kiosk/core/aead.h"
#include "kiosk/core/clock.h"
#include "kiosk/core/config.h"
#include "kiosk/core/device_config.h"
#include "kiosk/core/hash.h"
#include "kiosk/core/log.h"
#include "kiosk/core/pk.h"
#include "kiosk/core/random.h"
#include "kiosk/core/uuid.h"

namespace core = kiosk::core;

namespace {

core::Drbg& Rng() {
  static auto drbg = core::Drbg::Create(core::AsBytes("bench"));
  return **drbg;
}

void BM_Sha256(benchmark::State& state) {
  const core::Bytes data(static_cast<std::size_t>(state.range(0)), 0xa5);
  for (auto _ : state) benchmark::DoNotOptimize(core::Digest(core::HashAlg::kSha256, data));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Sha256)->Arg(1024)->Arg(1 << 20);

// A scanned page as a PDF is roughly 100 KiB to 1 MiB.
void BM_AesGcmSeal(benchmark::State& state) {
  const core::Bytes data(static_cast<std::size_t>(state.range(0)), 0x5a);
  auto key = core::NewAesKey(Rng());
  const core::Bytes nonce(12, 1);
  for (auto _ : state) benchmark::DoNotOptimize(core::AesGcmSeal(*key, nonce, {}, data));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_AesGcmSeal)->Arg(1024)->Arg(1 << 20);

void BM_AesGcmOpen(benchmark::State& state) {
  const core::Bytes data(static_cast<std::size_t>(state.range(0)), 0x5a);
  auto key = core::NewAesKey(Rng());
  const core::Bytes nonce(12, 1);
  const auto sealed = *core::AesGcmSeal(*key, nonce, {}, data);
  for (auto _ : state) benchmark::DoNotOptimize(core::AesGcmOpen(*key, nonce, {}, sealed));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_AesGcmOpen)->Arg(1 << 20);

void BM_EcdsaP256Sign(benchmark::State& state) {
  auto key = core::PrivateKey::GenerateP256(Rng());
  const auto digest = *core::Digest(core::HashAlg::kSha256, core::AsBytes("manifest"));
  for (auto _ : state)
    benchmark::DoNotOptimize(key->SignRaw(core::HashAlg::kSha256, digest, Rng()));
}
BENCHMARK(BM_EcdsaP256Sign)->Unit(benchmark::kMillisecond);

void BM_EcdsaP256Verify(benchmark::State& state) {
  auto key = core::PrivateKey::GenerateP256(Rng());
  auto pub = key->Public();
  const auto digest = *core::Digest(core::HashAlg::kSha256, core::AsBytes("manifest"));
  const auto sig = *key->SignRaw(core::HashAlg::kSha256, digest, Rng());
  for (auto _ : state)
    benchmark::DoNotOptimize(pub->VerifyRaw(core::HashAlg::kSha256, digest, sig));
}
BENCHMARK(BM_EcdsaP256Verify)->Unit(benchmark::kMillisecond);

void BM_EcdsaP256Generate(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(core::PrivateKey::GenerateP256(Rng()));
}
BENCHMARK(BM_EcdsaP256Generate)->Unit(benchmark::kMillisecond);

void BM_UuidV7(benchmark::State& state) {
  core::UuidV7Generator ids(core::SystemClock(), Rng());
  for (auto _ : state) benchmark::DoNotOptimize(ids.Next());
}
BENCHMARK(BM_UuidV7);

void BM_ConfigLoad(benchmark::State& state) {
  const std::string path = std::string(KIOSK_TEST_DATA_DIR) + "/config/kiosk-selftest.example.toml";
  for (auto _ : state) {
    auto doc = core::config::Document::Load(path);
    core::DeviceConfig device;
    core::config::Reader reader(*doc);
    core::ReadDeviceConfig(reader.Table("device"), device);
    core::LogConfig log;
    core::ReadLogConfig(reader.Table("log"), log);
    benchmark::DoNotOptimize(reader.Finish());
  }
}
BENCHMARK(BM_ConfigLoad);

void BM_LogFormatLine(benchmark::State& state) {
  core::log::Record record{core::SystemClock().Now(),
                           core::log::Level::kInfo,
                           "outbox.sealed",
                           {{"dossier", "0190abcd-0000-7000-8000-000000000000"},
                            {"bytes", 123456},
                            {"took", std::chrono::milliseconds(42)}}};
  for (auto _ : state) benchmark::DoNotOptimize(core::log::FormatLine(record));
}
BENCHMARK(BM_LogFormatLine);

}  // namespace

BENCHMARK_MAIN();
