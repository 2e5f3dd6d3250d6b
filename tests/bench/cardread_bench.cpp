// A full chip read through the real PC/SC stack: pcscd with vpcd, sim-cccd
// as the card, ChipReader in this process. Prints wall and host CPU time per
// read, APDUs and bytes, and the APDU count against the least the file sizes
// allow. Needs root (pcscd owns /run/pcscd) and no other pcscd running.
//
//   build/bench/tests/bench/bench_cardread [reads per persona, default 20]

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "kiosk/core/clock.h"
#include "kiosk/core/random.h"
#include "kiosk/idcard/chip_reader.h"
#include "kiosk/idcard/pcsc.h"
#include "kiosk/idcard/sim/persona.h"

namespace fs = std::filesystem;
namespace core = kiosk::core;
namespace idcard = kiosk::idcard;

namespace {

const fs::path kSource = fs::path(KIOSK_TEST_DATA_DIR).parent_path().parent_path();

int Run(const std::vector<std::string>& argv, const fs::path& log, bool wait) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    execv(args[0], args.data());
    _exit(127);
  }
  if (!wait) return pid;
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool WaitForText(const fs::path& log, const std::string& text) {
  for (int i = 0; i < 500; ++i) {
    std::ifstream in(log);
    const std::string content((std::istreambuf_iterator<char>(in)), {});
    if (content.find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

double CpuMs() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000.0 +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000.0;
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  // `bench_cardread [READS]`; scripts/bench also passes Google Benchmark's
  // --benchmark_* flags to every bench_*, which this one ignores.
  int reads = 20;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (!arg.empty() && arg.find_first_not_of("0123456789") == std::string::npos) {
      reads = std::stoi(arg);
    }
  }
  char tmpl[] = "/tmp/kiosk-bench-XXXXXX";
  const fs::path dir = mkdtemp(tmpl);
  const std::string sandbox = (kSource / "scripts/pcscd-sandbox").string();
  const std::string pki = (dir / "pki").string();
  const fs::path log = dir / "bench.log";
  if (Run({KIOSK_SIM_CCCD_BIN, "--make-pki", pki}, log, true) != 0 ||
      Run({sandbox, "start", (dir / "pcscd").string()}, log, true) != 0) {
    std::fprintf(stderr, "bench_cardread: could not start pcscd (see %s)\n", log.c_str());
    return 1;
  }
  auto trust = idcard::TrustStore::LoadDirectory(pki + "/csca");
  auto random = core::Drbg::Create(core::AsBytes("bench"));

  std::printf("%-24s %6s %6s %6s %8s %8s %9s %9s %9s\n", "persona", "DG2 B", "APDUs", "least",
              "sent B", "recv B", "wall p50", "wall p90", "cpu p50");
  int failures = 0;
  for (const char* name : {"p01-married-with-old-id", "p07-large-photo", "p08-bac-only"}) {
    const fs::path sim_log = dir / (std::string(name) + ".log");
    const fs::path persona = kSource / "tests/data/personas" / (std::string(name) + ".toml");
    const int sim = Run({sandbox, "exec", (dir / "pcscd").string(), KIOSK_SIM_CCCD_BIN, "--persona",
                         persona.string(), "--pki", pki},
                        sim_log, false);
    if (!WaitForText(sim_log, "card in the reader")) {
      std::fprintf(stderr, "bench_cardread: sim-cccd did not connect\n");
      kill(sim, SIGTERM);
      ++failures;
      continue;
    }
    auto p = idcard::sim::LoadPersona(persona);
    std::vector<double> wall;
    std::vector<double> cpu;
    idcard::ReadStats stats;
    for (int i = 0; i < reads; ++i) {
      const auto started = std::chrono::steady_clock::now();
      const double cpu_started = CpuMs();
      auto context = idcard::PcscContext::Establish();
      auto reader = context ? context->WaitForCard("", std::chrono::seconds(5))
                            : core::Expected<std::string>(context.GetError());
      auto channel =
          reader ? context->Connect(*reader)
                 : core::Expected<std::unique_ptr<idcard::PcscCardChannel>>(reader.GetError());
      if (!channel) {
        std::fprintf(stderr, "bench_cardread: %s\n", channel.GetError().ToString().c_str());
        ++failures;
        break;
      }
      idcard::ChipReader chip(**channel, core::SystemClock(), **random);
      idcard::ReadOptions options;
      options.trust = &*trust;
      options.active_authentication = false;  // the read, not AA
      auto key = idcard::AccessKey::FromIdNumber(p->id_number, p->MrzBirth(), p->MrzExpiry(),
                                                 idcard::Date{2026, 11, 29});
      auto id = chip.Read(*key, options, &stats);
      wall.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
              .count());
      cpu.push_back(CpuMs() - cpu_started);
      if (!id || id->authenticity.Verdict() != "authentic") {
        std::fprintf(stderr, "bench_cardread: read failed\n");
        ++failures;
        break;
      }
    }
    kill(sim, SIGTERM);
    waitpid(sim, nullptr, 0);
    if (wall.empty()) continue;
    // Least possible: the access protocol's own commands, then every file in
    // reads of 223 bytes (the most a short secure-messaging answer carries).
    std::size_t least = stats.access_method == "BAC" ? 3 : 8;
    for (const auto& [file, size] : stats.file_sizes) {
      if (file != "EF.CardAccess") least += (size + 222) / 223;
    }
    std::printf("%-24s %6zu %6zu %6zu %8zu %8zu %7.1fms %7.1fms %7.1fms\n", name,
                stats.file_sizes["DG2"], stats.apdus, least, stats.bytes_sent, stats.bytes_received,
                Percentile(wall, 0.5), Percentile(wall, 0.9), Percentile(cpu, 0.5));
  }
  Run({sandbox, "stop", (dir / "pcscd").string()}, log, true);
  fs::remove_all(dir);
  std::printf("(%d reads each through pcscd + vpcd + sim-cccd; wall includes connecting)\n", reads);
  return failures == 0 ? 0 : 1;
}
