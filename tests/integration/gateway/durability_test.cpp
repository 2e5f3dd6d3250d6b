// The gateway's storage against a power cut and a full disk, with real
// processes and real files:
//  - a power cut: kiosk-gateway runs under powercut.so (tests/tools), which
//    keeps only what was synced; it is killed while dossiers stream in, its
//    state is rebuilt as a machine would find it after the cut, and every
//    dossier it acknowledged must be there, attachments and all;
//  - a full disk: the state on a small tmpfs, filled up; a dossier is
//    refused with a retryable 503, nothing is corrupted, and the same dossier
//    goes through once there is room again.
#include "test_prelude.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "kiosk/core/files.h"
#include "kiosk/core/http.h"
#include "kiosk/core/log.h"
#include "kiosk/dossier/upload.h"
#include "sealed_upload.h"
#include "test_support.h"

namespace core = kiosk::core;
namespace dossier = kiosk::dossier;
namespace fs = std::filesystem;
using kiosk::test::BackgroundProcess;
using kiosk::test::RunProcess;
using kiosk::test::TempDir;
using nlohmann::json;

namespace {

constexpr const char* kKiosk = "QNM-TAMKY-0001";

std::string ReadAll(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// Rebuilds at `to` what survived the cut of the directory with this device
// and inode, from powercut.so's shadow: the names it synced, the data each
// file synced (a file never synced is there but empty, as after a cut).
void Restore(const fs::path& shadow, const std::string& dev, const std::string& ino,
             const fs::path& to) {
  fs::create_directories(to);
  std::ifstream listing(shadow / ("dir-" + dev + "-" + ino));
  std::string line;
  while (std::getline(listing, line)) {
    std::istringstream fields(line);
    std::string kind, child_dev, child_ino;
    fields >> kind >> child_dev >> child_ino;
    std::string name;
    std::getline(fields >> std::ws, name);
    if (kind == "d") {
      Restore(shadow, child_dev, child_ino, to / name);
    } else {
      const fs::path data = shadow / ("file-" + child_dev + "-" + child_ino);
      if (fs::exists(data)) {
        fs::copy_file(data, to / name);
      } else {
        std::ofstream(to / name);
      }
    }
  }
}

}  // namespace

// clang-format off
TEST_GROUP(Durability) {
  core::log::ScopedCapture quiet{core::log::Level::kError};
  TempDir dir;
  fs::path pki;
  std::optional<core::PrivateKey> device_key;
  std::vector<core::Certificate> device_chain;
  std::uint16_t port = 0;
  std::unique_ptr<BackgroundProcess> gateway;
  int starts = 0;

  void setup() override {
    kiosk::test::StopTrackingAllocations();  // the uploading thread allocates too
    pki = dir.Path() / "pki";
    LONGS_EQUAL(0, RunProcess({KIOSK_DEVCA_BIN, "init", pki.string()}).exit_code);
    LONGS_EQUAL(0, RunProcess({KIOSK_DEVCA_BIN, "device", pki.string(), kKiosk}).exit_code);
    device_key.emplace(
        core::LoadPrivateKeyFile(pki / "devices" / kKiosk / "device-key.pem").Value());
    device_chain = core::LoadCertificateFile(pki / "devices" / kKiosk / "device.pem").Value();
  }

  void teardown() override {
    gateway.reset();
    device_key.reset();
    std::vector<core::Certificate>().swap(device_chain);
    fs::path().swap(pki);
    kiosk::test::ResumeTrackingAllocations();
  }

  // A gateway (intake only) keeping its state in `state`, with `env` added.
  void StartGateway(const fs::path& state, const std::vector<std::string>& env = {}) {
    port = kiosk::test::FreePort();
    const fs::path config = dir.Path() / "gateway.toml";
    std::ofstream(config) << "[listen]\naddress = \"127.0.0.1\"\nport = " << port << "\n"
                          << "[tls]\ncertificate = \"" << (pki / "gateway.pem").string() << "\"\n"
                          << "key = \"" << (pki / "gateway-key.pem").string() << "\"\n"
                          << "device_ca = \"" << (pki / "device-ca.pem").string() << "\"\n"
                          << "[storage]\ndir = \"" << state.string() << "\"\n"
                          << "[procedures]\n\"1.001612\" = 3\n";
    std::vector<std::string> argv = {"/usr/bin/env"};
    argv.insert(argv.end(), env.begin(), env.end());
    argv.insert(argv.end(), {KIOSK_GATEWAY_BIN, "--config", config.string()});
    gateway = std::make_unique<BackgroundProcess>(
        argv, dir.Path() / ("gateway-" + std::to_string(starts++) + ".log"));
    if (!gateway->WaitForLog("listening on", std::chrono::seconds(10))) {
      FAIL(gateway->Log().c_str());
    }
  }

  core::Expected<core::HttpResponse> Post(const std::string& body) {
    core::TlsOptions tls;
    tls.trusted = core::LoadCertificateFile(pki / "gateway-ca.pem").Value();
    tls.identity = core::TlsIdentity{device_chain, &*device_key};
    tls.server_name = "localhost";
    return core::HttpsRequest(
        "127.0.0.1", port, tls,
        core::HttpRequest{"POST", "/v1/dossiers", {{"Content-Type", dossier::kUploadContentType}},
                          body});
  }
};
// clang-format on

// The kiosk deletes its copy of a dossier once the gateway acknowledges it:
// from then on the gateway's copy is the only one. Killed mid-stream under
// the power-cut model, the gateway must still hold every dossier it
// acknowledged, with the attachment's exact bytes, and know it by the same
// code when the kiosk sends it again.
TEST(Durability, APowerCutLosesNoAcknowledgedDossier) {
  const fs::path state = dir.Path() / "state";
  const fs::path shadow = dir.Path() / "shadow";
  fs::create_directories(state);
  fs::create_directories(shadow);
  struct stat root {};
  LONGS_EQUAL(0, ::stat(state.c_str(), &root));
  StartGateway(state, {"LD_PRELOAD=" POWERCUT_LIB, "POWERCUT_DIR=" + state.string(),
                       "POWERCUT_SHADOW=" + shadow.string()});

  // Dossiers stream in from one kiosk; the cut comes while they do.
  std::vector<kiosk::test::SealedUpload> uploads;
  for (std::uint64_t i = 0; i < 40; ++i) {
    uploads.push_back(
        kiosk::test::MakeSealedUpload(dir.Path(), *device_key, kKiosk, 150'000 + i * 1000, i)
            .Value());
  }
  std::map<std::string, std::string> acknowledged;  // dossier id -> code
  std::mutex mutex;
  std::atomic<bool> stop{false};
  std::thread kiosk([&] {
    for (const auto& u : uploads) {
      if (stop) break;
      auto r = Post(u.body);
      if (r && r->status == 201) {
        std::lock_guard lock(mutex);
        acknowledged[u.dossier_id] = json::parse(r->body)["dossier_code"];
      }
    }
  });
  for (int i = 0; i < 2400; ++i) {  // up to a minute on a loaded machine
    {
      std::lock_guard lock(mutex);
      if (acknowledged.size() >= 12) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  gateway->Signal(SIGKILL);  // the power goes
  stop = true;
  kiosk.join();
  gateway->Stop();
  gateway.reset();
  CHECK_TEXT(acknowledged.size() >= 12, "the gateway acknowledged too few before the cut");

  // What the machine finds when the power comes back.
  const fs::path after = dir.Path() / "after";
  Restore(shadow, std::to_string(root.st_dev), std::to_string(root.st_ino), after);
  StartGateway(after);
  int found = 0;
  for (const auto& u : uploads) {
    const auto it = acknowledged.find(u.dossier_id);
    if (it == acknowledged.end()) continue;
    const fs::path file = after / "attachments" / u.dossier_id / "attachment-01.pdf";
    CHECK_TEXT(fs::exists(file), ("lost: the attachment of " + it->second).c_str());
    CHECK_TEXT(ReadAll(file) == u.attachment, ("damaged: the attachment of " + it->second).c_str());
    auto again = Post(u.body);
    CHECK_TEXT(again.HasValue(), again ? "" : again.GetError().ToString().c_str());
    LONGS_EQUAL_TEXT(200, again->status, ("not known after the cut: " + it->second).c_str());
    STRCMP_EQUAL(it->second.c_str(),
                 json::parse(again->body)["dossier_code"].get<std::string>().c_str());
    ++found;
  }
  std::printf("\n  power cut after %zu acknowledged dossiers: %d found intact after the cut\n",
              acknowledged.size(), found);
}

// A full disk refuses a dossier with a retryable 503 and leaves nothing
// half-written; the gateway goes on answering, and takes the same dossier
// once there is room.
TEST(Durability, AFullDiskRefusesCleanlyAndResumesWhenSpaceReturns) {
  const fs::path state = dir.Path() / "small";
  const kiosk::test::SmallDisk small(state, 4);
  CHECK_TEXT(small.Mounted(), "mounting a tmpfs needs root (CI runs as root)");
  if (!small.Mounted()) return;
  StartGateway(state);
  auto first = kiosk::test::MakeSealedUpload(dir.Path(), *device_key, kKiosk, 100'000, 1).Value();
  LONGS_EQUAL(201, Post(first.body)->status);
  const fs::path filler = state / "filler";
  small.Fill(filler);
  auto second = kiosk::test::MakeSealedUpload(dir.Path(), *device_key, kKiosk, 300'000, 2).Value();
  auto refused = Post(second.body);
  CHECK_TEXT(refused.HasValue(), refused ? "" : refused.GetError().ToString().c_str());
  LONGS_EQUAL_TEXT(503, refused->status, refused->body.c_str());
  // Nothing half-written: no part file, no attachment folder of the refused one.
  for (const auto& e : fs::recursive_directory_iterator(state / "attachments")) {
    CHECK_TEXT(e.path().extension() != ".part", e.path().c_str());
    CHECK_TEXT(e.path().string().find(second.dossier_id) == std::string::npos ||
                   fs::is_directory(e.path()),
               e.path().c_str());
  }
  CHECK(fs::is_empty(state / "spool"));
  // The first is still known, the database whole.
  LONGS_EQUAL(200, Post(first.body)->status);
  fs::remove(filler);
  auto resumed = Post(second.body);
  LONGS_EQUAL_TEXT(201, resumed->status, resumed->body.c_str());
  gateway.reset();
  const auto check =
      RunProcess({"/usr/bin/sqlite3", (state / "gateway.db").string(), "PRAGMA integrity_check;"});
  STRCMP_EQUAL("ok\n", check.out.c_str());
}
