// The gateway under the attacks of docs/fleet.md's threat model, each run
// against the real kiosk-gateway on loopback: clients that connect and stay
// silent, that trickle a byte now and then, that open many connections from
// one address, and that post huge bodies to a page anyone may reach. The
// kiosk and the operator must still be served, and the gateway's memory must
// stay small. Figures are printed, never asserted (tests/bench measures).
#include "test_prelude.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <memory>
#include <regex>
#include <thread>

#include "kiosk/core/files.h"
#include "kiosk/core/http.h"
#include "kiosk/core/log.h"
#include "kiosk/dossier/package.h"
#include "kiosk/dossier/sealing_key.h"
#include "kiosk/dossier/upload.h"
#include "postgres.h"
#include "sealed_upload.h"
#include "test_support.h"

namespace core = kiosk::core;
namespace dossier = kiosk::dossier;
using kiosk::test::BackgroundProcess;
using kiosk::test::RunProcess;
using kiosk::test::TempDir;
using Steady = std::chrono::steady_clock;

namespace {

constexpr const char* kKiosk = "QNM-TAMKY-0001";
constexpr const char* kPassword = "operator password 2026";

// A TCP connection from `from` (any 127.x.y.z is loopback) that sends the
// first byte of a TLS record and then nothing.
int SilentClient(const std::string& from, std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  ::inet_pton(AF_INET, from.c_str(), &local.sin_addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
    ::close(fd);
    return -1;
  }
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    ::close(fd);
    return -1;
  }
  const char first = 0x16;
  (void)::send(fd, &first, 1, MSG_NOSIGNAL);
  return fd;
}

// Whether the server has closed (or reset) this connection; never waits.
bool ClosedByServer(int fd) {
  char byte = 0;
  const ssize_t n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0) return true;
  return n < 0 && errno != EAGAIN && errno != EWOULDBLOCK;
}

// The gateway's peak resident memory so far, in kB (VmHWM).
long PeakRssKb(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// The gateway's threads right now (/proc/PID/status).
long Threads(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::stol(line.substr(8));
  }
  return -1;
}

double MsSince(Steady::time_point t) {
  return std::chrono::duration<double, std::milli>(Steady::now() - t).count();
}

}  // namespace

// clang-format off
TEST_GROUP(Attacks) {
  core::log::ScopedCapture quiet{core::log::Level::kError};
  TempDir dir;
  std::filesystem::path pki;
  std::uint16_t device_port = 0, operator_port = 0;
  std::unique_ptr<BackgroundProcess> gateway;
  std::optional<core::PrivateKey> device_key;
  std::vector<core::Certificate> device_chain;
  std::vector<int> sockets;

  void setup() override {
    // Several client threads allocate at once: CppUTest's tracking is not
    // made for that (the asan preset checks leaks).
    kiosk::test::StopTrackingAllocations();
    pki = dir.Path() / "pki";
    LONGS_EQUAL(0, RunProcess({KIOSK_DEVCA_BIN, "init", pki.string()}).exit_code);
    const auto config = dir.Path() / "gateway.toml";
    kiosk::test::WriteFleetGatewayConfig(config, pki, dir.Path() / "gateway", 60, 300,
                                         kiosk::test::GatewayStorageLines());
    // A handshake deadline wide enough that a loaded machine serves the
    // kiosk and the operator long before it cuts the silent clients.
    std::ofstream(config, std::ios::app) << "[procedures]\n\"1.001612\" = 3\n";
    std::string text = kiosk::core::ReadSmallFile(config).Value();
    text.replace(text.find("[operator]"), 0, "handshake_timeout_s = 15\n");
    std::ofstream(config) << text;
    gateway = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{KIOSK_GATEWAY_BIN, "--config", config.string()},
        dir.Path() / "gateway.log");
    if (!gateway->WaitForLog("operator listening on", std::chrono::seconds(10))) {
      FAIL(gateway->Log().c_str());
    }
    device_port = static_cast<std::uint16_t>(
        std::stoi(kiosk::test::ListeningPort(gateway->Log(), "listening on ")));
    operator_port = static_cast<std::uint16_t>(
        std::stoi(kiosk::test::ListeningPort(gateway->Log(), "operator listening on ")));
    auto token = RunProcess({KIOSK_FLEETCTL_BIN, "--config", config.string(), "token",
                             "--commune", "20314", "--agency", "000.17.22.H56"});
    LONGS_EQUAL_TEXT(0, token.exit_code, token.err.c_str());
    const auto state = dir.Path() / "kiosk";
    auto provisioned = RunProcess(
        {KIOSK_PROVISION_BIN, "--yes", "--state", state.string(), "--kiosk-id", kKiosk,
         "--commune", "20314", "--token", token.out.substr(0, token.out.find('\n')),
         "--gateway", "127.0.0.1:" + std::to_string(operator_port),
         "--device-gateway", "127.0.0.1:" + std::to_string(device_port),
         "--gateway-ca", (pki / "gateway-ca.pem").string(), "--reader", "none",
         "--scanner", "none", "--display", "none", "--procedures", "1.001612", "all"});
    LONGS_EQUAL_TEXT(0, provisioned.exit_code, provisioned.err.c_str());
    device_key.emplace(core::LoadPrivateKeyFile(state / "device-key.pem").Value());
    device_chain = core::LoadCertificateFile(state / "device.pem").Value();
    auto op = RunProcess({"/bin/sh", "-c", std::string("echo '") + kPassword + "' | " +
                         KIOSK_FLEETCTL_BIN + " --config " + config.string() +
                         " operator operator"});
    LONGS_EQUAL_TEXT(0, op.exit_code, op.err.c_str());
  }

  void teardown() override {
    for (int fd : sockets) ::close(fd);
    // What setup and the test allocated goes before tracking resumes.
    gateway.reset();
    device_key.reset();
    std::vector<core::Certificate>().swap(device_chain);
    std::vector<int>().swap(sockets);
    std::filesystem::path().swap(pki);
    kiosk::test::ResumeTrackingAllocations();
  }

  core::TlsOptions OperatorTls() {
    core::TlsOptions tls;
    tls.trusted = core::LoadCertificateFile(pki / "gateway-ca.pem").Value();
    tls.server_name = "localhost";
    tls.io_timeout = std::chrono::seconds(60);
    return tls;
  }

  core::TlsOptions KioskTls() {
    core::TlsOptions tls = OperatorTls();
    tls.identity = core::TlsIdentity{device_chain, &*device_key};
    return tls;
  }

  // A sealed dossier from the kiosk, as the agent sends it: its status, or
  // 0 (and the reason in `why`). No CHECK here: it runs on several threads.
  int Submit(std::size_t attachment_size = 200'000, std::string* why = nullptr) {
    return SubmitSignedBy(*device_key, {}, attachment_size, why);
  }

  // The same, its manifest signed by `signer`, with more request headers.
  int SubmitSignedBy(const core::PrivateKey& signer, const core::HttpHeaders& headers,
                     std::size_t attachment_size = 200'000, std::string* why = nullptr) {
    static std::atomic<std::uint64_t> seed{1};
    auto upload =
        kiosk::test::MakeSealedUpload(dir.Path(), signer, kKiosk, attachment_size, seed++);
    if (!upload) {
      if (why != nullptr) *why = upload.GetError().ToString();
      return 0;
    }
    core::HttpHeaders all{{"Content-Type", dossier::kUploadContentType}};
    all.insert(all.end(), headers.begin(), headers.end());
    auto r = core::HttpsRequest("127.0.0.1", device_port, KioskTls(),
                                core::HttpRequest{"POST", "/v1/dossiers", all,
                                                  std::move(upload->body)});
    if (!r) {
      if (why != nullptr) *why = r.GetError().ToString();
      return 0;
    }
    return r->status;
  }

  // The operator's login, as a browser does it: the form, then the post.
  int Login() {
    auto form = core::HttpsRequest("127.0.0.1", operator_port, OperatorTls(),
                                   core::HttpRequest{"GET", "/login", {}, ""});
    CHECK_TEXT(form.HasValue(), form ? "" : form.GetError().ToString().c_str());
    if (!form) return 0;
    std::smatch m;
    std::string fields = std::string("user=operator&password=") + kPassword;
    for (auto& c : fields) c = c == ' ' ? '+' : c;
    if (std::regex_search(form->body, m, std::regex("name=\"csrf\" value=\"([0-9a-f]+)\""))) {
      fields += "&csrf=" + m[1].str();
    }
    core::HttpRequest post{"POST", "/login", {{"Content-Type", "application/x-www-form-urlencoded"}},
                           fields};
    const std::string cookie = form->Header("Set-Cookie");
    if (!cookie.empty()) post.headers.emplace_back("Cookie", cookie.substr(0, cookie.find(';')));
    auto r = core::HttpsRequest("127.0.0.1", operator_port, OperatorTls(), post);
    CHECK_TEXT(r.HasValue(), r ? "" : r.GetError().ToString().c_str());
    return r ? r->status : 0;
  }
};
// clang-format on

// One silent TCP socket used to stall every listener for ~30 s (the
// handshake ran on the accept loop). Now 50 of them, from 50 addresses, hold
// nothing up: the kiosk's dossier and the operator's login are answered while
// every one of them is still connected, and each is cut at the handshake's
// deadline.
TEST(Attacks, FiftySilentClientsHoldUpNeitherAKioskNorAnOperator) {
  for (int i = 0; i < 50; ++i) {
    const std::string from = "127.0.1." + std::to_string(i + 1);
    const int fd = SilentClient(from, i % 2 == 0 ? device_port : operator_port);
    CHECK_TEXT(fd >= 0, from.c_str());
    sockets.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // all accepted by now
  const auto t0 = Steady::now();
  std::string why;
  LONGS_EQUAL_TEXT(201, Submit(200'000, &why), why.c_str());
  const double submit_ms = MsSince(t0);
  const auto t1 = Steady::now();
  LONGS_EQUAL(303, Login());
  const double login_ms = MsSince(t1);
  int still_open = 0;
  for (int fd : sockets) still_open += ClosedByServer(fd) ? 0 : 1;
  std::printf(
      "\n  with 50 silent clients: dossier answered in %.0f ms, login in %.0f ms; "
      "%d of 50 still connected\n",
      submit_ms, login_ms, still_open);
  LONGS_EQUAL(50, still_open);
  // And the handshake deadline cuts each of them.
  const auto deadline = Steady::now() + std::chrono::seconds(40);
  int closed = 0;
  while (Steady::now() < deadline && closed < 50) {
    closed = 0;
    for (int fd : sockets) closed += ClosedByServer(fd) ? 1 : 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  LONGS_EQUAL(50, closed);
}

// One byte every 300 ms keeps a per-read timeout happy forever; the
// handshake's deadline is for the whole handshake, and the request head's
// for the whole head.
TEST(Attacks, ATricklingClientIsCutOffAtTheDeadline) {
  const int fd = SilentClient("127.0.2.1", operator_port);
  sockets.push_back(fd);
  int sent = 1;
  const auto t0 = Steady::now();
  while (!ClosedByServer(fd) && sent < 100) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const char byte = 0x03;
    if (::send(fd, &byte, 1, MSG_NOSIGNAL) != 1) break;
    ++sent;
  }
  std::printf("\n  a client trickling its handshake was cut after %d bytes, %.1f s\n", sent,
              MsSince(t0) / 1000);
  CHECK(sent < 100);
  // After the handshake: the request head, a byte at a time.
  auto tls = core::TlsConnect("127.0.0.1", operator_port, OperatorTls());
  CHECK_TEXT(tls.HasValue(), tls ? "" : tls.GetError().ToString().c_str());
  const std::string head =
      "GET /login HTTP/1.1\r\nHost: localhost\r\nX-Padding: " + std::string(200, 'a') + "\r\n\r\n";
  std::size_t written = 0;
  const auto t1 = Steady::now();
  for (; written < head.size(); ++written) {
    if (!tls->Write(core::AsBytes(std::string_view(head).substr(written, 1)))) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  std::printf("  a client trickling its request head was cut after %zu bytes, %.1f s\n", written,
              MsSince(t1) / 1000);
  CHECK(written < head.size());
}

// Thirty connections from one address: those over the per-address cap are
// closed at once; another address is served meanwhile.
TEST(Attacks, OneAddressCannotTakeEveryConnection) {
  for (int i = 0; i < 30; ++i) sockets.push_back(SilentClient("127.0.3.1", operator_port));
  // The gateway accepts them one by one; those over the cap close at once
  // (the others wait for their handshake deadline, 15 s here).
  int shed = 0;
  const auto deadline = Steady::now() + std::chrono::seconds(5);
  while (shed < 14 && Steady::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    shed = 0;
    for (int fd : sockets) shed += ClosedByServer(fd) ? 1 : 0;
  }
  std::printf("\n  30 connections from one address: %d closed at once\n", shed);
  LONGS_EQUAL(14, shed);  // the cap is 16
  LONGS_EQUAL(303, Login());
}

// Twelve parallel 60 MiB posts to /login, which anyone may reach, used to
// take the gateway from 11 MB to 2 GB. Declared lengths over the route's
// limit are refused before a byte of the body is read; chunked bodies are cut
// at the limit while reading.
TEST(Attacks, HugeBodiesAreRefusedWithoutFillingMemory) {
  constexpr std::size_t kHuge = 60u * 1024 * 1024;
  const long before = PeakRssKb(gateway->Pid());
  std::atomic<int> refused{0};
  std::vector<std::thread> attackers;
  for (int i = 0; i < 12; ++i) {
    attackers.emplace_back([&, i] {
      auto tls = core::TlsConnect("127.0.0.1", operator_port, OperatorTls());
      if (!tls) return;
      const bool chunked = i % 2 == 1;
      std::string head = "POST /login HTTP/1.1\r\nHost: localhost\r\n";
      head += chunked ? "Transfer-Encoding: chunked\r\n\r\n"
                      : "Content-Length: " + std::to_string(kHuge) + "\r\n\r\n";
      if (!tls->Write(core::AsBytes(head))) return;
      const std::string piece(64 * 1024, 'x');
      char size_line[32];
      std::snprintf(size_line, sizeof size_line, "%zx\r\n", piece.size());
      const std::string chunk = std::string(size_line) + piece + "\r\n";
      for (std::size_t sent = 0; sent < kHuge; sent += piece.size()) {
        if (!tls->Write(core::AsBytes(chunked ? chunk : piece))) break;
      }
      std::uint8_t buf[512];
      auto n = tls->Read(buf);
      const std::string answer = n ? std::string(reinterpret_cast<char*>(buf), *n) : "";
      if (answer.rfind("HTTP/1.1 413", 0) == 0 || !n) ++refused;
    });
  }
  for (auto& t : attackers) t.join();
  const long after = PeakRssKb(gateway->Pid());
  std::printf("\n  12 x 60 MiB posts to /login: gateway peak RSS %ld kB before, %ld kB after\n",
              before, after);
  LONGS_EQUAL(12, refused.load());
  CHECK(after < 100 * 1024);
  // A heartbeat over its 64 KiB is refused on its declared length.
  auto big = core::HttpsRequest(
      "127.0.0.1", device_port, KioskTls(),
      core::HttpRequest{"POST", "/v1/heartbeat", {}, std::string(100 * 1024, ' ')});
  CHECK_TEXT(big.HasValue(), big ? "" : big.GetError().ToString().c_str());
  LONGS_EQUAL(413, big->status);
  // And the kiosk's dossier still goes through.
  std::string why;
  LONGS_EQUAL_TEXT(201, Submit(200'000, &why), why.c_str());
}

// A kiosk's dossier may be large (64 MiB): it goes to disk as it arrives,
// attachment by attachment, never whole into memory.
TEST(Attacks, LargeDossiersStreamToDiskNotMemory) {
  constexpr std::size_t kLarge = 40u * 1024 * 1024;
  const long before = PeakRssKb(gateway->Pid());
  std::vector<int> statuses(4);
  std::vector<std::string> reasons(4);
  std::vector<std::thread> kiosks;
  for (std::size_t i = 0; i < 4; ++i) {
    kiosks.emplace_back([&, i] { statuses[i] = Submit(kLarge, &reasons[i]); });
  }
  for (auto& t : kiosks) t.join();
  const long after = PeakRssKb(gateway->Pid());
  std::printf("\n  4 x 40 MiB dossiers at once: gateway peak RSS %ld kB before, %ld kB after\n",
              before, after);
  for (std::size_t i = 0; i < 4; ++i) LONGS_EQUAL_TEXT(201, statuses[i], reasons[i].c_str());
  CHECK(after < 100 * 1024);
  int stored = 0;
  for (const auto& e :
       std::filesystem::recursive_directory_iterator(dir.Path() / "gateway" / "attachments")) {
    if (e.is_regular_file() && e.file_size() == kLarge) ++stored;
  }
  LONGS_EQUAL(4, stored);
  CHECK(std::filesystem::is_empty(dir.Path() / "gateway" / "spool"));
}

// A kiosk walking through dossier codes used to get ~180 answers a second
// from any commune. Now it gets its burst, then one every 3 s.
TEST(Attacks, AKioskCannotSweepTheLookups) {
  int answered = 0, limited = 0;
  const auto t0 = Steady::now();
  for (int i = 1; i <= 60; ++i) {
    char target[96];
    std::snprintf(target, sizeof target, "/v1/dossiers/000.17.22.H56-261206-%04d?secret=AAAA", i);
    auto r = core::HttpsRequest("127.0.0.1", device_port, KioskTls(),
                                core::HttpRequest{"GET", target, {}, ""});
    if (!r) continue;
    answered += r->status == 404 ? 1 : 0;
    limited += r->status == 429 ? 1 : 0;
  }
  const double seconds = MsSince(t0) / 1000;
  std::printf("\n  60 look-ups in %.1f s: %d answered, %d refused as too many\n", seconds, answered,
              limited);
  LONGS_EQUAL(60, answered + limited);
  CHECK(limited >= 30);
}

// Kiosks may share one address behind a NAT: once a connection has proved a
// certificate it no longer counts against its address's cap.
TEST(Attacks, KiosksBehindOneAddressAreNotCapped) {
  std::vector<core::TlsConnection> held;
  for (int i = 0; i < 24; ++i) {
    auto tls = core::TlsConnect("127.0.0.1", device_port, KioskTls());
    CHECK_TEXT(tls.HasValue(), tls ? "" : tls.GetError().ToString().c_str());
    if (tls) held.push_back(std::move(tls).Value());
  }
  int answered = 0;
  for (auto& c : held) {
    const std::string request =
        "GET /v1/dossiers/X?secret=AAAA HTTP/1.1\r\nHost: localhost\r\n\r\n";
    if (!c.Write(core::AsBytes(request))) continue;
    std::uint8_t buf[256];
    auto n = c.Read(buf);
    if (n && *n > 0 && std::string(reinterpret_cast<char*>(buf), 9) == "HTTP/1.1 ") ++answered;
  }
  std::printf("\n  24 kiosk connections held at once from one address: %d answered\n", answered);
  LONGS_EQUAL(24, answered);
}

// kiosk-app signs manifests with its sealing key, not the device key (which
// is kiosk-agent's alone). The gateway takes a sealing key only on the device
// key's word, for this kiosk; a statement that does not check is refused
// with 401 (the kiosk keeps the dossier), a manifest nobody vouched for with 422.
TEST(Attacks, OnlyTheDeviceKeyVouchesForASealingKey) {
  core::DeterministicRandom random{42};
  auto sealing = core::PrivateKey::GenerateP256(random).Value();
  auto stranger = core::PrivateKey::GenerateP256(random).Value();
  const auto vouch = [&](const core::PrivateKey& by, const std::string& kiosk) {
    return dossier::MakeSealingStatement(by, kiosk, sealing.Public().Value(), 1'767'225'600, random)
        .Value();
  };
  const std::string header(dossier::kSealingKeyHeader);
  std::string why;
  LONGS_EQUAL_TEXT(201,
                   SubmitSignedBy(sealing, {{header, vouch(*device_key, kKiosk)}}, 20'000, &why),
                   why.c_str());
  LONGS_EQUAL(422, SubmitSignedBy(sealing, {}, 20'000));
  LONGS_EQUAL(401, SubmitSignedBy(sealing, {{header, vouch(stranger, kKiosk)}}, 20'000));
  LONGS_EQUAL(401,
              SubmitSignedBy(sealing, {{header, vouch(*device_key, "QNM-OTHER-0001")}}, 20'000));
  LONGS_EQUAL(401, SubmitSignedBy(sealing, {{header, "not.a.jws"}}, 20'000));
  // The device key's own signature still counts (dossiers sealed before the change).
  LONGS_EQUAL(201, Submit(20'000));
}

// Kiosks keep one connection each open between requests (HTTP/1.1
// keep-alive): 150 of them, each kept after its first heartbeat, cost the
// gateway no thread while they wait; each one's next heartbeat goes out on
// the connection it kept, with no new handshake.
TEST(Attacks, KeptConnectionsWaitWithoutAThreadAndCarryTheNextRequest) {
  const long threads_before = Threads(gateway->Pid());
  constexpr int kKiosks = 150;
  std::vector<core::TlsOptions> kiosks;
  for (int i = 0; i < kKiosks; ++i) {
    kiosks.push_back(KioskTls());
    kiosks.back().connection_cache = std::make_shared<core::TlsConnectionCache>();
  }
  const std::string beat = std::string(R"({"kiosk_id":")") + kKiosk + R"(","sequence":1})";
  auto heartbeat = [&](const core::TlsOptions& tls) {
    auto r = core::HttpsRequest("127.0.0.1", device_port, tls,
                                core::HttpRequest{"POST", "/v1/heartbeat", {}, beat});
    return r ? r->status : 0;
  };
  for (const auto& tls : kiosks) LONGS_EQUAL(200, heartbeat(tls));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const long threads_kept = Threads(gateway->Pid());
  UT_PRINT(("gateway threads: " + std::to_string(threads_before) + " before, " +
            std::to_string(threads_kept) + " with " + std::to_string(kKiosks) + " connections kept")
               .c_str());
  // One request at a time: one worker serves them all in turn.
  CHECK(threads_kept - threads_before < 10);
  for (const auto& tls : kiosks) {
    LONGS_EQUAL(200, heartbeat(tls));
    LONGS_EQUAL(1, tls.connection_cache->Reused());
  }
  // A connection the gateway closed (here: all of them, by a restart would
  // be too slow; the kiosk's own idle timeout) is not reused: a new one is
  // opened and the request still goes through.
  auto lapsing = KioskTls();
  lapsing.connection_cache =
      std::make_shared<core::TlsConnectionCache>(std::chrono::milliseconds(100));
  LONGS_EQUAL(200, heartbeat(lapsing));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  LONGS_EQUAL(200, heartbeat(lapsing));
  LONGS_EQUAL(0, lapsing.connection_cache->Reused());
}
