// kiosk-selftest: the cryptographic power-on self-test, and the device key.
//
//   kiosk-selftest [--config FILE] [--device-key FILE] [--json]
//
// Loads the kiosk config (embedded defaults without --config), runs the
// known-answer and health checks, and with --device-key loads the device key
// from FILE or creates it there (mode 0600) if FILE does not exist yet.
// Exit status: 0 all checks passed, 1 a check failed, 2 bad usage or config,
// 3 the device key could not be loaded or created.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kiosk/core/clock.h"
#include "kiosk/core/config.h"
#include "kiosk/core/device_config.h"
#include "kiosk/core/log.h"
#include "kiosk/core/pk.h"
#include "kiosk/core/random.h"
#include "kiosk/core/selftest.h"
#include "kiosk/core/usage.h"
#include "kiosk/core/uuid.h"

namespace core = kiosk::core;
namespace klog = kiosk::core::log;

namespace {

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitKey = 3;

struct SelfTestConfig {
  core::DeviceConfig device;
  core::LogConfig log;
};

core::Expected<SelfTestConfig> ReadConfig(const core::config::Document& doc) {
  SelfTestConfig config;
  core::config::Reader reader(doc);
  core::ReadDeviceConfig(reader.Table("device"), config.device);
  core::ReadLogConfig(reader.Table("log"), config.log);
  KIOSK_TRY(reader.Finish());
  return config;
}

struct Options {
  std::optional<std::string> config_path;
  std::optional<std::string> key_path;
  bool json = false;
};

void Usage(bool asked = false) {
  std::fprintf(kiosk::core::UsageStream(asked),
               "usage: kiosk-selftest [--config FILE] [--device-key FILE] [--json]\n");
}

std::optional<Options> ParseArgs(int argc, char** argv) {
  Options options;
  std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--json") {
      options.json = true;
    } else if ((arg == "--config" || arg == "--device-key") && i + 1 < args.size()) {
      (arg == "--config" ? options.config_path : options.key_path) = args[++i];
    } else if (arg == "--help" || arg == "-h") {
      Usage(true);
      std::exit(0);
    } else {
      std::fprintf(stderr, "kiosk-selftest: unknown or incomplete argument '%s'\n", arg.c_str());
      Usage();
      return std::nullopt;
    }
  }
  return options;
}

core::Expected<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::Error::NeedsPerson("io.open", "cannot open " + path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Writes the key atomically with mode 0600: a crash never leaves half a key.
core::Status WriteKeyFile(const std::string& path, const core::SecretBytes& pem) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return core::Error::NeedsPerson("io.open",
                                    "cannot create " + tmp + ": " + std::strerror(errno));
  const auto bytes = pem.View();
  const bool ok = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return core::Error::NeedsPerson("io.write", "cannot write " + path);
  }
  return core::Ok();
}

struct KeyInfo {
  std::string fingerprint;
  bool created = false;
};

core::Expected<KeyInfo> LoadOrCreateKey(const std::string& path, core::RandomSource& random) {
  KeyInfo info;
  std::optional<core::PrivateKey> key;
  if (std::filesystem::exists(path)) {
    KIOSK_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
    core::SecretBytes pem(core::AsBytes(text));
    core::SecureZero(text.data(), text.size());
    KIOSK_ASSIGN_OR_RETURN(auto loaded, core::PrivateKey::FromPem(pem));
    key.emplace(std::move(loaded));
  } else {
    KIOSK_ASSIGN_OR_RETURN(auto generated, core::PrivateKey::GenerateP256(random));
    KIOSK_ASSIGN_OR_RETURN(auto pem, generated.ToPem());
    KIOSK_TRY(WriteKeyFile(path, pem));
    key.emplace(std::move(generated));
    info.created = true;
  }
  KIOSK_ASSIGN_OR_RETURN(auto pub, key->Public());
  KIOSK_ASSIGN_OR_RETURN(info.fingerprint, pub.Fingerprint());
  return info;
}

// One problem per line, so a technician can work down the list.
void PrintConfigError(const core::Error& error) {
  std::fprintf(stderr, "kiosk-selftest: configuration refused (%s):\n", error.Code().c_str());
  std::string message = error.Message();
  std::size_t start = 0;
  while (start <= message.size()) {
    const std::size_t end = std::min(message.find('\n', start), message.size());
    std::fprintf(stderr, "  %s\n", message.substr(start, end - start).c_str());
    start = end + 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = ParseArgs(argc, argv);
  if (!options) return kExitUsage;

  SelfTestConfig config;
  if (options->config_path) {
    auto doc = core::config::Document::Load(*options->config_path);
    auto parsed = doc ? ReadConfig(*doc) : core::Expected<SelfTestConfig>(doc.GetError());
    if (!parsed) {
      PrintConfigError(parsed.GetError());
      return kExitUsage;
    }
    config = std::move(parsed).Value();
  }
  klog::Install(
      std::make_unique<klog::Logger>(klog::SinkForEnvironment("kiosk-selftest"), config.log.level));
  const core::Clock& clock = core::SystemClock();
  klog::Info("selftest.start", {{"kiosk", config.device.kiosk_id},
                                {"config", options->config_path.value_or("(embedded defaults)")}});

  auto drbg = core::Drbg::Create(core::AsBytes("kiosk-selftest"));
  if (!drbg) {
    klog::Error("selftest.rng_failed", {{"error", drbg.GetError().ToString()}});
    return kExitFailed;
  }
  const core::SelfTestReport report = core::RunCryptoSelfTest(**drbg, clock);

  std::optional<KeyInfo> key_info;
  if (options->key_path) {
    auto info = LoadOrCreateKey(*options->key_path, **drbg);
    if (!info) {
      klog::Error("selftest.device_key_failed",
                  {{"path", *options->key_path}, {"error", info.GetError().ToString()}});
      return kExitKey;
    }
    key_info = *info;
  }

  core::UuidV7Generator ids(clock, **drbg);
  auto run_id = ids.Next();

  if (options->json) {
    nlohmann::json out;
    out["kiosk_id"] = config.device.kiosk_id;
    out["site_name"] = config.device.site_name;
    out["run_id"] = run_id ? run_id->ToString() : "";
    out["passed"] = report.Passed();
    for (const auto& check : report.checks) {
      out["checks"].push_back({{"name", check.name},
                               {"passed", check.passed},
                               {"detail", check.detail},
                               {"micros", check.took.count()}});
    }
    if (key_info) {
      out["device_key"] = {{"fingerprint_sha256", key_info->fingerprint},
                           {"created", key_info->created}};
    }
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    std::printf("kiosk %s (%s), self-test run %s\n", config.device.kiosk_id.c_str(),
                config.device.site_name.c_str(), run_id ? run_id->ToString().c_str() : "?");
    for (const auto& check : report.checks) {
      std::printf("  %-22s %-4s %8lld us  %s\n", check.name.c_str(), check.passed ? "ok" : "FAIL",
                  static_cast<long long>(check.took.count()), check.detail.c_str());
    }
    if (key_info) {
      std::printf("device key %s: SHA-256 %s\n", key_info->created ? "created" : "loaded",
                  key_info->fingerprint.c_str());
    }
    std::printf("self-test %s\n", report.Passed() ? "PASSED" : "FAILED");
  }
  klog::Info("selftest.done", {{"passed", report.Passed()}, {"checks", report.checks.size()}});
  return report.Passed() ? 0 : kExitFailed;
}
