// Seal-to-durable latency: from a finished dossier with a scanned PDF of
// 1, 5 or 20 MB to the moment Outbox::Seal returns (hash, sign, encrypt,
// fsync, rename, SQLite commit with synchronous=FULL). Run with `make bench`.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "kiosk/core/clock.h"
#include "kiosk/core/log.h"
#include "kiosk/core/random.h"
#include "kiosk/core/uuid.h"
#include "kiosk/dossier/outbox.h"
#include "kiosk/dossier/package.h"

namespace core = kiosk::core;
namespace dossier = kiosk::dossier;

namespace {

void BM_SealToDurable(benchmark::State& state) {
  core::log::ScopedCapture quiet(core::log::Level::kError);
  char tmpl[] = "/var/tmp/kiosk-seal-bench-XXXXXX";
  const std::filesystem::path dir = mkdtemp(tmpl);
  auto random = core::Drbg::Create(core::AsBytes("bench"));
  auto device_key = core::PrivateKey::GenerateP256(**random);
  auto storage_key = dossier::LoadOrCreateStorageKey(dir / "storage.key", **random);
  auto outbox = dossier::Outbox::Open(dir / "outbox", core::SystemClock());
  core::UuidV7Generator ids(core::SystemClock(), **random);
  const auto size = static_cast<std::size_t>(state.range(0)) * 1024 * 1024;
  const auto pdf = dir / "scan.pdf";
  {
    auto bytes = core::RandomBytes(**random, size);
    std::ofstream(pdf, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes->data()),
               static_cast<std::streamsize>(bytes->size()));
  }
  std::shared_ptr<const core::SecretBytes> in_memory;
  if (state.range(1) == 1) {
    auto bytes = core::RandomBytes(**random, size);
    in_memory = std::make_shared<const core::SecretBytes>(core::ByteView(*bytes));
  }
  for (auto _ : state) {
    dossier::Dossier d;
    d.id = *ids.Next();
    d.procedure_code = "1.001612";
    d.kiosk_id = "BENCH-0001";
    dossier::Attachment a;
    a.name = "attachment-01.pdf";
    if (state.range(1) == 1) {
      a.content = in_memory;  // as kiosk-app seals: the PDF never on disk in the clear
    } else {
      a.source = pdf;
    }
    d.attachments.push_back(a);
    auto sealed = outbox->Seal(d, *device_key, "BENCH-0001", *storage_key, **random);
    if (!sealed) state.SkipWithError(sealed.GetError().ToString().c_str());
    state.PauseTiming();
    std::filesystem::remove(sealed->package);  // keep the disk from filling
    state.ResumeTiming();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(size));
  std::filesystem::remove_all(dir);
}
// {MB, 0 = a file, 1 = in memory (kiosk-app's way)}
BENCHMARK(BM_SealToDurable)
    ->ArgsProduct({{1, 5, 20}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
