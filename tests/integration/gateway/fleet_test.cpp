// The fleet end to end, every program a real process on loopback: an
// operator issues tokens with kiosk-fleetctl, kiosk-provision enrolls kiosks
// with kiosk-gateway, kiosk-agent sends heartbeats and runs the commands that
// come back, and revoked certificates are refused in the TLS handshake.
#include "test_prelude.h"

#include <sys/stat.h>

#include <csignal>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "gateway_config.h"
#include "kiosk/app/app_config.h"
#include "kiosk/core/dev_pki.h"
#include "kiosk/core/files.h"
#include "kiosk/core/http.h"
#include "kiosk/core/log.h"
#include "kiosk/core/text.h"
#include "kiosk/dossier/sealing_key.h"
#include "kiosk/gateway/fleet.h"
#include "kiosk/link/help_call.h"
#include "login_form.h"
#include "postgres.h"
#include "test_support.h"

namespace core = kiosk::core;
namespace gw = kiosk::gateway;
using kiosk::test::BackgroundProcess;
using kiosk::test::ProcessResult;
using kiosk::test::RunProcess;
using kiosk::test::TempDir;
using nlohmann::json;

namespace {
std::string Read(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string first;
  std::getline(in, first);
  return first;
}

}  // namespace

// clang-format off
TEST_GROUP(Fleet) {
  core::log::ScopedCapture quiet{core::log::Level::kError};
  TempDir dir;
  std::filesystem::path pki;
  std::string device_port, operator_port;
  std::unique_ptr<BackgroundProcess> gateway;
  std::unique_ptr<BackgroundProcess> agent;
  std::optional<core::PrivateKey> key;  // the kiosk's, for Heartbeat()

  void setup() override {
    pki = dir.Path() / "pki";
    LONGS_EQUAL(0, RunProcess({KIOSK_DEVCA_BIN, "init", pki.string()}).exit_code);
    kiosk::test::WriteFleetGatewayConfig(dir.Path() / "gateway.toml", pki, dir.Path() / "gateway", 1, 3,
                                         kiosk::test::GatewayStorageLines());
    gateway = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{KIOSK_GATEWAY_BIN, "--config", (dir.Path() / "gateway.toml").string()},
        dir.Path() / "gateway.log");
    if (!gateway->WaitForLog("operator listening on", std::chrono::seconds(10))) {
      FAIL(gateway->Log().c_str());
    }
    device_port = kiosk::test::ListeningPort(gateway->Log(), "listening on ");
    operator_port = kiosk::test::ListeningPort(gateway->Log(), "operator listening on ");
  }

  void teardown() override {
    agent.reset();
    gateway.reset();
  }

  ProcessResult Fleetctl(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {KIOSK_FLEETCTL_BIN, "--config",
                                     (dir.Path() / "gateway.toml").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProcess(argv);
  }

  std::string Token(const std::string& commune) {
    auto r = Fleetctl({"token", "--commune", commune, "--agency", "000.17.22.H56"});
    LONGS_EQUAL_TEXT(0, r.exit_code, r.err.c_str());
    return r.out.substr(0, r.out.find('\n'));
  }

  ProcessResult Provision(const std::string& kiosk_id, const std::string& commune,
                          const std::string& token, const std::string& step = "all",
                          const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv = {KIOSK_PROVISION_BIN, "--yes", "--state", (dir.Path() / kiosk_id).string(),
                       "--kiosk-id", kiosk_id, "--commune", commune, "--token", token,
                       "--gateway", "127.0.0.1:" + operator_port,
                       "--device-gateway", "127.0.0.1:" + device_port,
                       "--gateway-ca", (pki / "gateway-ca.pem").string(), "--reader", "none",
                       "--scanner", "none", "--display", "none", "--procedures", "1.001193"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back(step);
    return RunProcess(argv);
  }

  // A heartbeat sent with the kiosk's own certificate.
  core::Expected<core::HttpResponse> Heartbeat(const std::string& kiosk_id) {
    const auto state = dir.Path() / kiosk_id;
    core::TlsOptions tls;
    tls.trusted = core::LoadCertificateFile(state / "gateway-ca.pem").Value();
    auto chain = core::LoadCertificateFile(state / "device.pem").Value();
    key.emplace(core::LoadPrivateKeyFile(state / "device-key.pem").Value());
    tls.identity = core::TlsIdentity{chain, &*key};
    tls.server_name = "localhost";
    const json body = {{"kiosk_id", kiosk_id}, {"sequence", 1}};
    return core::HttpsRequest("127.0.0.1", static_cast<std::uint16_t>(std::stoi(device_port)), tls,
                              core::HttpRequest{"POST", "/v1/heartbeat", {}, body.dump()});
  }

  // The rpi-cm4 board's GPIO lines as files under sys/ (the sysfs ABI numbers
  // them from 512): the LEDs (17, 27), the buzzer (22), the door switch (23,
  // active low) and the call lamp (24), all low.
  std::filesystem::path GpioValue(int offset) const {
    return dir.Path() / "sys/class/gpio" / ("gpio" + std::to_string(512 + offset)) / "value";
  }
  void MakeGpioLines() const {
    for (int offset : {17, 27, 22, 23, 24}) {
      std::filesystem::create_directories(GpioValue(offset).parent_path());
      std::ofstream(GpioValue(offset)) << "0\n";
    }
  }

  // The gateway's fleet stores, on whichever database its config names.
  gw::FleetStores Store() {
    auto config = gw::ReadGatewayConfig((dir.Path() / "gateway.toml").string()).Value();
    return std::move(*gw::OpenStores(config).Value().fleet);
  }

  std::vector<gw::CommandRecord> WaitForCommands(const std::string& kiosk_id, std::size_t count) {
    for (int i = 0; i < 200; ++i) {
      auto commands = Store().commands->Commands(kiosk_id, 50).Value();
      std::size_t finished = 0;
      for (const auto& c : commands) finished += c.state == "done" || c.state == "failed";
      if (finished >= count) return commands;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL(("commands not acknowledged; agent log:\n" + agent->Log()).c_str());
    return {};
  }
};
// clang-format on

TEST(Fleet, AGoodTokenEnrollsTheKioskWithAKeyThatStaysOnIt) {
  auto r = Provision("QNM-TEST-0001", "20314", Token("20314"));
  LONGS_EQUAL_TEXT(0, r.exit_code, (r.out + r.err).c_str());
  const auto state = dir.Path() / "QNM-TEST-0001";
  struct stat st {};
  LONGS_EQUAL(0, ::stat((state / "device-key.pem").c_str(), &st));
  LONGS_EQUAL(0600, st.st_mode & 0777);
  // kiosk-app gets a sealing key of its own, vouched for by the device key;
  // its config names that key and nothing of the device's.
  LONGS_EQUAL(0, ::stat((state / "sealing-key.pem").c_str(), &st));
  LONGS_EQUAL(0600, st.st_mode & 0777);
  auto device_public = core::LoadPrivateKeyFile(state / "device-key.pem")->Public().Value();
  auto sealing_public = core::LoadPrivateKeyFile(state / "sealing-key.pem")->Public().Value();
  auto vouched = kiosk::dossier::VerifySealingStatement(
      std::string(core::TrimAscii(core::ReadSmallFile(state / "sealing-key.jws", 4096).Value())),
      device_public, "QNM-TEST-0001");
  CHECK_TEXT(vouched.HasValue(), vouched ? "" : vouched.GetError().ToString().c_str());
  STRCMP_EQUAL(sealing_public.Fingerprint().Value().c_str(),
               vouched->Fingerprint().Value().c_str());
  const auto app_toml = core::ReadSmallFile(state / "provisioned/app.toml", 65536).Value();
  CHECK(app_toml.find("sealing-key.pem") != std::string::npos);
  CHECK(app_toml.find("device-key") == std::string::npos);
  CHECK(app_toml.find("device.pem") == std::string::npos);
  CHECK(core::ReadSmallFile(state / "provisioned/agent.toml", 65536)->find("sealing-key.jws") !=
        std::string::npos);
  auto chain = core::LoadCertificateFile(state / "device.pem").Value();
  CHECK(chain.front().Subject().find("CN=QNM-TEST-0001") != std::string::npos);
  CHECK(chain.front().Subject().find("OU=20314") != std::string::npos);
  // The registry knows it, and its certificate works at once.
  auto device = Store().devices->FindDevice("QNM-TEST-0001").Value();
  CHECK(device.has_value());
  STRCMP_EQUAL("active", device->state.c_str());
  STRCMP_EQUAL(chain.front().SerialHex().c_str(), device->serial.c_str());
  auto answer = Heartbeat("QNM-TEST-0001");
  CHECK_TEXT(answer.HasValue(), answer ? "" : answer.GetError().ToString().c_str());
  LONGS_EQUAL(200, answer->status);
  // The drop-ins name this kiosk for both programs.
  const std::string app =
      kiosk::test::RunProcess({"/bin/cat", (state / "provisioned/app.toml").string()}).out;
  CHECK(app.find("agency_code = \"000.17.22.H56\"") != std::string::npos);
  CHECK(app.find("procedures = [\"1.001193\"]") != std::string::npos);
}

TEST(Fleet, AReusedTokenIsRefused) {
  const auto token = Token("20314");
  LONGS_EQUAL(0, Provision("QNM-TEST-0001", "20314", token).exit_code);
  auto again = Provision("QNM-TEST-0002", "20314", token);
  LONGS_EQUAL(1, again.exit_code);
  CHECK_TEXT(again.err.find("enroll.token_used") != std::string::npos, again.err.c_str());
  // Nothing was written for the refused kiosk.
  CHECK_FALSE(std::filesystem::exists(dir.Path() / "QNM-TEST-0002" / "device-key.pem"));
  CHECK_FALSE(Store().devices->FindDevice("QNM-TEST-0002").Value().has_value());
}

TEST(Fleet, AnExpiredTokenIsRefused) {
  // Issued an hour ago for an hour... and a minute.
  const std::string token = "EXPD-0000-0000-0001";
  const auto now = core::UnixMillis(core::SystemClock().Now());
  CHECK(Store()
            .devices
            ->AddToken(gw::Sha256Hex(token), {"20314", "000.17.22.H56", "test", "", false},
                       now - 60000)
            .HasValue());
  auto r = Provision("QNM-TEST-0003", "20314", token);
  LONGS_EQUAL(1, r.exit_code);
  CHECK_TEXT(r.err.find("enroll.token_expired") != std::string::npos, r.err.c_str());
}

TEST(Fleet, ATokenForAnotherCommuneIsRefusedAndSpent) {
  const auto token = Token("20314");
  auto r = Provision("QNM-TEST-0004", "20320", token);
  LONGS_EQUAL(1, r.exit_code);
  CHECK_TEXT(r.err.find("enroll.wrong_commune") != std::string::npos, r.err.c_str());
  auto retry = Provision("QNM-TEST-0004", "20314", token);
  CHECK(retry.err.find("enroll.token_used") != std::string::npos);
}

TEST(Fleet, AnUnknownTokenIsRefused) {
  auto r = Provision("QNM-TEST-0005", "20314", "AAAA-BBBB-CCCC-DDDD");
  LONGS_EQUAL(1, r.exit_code);
  CHECK_TEXT(r.err.find("enroll.token_unknown") != std::string::npos, r.err.c_str());
}

TEST(Fleet, ARevokedKioskIsRefusedAtTheHandshake) {
  LONGS_EQUAL(0, Provision("QNM-TEST-0006", "20314", Token("20314")).exit_code);
  LONGS_EQUAL(200, Heartbeat("QNM-TEST-0006")->status);
  auto revoked = Fleetctl({"revoke", "QNM-TEST-0006"});
  LONGS_EQUAL_TEXT(0, revoked.exit_code, revoked.err.c_str());
  auto refused = Heartbeat("QNM-TEST-0006");
  CHECK_FALSE(refused.HasValue());
  CHECK(gateway->WaitForLog("tls.peer_refused", std::chrono::seconds(5)));
}

TEST(Fleet, ReprovisioningNeedsAReenrollTokenAndRevokesTheOldCertificate) {
  LONGS_EQUAL(0, Provision("QNM-TEST-0007", "20314", Token("20314")).exit_code);
  const auto state = dir.Path() / "QNM-TEST-0007";
  std::filesystem::copy(state, dir.Path() / "old", std::filesystem::copy_options::recursive);
  // Any commune's token cannot take over an enrolled kiosk, nor move it.
  const std::string serial = Store().devices->FindDevice("QNM-TEST-0007").Value()->serial;
  for (const auto& [commune, token] : std::vector<std::pair<std::string, std::string>>{
           {"20314", Token("20314")}, {"20320", Token("20320")}}) {
    auto taken = Provision("QNM-TEST-0007", commune, token);
    LONGS_EQUAL(1, taken.exit_code);
    CHECK_TEXT(taken.err.find("enroll.kiosk_exists") != std::string::npos, taken.err.c_str());
  }
  auto device = Store().devices->FindDevice("QNM-TEST-0007").Value();
  STRCMP_EQUAL(serial.c_str(), device->serial.c_str());
  STRCMP_EQUAL("20314", device->commune.c_str());
  LONGS_EQUAL(200, Heartbeat("QNM-TEST-0007")->status);
  CHECK(Store().events->Events(0, 10).Value().empty());
  // The operator's re-enroll token for this id does it, and it shows.
  auto reenroll = Fleetctl({"token", "--reenroll", "QNM-TEST-0007", "--by", "operator-a"});
  LONGS_EQUAL_TEXT(0, reenroll.exit_code, reenroll.err.c_str());
  const std::string token = reenroll.out.substr(0, reenroll.out.find('\n'));
  CHECK(Provision("QNM-TEST-0008", "20314", token).err.find("enroll.wrong_kiosk") !=
        std::string::npos);
  auto done = Provision("QNM-TEST-0007", "20314", token);
  LONGS_EQUAL_TEXT(0, done.exit_code, done.err.c_str());
  LONGS_EQUAL(200, Heartbeat("QNM-TEST-0007")->status);
  const auto events = Store().events->Events(0, 10).Value();
  LONGS_EQUAL(1, events.size());
  STRCMP_EQUAL("reenrolled", events.front().kind.c_str());
  STRCMP_EQUAL("QNM-TEST-0007", events.front().subject.c_str());
  CHECK(events.front().detail.find("operator-a") != std::string::npos);
  // The old key and certificate, kept aside, no longer get in.
  std::filesystem::remove_all(state);
  std::filesystem::rename(dir.Path() / "old", state);
  CHECK_FALSE(Heartbeat("QNM-TEST-0007").HasValue());
}

TEST(Fleet, DecommissioningRevokesAndWipesTheKey) {
  LONGS_EQUAL(0, Provision("QNM-TEST-0008", "20314", Token("20314")).exit_code);
  auto r = Provision("QNM-TEST-0008", "20314", "", "decommission");
  LONGS_EQUAL_TEXT(0, r.exit_code, (r.out + r.err).c_str());
  STRCMP_EQUAL("revoked", Store().devices->FindDevice("QNM-TEST-0008").Value()->state.c_str());
  CHECK_FALSE(std::filesystem::exists(dir.Path() / "QNM-TEST-0008" / "device-key.pem"));
}

TEST(Fleet, ATokenBoundToAKioskIdEnrollsThatIdOnly) {
  auto bound = Fleetctl(
      {"token", "--commune", "20314", "--agency", "000.17.22.H56", "--kiosk-id", "QNM-TEST-0013"});
  LONGS_EQUAL_TEXT(0, bound.exit_code, bound.err.c_str());
  const std::string token = bound.out.substr(0, bound.out.find('\n'));
  auto other = Provision("QNM-TEST-0014", "20314", token);
  LONGS_EQUAL(1, other.exit_code);
  CHECK_TEXT(other.err.find("enroll.wrong_kiosk") != std::string::npos, other.err.c_str());
  // Not spent by the mistake.
  LONGS_EQUAL(0, Provision("QNM-TEST-0013", "20314", token).exit_code);
}

// The bank's CA is trusted on the device listener for payment notifications.
// A certificate it issued with a kiosk's name must not be that kiosk: no
// heartbeat, no commands taken, no results, no decommissioning.
TEST(Fleet, ABankCertificateWithAKiosksNameIsNotThatKiosk) {
  gateway.reset();
  core::DeterministicRandom random{41};
  const auto bank_ca = core::MakeDevCa("Test Bank CA", random).Value();
  CHECK(core::WriteCertifiedKey(dir.Path() / "bank", "bank-ca", bank_ca).HasValue());
  std::ofstream(dir.Path() / "bank" / "notify.key") << std::string(40, 'k');
  std::ofstream(dir.Path() / "gateway.toml", std::ios::app)
      << "[bank]\nca = \"" << (dir.Path() / "bank" / "bank-ca.pem").string() << "\"\n"
      << "key_file = \"" << (dir.Path() / "bank" / "notify.key").string() << "\"\n";
  gateway = std::make_unique<BackgroundProcess>(
      std::vector<std::string>{KIOSK_GATEWAY_BIN, "--config",
                               (dir.Path() / "gateway.toml").string()},
      dir.Path() / "gateway-bank.log");
  CHECK_TEXT(gateway->WaitForLog("operator listening on", std::chrono::seconds(10)),
             gateway->Log().c_str());
  device_port = kiosk::test::ListeningPort(gateway->Log(), "listening on ");
  operator_port = kiosk::test::ListeningPort(gateway->Log(), "operator listening on ");

  const std::string kiosk = "QNM-TEST-0015";
  LONGS_EQUAL(0, Provision(kiosk, "20314", Token("20314")).exit_code);
  LONGS_EQUAL(0, Fleetctl({"command", kiosk, "self_test"}).exit_code);
  const auto impostor = core::MakeDevLeaf(bank_ca, kiosk, random).Value();
  core::TlsOptions tls;
  tls.trusted = core::LoadCertificateFile(pki / "gateway-ca.pem").Value();
  tls.identity = core::TlsIdentity{{impostor.certificate}, &impostor.key};
  tls.server_name = "localhost";
  const auto port = static_cast<std::uint16_t>(std::stoi(device_port));
  auto as_bank = [&](const std::string& target, const std::string& body) {
    auto r =
        core::HttpsRequest("127.0.0.1", port, tls, core::HttpRequest{"POST", target, {}, body});
    CHECK_TEXT(r.HasValue(), r ? "" : r.GetError().ToString().c_str());
    return r ? r->status : 0;
  };
  const json beat = {{"kiosk_id", kiosk}, {"sequence", 1}};
  LONGS_EQUAL(403, as_bank("/v1/heartbeat", beat.dump()));
  LONGS_EQUAL(403, as_bank("/v1/commands/1/result", R"({"ok": true, "detail": "forged"})"));
  LONGS_EQUAL(403, as_bank("/v1/devices/self/decommission", ""));
  LONGS_EQUAL(403, as_bank("/v1/updates/1/status", "{}"));
  // The real kiosk is untouched: still enrolled, and its command still waits for it.
  STRCMP_EQUAL("active", Store().devices->FindDevice(kiosk).Value()->state.c_str());
  auto answer = Heartbeat(kiosk);
  LONGS_EQUAL(200, answer->status);
  const json commands = json::parse(answer->body)["commands"];
  LONGS_EQUAL(1, commands.size());
  STRCMP_EQUAL("self_test", commands[0]["kind"].get<std::string>().c_str());
  // A device-CA certificate the registry does not hold as current (kiosk-devca's):
  // refused in the handshake.
  LONGS_EQUAL(0, RunProcess({KIOSK_DEVCA_BIN, "device", pki.string(), kiosk}).exit_code);
  core::TlsOptions stray = tls;
  stray.identity = core::TlsIdentity{
      core::LoadCertificateFile(pki / "devices" / kiosk / "device.pem").Value(), nullptr};
  auto stray_key = core::LoadPrivateKeyFile(pki / "devices" / kiosk / "device-key.pem").Value();
  stray.identity->key = &stray_key;
  auto refused = core::HttpsRequest("127.0.0.1", port, stray,
                                    core::HttpRequest{"POST", "/v1/heartbeat", {}, beat.dump()});
  CHECK_FALSE(refused.HasValue());
  CHECK(gateway->WaitForLog("peer.not_current_certificate", std::chrono::seconds(5)));
}

TEST(Fleet, HeartbeatsAndCommandsBetweenTheRealAgentAndGateway) {
  const std::string kiosk = "QNM-TEST-0009";
  LONGS_EQUAL(0, Provision(kiosk, "20314", Token("20314")).exit_code);
  const auto state = dir.Path() / kiosk;
  std::ofstream(state / "kiosk.log") << "agent started; citizen Nguyễn Văn A 001203004567 "
                                        "called 0912345678, mail a@b.vn\n";
  std::ofstream(dir.Path() / "agent.toml")
      << "[outbox]\ndir = \"" << (state / "outbox").string() << "\"\n"
      << "storage_key = \"" << (state / "storage.key").string() << "\"\n"
      << "[heartbeat]\ninterval_s = 1\napp_status = \"" << (state / "app-status.json").string()
      << "\"\n[commands]\nself_test = \"echo all peripherals ok\"\nrestart_app = \"exit 3\"\n"
      << "logs = [\"" << (state / "kiosk.log").string() << "\"]\n"
      << "maintenance_file = \"" << (state / "maintenance").string() << "\"\n"
      << "remote_config = \"" << (state / "remote-config.json").string() << "\"\n"
      << "journal = \"" << (state / "commands.json").string() << "\"\n";
  agent = std::make_unique<BackgroundProcess>(
      std::vector<std::string>{KIOSK_AGENT_BIN, "--config", (dir.Path() / "agent.toml").string(),
                               "--config", (state / "provisioned/agent.toml").string()},
      dir.Path() / "agent.log");
  CHECK(agent->WaitForLog("agent.ready", std::chrono::seconds(10)));
  // Heartbeats arrive, in the closed schema.
  std::vector<gw::HeartbeatRecord> history;
  for (int i = 0; i < 100 && history.size() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    history = Store().devices->History(kiosk, 10).Value();
  }
  CHECK_TEXT(history.size() >= 2, agent->Log().c_str());
  const json beat = json::parse(history.front().body);
  LONGS_EQUAL(0, beat["outbox"]["depth"].get<int>());
  STRCMP_EQUAL("0.8.0", beat["versions"]["agent"].get<std::string>().c_str());
  CHECK(beat["errors"].dump().find("app.no_status") != std::string::npos);
  CHECK(beat["disk"]["total_mb"].get<std::int64_t>() > 0);

  for (const char* kind : {"maintenance_on", "self_test", "upload_logs", "restart_app"}) {
    LONGS_EQUAL(0, Fleetctl({"command", kiosk, kind}).exit_code);
  }
  auto config =
      Fleetctl({"command", kiosk, "config", "--settings", R"({"heartbeat_interval_s": 20})"});
  LONGS_EQUAL_TEXT(0, config.exit_code, config.err.c_str());
  auto commands = WaitForCommands(kiosk, 5);
  std::map<std::string, gw::CommandRecord> by_kind;
  for (const auto& c : commands) by_kind[c.kind] = c;
  STRCMP_EQUAL("done", by_kind["maintenance_on"].state.c_str());
  CHECK(std::filesystem::exists(state / "maintenance"));
  STRCMP_EQUAL("done", by_kind["self_test"].state.c_str());
  CHECK(by_kind["self_test"].result.find("all peripherals ok") != std::string::npos);
  STRCMP_EQUAL("failed", by_kind["restart_app"].state.c_str());
  CHECK(by_kind["restart_app"].result.find("exit 3") != std::string::npos);
  STRCMP_EQUAL("done", by_kind["config"].state.c_str());
  STRCMP_EQUAL("applied: heartbeat_interval_s=20", by_kind["config"].result.c_str());
  // The uploaded log is scrubbed.
  STRCMP_EQUAL("done", by_kind["upload_logs"].state.c_str());
  auto log = Store().commands->FindLog(by_kind["upload_logs"].id).Value();
  CHECK(log.has_value());
  CHECK(log->find("agent started") != std::string::npos);
  CHECK_TEXT(log->find("001203004567") == std::string::npos, log->c_str());
  CHECK(log->find("0912345678") == std::string::npos);
  CHECK(log->find("Nguyễn") == std::string::npos);
  CHECK(log->find("a@b.vn") == std::string::npos);
  // The next heartbeat says the kiosk is out of service.
  bool maintenance = false;
  for (int i = 0; i < 50 && !maintenance; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    maintenance =
        json::parse(Store().devices->History(kiosk, 1).Value().front().body)["maintenance"];
  }
  CHECK(maintenance);

  // All of that went over the one connection the agent keeps open: the
  // device listener counted a handshake or two (one more if a kept
  // connection had to be replaced), and many requests.
  core::TlsOptions open;
  open.trusted = core::LoadCertificateFile(state / "gateway-ca.pem").Value();
  open.server_name = "localhost";
  const auto metrics =
      core::HttpsRequest("127.0.0.1", static_cast<std::uint16_t>(std::stoi(operator_port)), open,
                         core::HttpRequest{"GET", "/metrics", {}, ""})
          .Value();
  LONGS_EQUAL_TEXT(200, metrics.status, metrics.body.c_str());
  const auto counter = [&](const std::string& name) {
    const std::string series = name + "{listener=\"device\"} ";
    const auto at = metrics.body.find(series);
    return at == std::string::npos ? -1 : std::stoll(metrics.body.substr(at + series.size()));
  };
  const long long connections = counter("kiosk_gateway_connections_total");
  const long long requests = counter("kiosk_gateway_requests_total");
  UT_PRINT(("device listener: " + std::to_string(connections) + " connections, " +
            std::to_string(requests) + " requests")
               .c_str());
  CHECK(connections >= 1);
  CHECK_TEXT(connections <= 2, metrics.body.c_str());
  CHECK(requests >= 8);
}

TEST(Fleet, ACommandInterruptedByACrashIsReportedNotRerun) {
  const std::string kiosk = "QNM-TEST-0010";
  LONGS_EQUAL(0, Provision(kiosk, "20314", Token("20314")).exit_code);
  const auto state = dir.Path() / kiosk;
  const auto marker = state / "self-test-runs";
  std::ofstream(dir.Path() / "agent.toml")
      << "[outbox]\ndir = \"" << (state / "outbox").string() << "\"\n"
      << "storage_key = \"" << (state / "storage.key").string() << "\"\n"
      << "[heartbeat]\ninterval_s = 1\n"
      << "[commands]\nself_test = \"echo run >> " << marker.string() << "; sleep 30\"\n"
      << "journal = \"" << (state / "commands.json").string() << "\"\n";
  const std::vector<std::string> argv = {KIOSK_AGENT_BIN, "--config",
                                         (dir.Path() / "agent.toml").string(), "--config",
                                         (state / "provisioned/agent.toml").string()};
  agent = std::make_unique<BackgroundProcess>(argv, dir.Path() / "agent.log");
  LONGS_EQUAL(0, Fleetctl({"command", kiosk, "self_test"}).exit_code);
  for (int i = 0; i < 100 && !std::filesystem::exists(marker); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(std::filesystem::exists(marker));
  agent->Signal(SIGKILL);
  agent->Stop();
  agent = std::make_unique<BackgroundProcess>(argv, dir.Path() / "agent2.log");
  auto commands = WaitForCommands(kiosk, 1);
  STRCMP_EQUAL("failed", commands.front().state.c_str());
  CHECK(commands.front().result.find("interrupted") != std::string::npos);
  const std::string runs = RunProcess({"/bin/cat", marker.string()}).out;
  STRCMP_EQUAL("run\n", runs.c_str());
}

// A technician at a terminal (a pseudo-terminal from script(1)): what is not
// on the command line is asked, and the pinned CA must be confirmed.
TEST(Fleet, TheTechnicianIsAskedForWhatIsMissing) {
  auto at_terminal = [&](const std::string& kiosk, const std::string& answers) {
    const std::string command = std::string(KIOSK_PROVISION_BIN) + " --state " +
                                (dir.Path() / kiosk).string() +
                                " --reader none --scanner none --display none";
    return RunProcess(
        {"/bin/sh", "-c", "printf '" + answers + "' | script -qec '" + command + "' /dev/null"});
  };
  auto answers = [&](const std::string& kiosk, const std::string& token, const char* confirm) {
    return kiosk + "\\n20314\\n" + token + "\\n127.0.0.1:" + operator_port +
           "\\n127.0.0.1:" + device_port + "\\n" + (pki / "gateway-ca.pem").string() + "\\n\\n" +
           confirm + "\\n";
  };
  // The fingerprint not confirmed: nothing is enrolled nor written.
  const auto token = Token("20314");
  auto refused = at_terminal("QNM-TTY-0001", answers("QNM-TTY-0001", token, "n"));
  CHECK_TEXT(refused.out.find("Does this fingerprint match") != std::string::npos,
             refused.out.c_str());
  CHECK(refused.out.find("provision.ca_refused") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.Path() / "QNM-TTY-0001" / "device-key.pem"));
  // Confirmed: enrolled with the same token, which the refusal did not spend.
  auto done = at_terminal("QNM-TTY-0001", answers("QNM-TTY-0001", token, "y"));
  CHECK_TEXT(done.out.find("Kiosk id (e.g. QNM-TAMKY-0001):") != std::string::npos,
             done.out.c_str());
  CHECK_TEXT(
      done.out.find("Kiosk QNM-TTY-0001 is provisioned for commune 20314.") != std::string::npos,
      done.out.c_str());
  CHECK(std::filesystem::exists(dir.Path() / "QNM-TTY-0001" / "device-key.pem"));
}

// The door alarm end to end, on a fake tree of /sys files (a CM4's GPIO
// lines under the legacy ABI): the door opens, the next heartbeat carries
// it and the dashboard raises a tamper alert; closing the door is not
// enough; the technician's kiosk-board clears it only with the door shut.
TEST(Fleet, AnOpenedDoorRaisesATamperAlertUntilATechnicianClearsIt) {
  const std::string kiosk = "QNM-TEST-0011";
  // An unknown board is refused before anything is enrolled.
  auto unknown = Provision(kiosk, "20314", Token("20314"), "all",
                           {"--board", "pdp-11", "--board-profiles", KIOSK_BOARD_PROFILES});
  LONGS_EQUAL(1, unknown.exit_code);
  CHECK_TEXT(unknown.err.find("board pdp-11") != std::string::npos, unknown.err.c_str());
  LONGS_EQUAL(0, Provision(kiosk, "20314", Token("20314"), "all",
                           {"--board", "rpi-cm4", "--board-profiles", KIOSK_BOARD_PROFILES})
                     .exit_code);
  const auto state = dir.Path() / kiosk;
  const auto sys = dir.Path() / "sys";
  auto line = [&](int offset) { return GpioValue(offset); };
  MakeGpioLines();  // the door switch (23) is pressed: shut
  std::filesystem::create_directories(sys / "class/thermal/thermal_zone0");
  std::ofstream(sys / "class/thermal/thermal_zone0/temp") << "51500\n";
  const std::string profile = std::string(KIOSK_BOARD_PROFILES) + "/rpi-cm4.toml";
  const std::string app_toml = core::ReadSmallFile(state / "provisioned/app.toml", 1 << 16).Value();
  CHECK(app_toml.find("#") == 0);
  // What provisioning decided reads back through the app's own schema.
  const auto provisioned = kiosk::app::ReadConfig({state / "provisioned/app.toml"});
  CHECK_TEXT(provisioned.HasValue(), app_toml.c_str());
  STRCMP_EQUAL("portrait", provisioned.Value().orientation.c_str());
  CHECK_TEXT(provisioned.Value().printer.rfind("usb:", 0) == 0, app_toml.c_str());  // the board's
  // A printer the technician names (and the self-test printed on) wins.
  const std::string other = "QNM-TEST-0012";
  const auto paper = dir.Path() / "printed.bin";
  LONGS_EQUAL(0, Provision(other, "20314", Token("20314"), "all",
                           {"--board", "rpi-cm4", "--board-profiles", KIOSK_BOARD_PROFILES,
                            "--printer", "file:" + paper.string()})
                     .exit_code);
  CHECK(std::filesystem::file_size(paper) > 0);
  const std::string other_toml =
      core::ReadSmallFile(dir.Path() / other / "provisioned/app.toml", 1 << 16).Value();
  CHECK_TEXT(other_toml.find("device = \"file:" + paper.string() + "\"") != std::string::npos,
             other_toml.c_str());
  std::ofstream(dir.Path() / "agent.toml")
      << "[outbox]\ndir = \"" << (state / "outbox").string() << "\"\n"
      << "storage_key = \"" << (state / "storage.key").string() << "\"\n"
      << "[heartbeat]\ninterval_s = 1\n"
      << "[commands]\njournal = \"" << (state / "commands.json").string() << "\"\n"
      << "[board]\ngpio = \"sysfs\"\n"  // the profile comes from provisioning
      << "sys_root = \"" << sys.string() << "\"\n"
      << "tamper_latch = \"" << (state / "tamper.json").string() << "\"\n";
  agent = std::make_unique<BackgroundProcess>(
      std::vector<std::string>{KIOSK_AGENT_BIN, "--config", (dir.Path() / "agent.toml").string(),
                               "--config", (state / "provisioned/agent.toml").string()},
      dir.Path() / "agent.log");
  auto tamper_state = [&](const std::string& wanted) {
    std::string seen;
    for (int i = 0; i < 100; ++i) {
      auto history = Store().devices->History(kiosk, 1).Value();
      if (!history.empty()) {
        const json beat = json::parse(history.front().body);
        seen = beat["peripherals"].value("tamper", "");
        if (seen == wanted) return beat;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL(("tamper never " + wanted + " (last " + seen + "):\n" + agent->Log()).c_str());
    return json();
  };
  // The operator's view: kiosk-fleetctl list names the kiosk's alerts.
  auto listed = [&] {
    const std::string out = Fleetctl({"list"}).out;
    const auto at = out.find(kiosk);
    return at == std::string::npos ? std::string() : out.substr(at, out.find('\n', at) - at);
  };
  const json shut = tamper_state("closed");
  DOUBLES_EQUAL(51.5, shut["temperature_c"].get<double>(), 0.01);  // the profile's zone
  CHECK(Read(line(17)) == "1");                                    // ok LED
  CHECK(Read(line(27)) == "0");

  std::ofstream(line(23)) << "1\n";  // the door opens
  tamper_state("open");
  CHECK(std::filesystem::exists(state / "tamper.json"));
  CHECK_TEXT(listed().find("tamper") != std::string::npos, listed().c_str());
  CHECK(Read(line(27)) == "1");  // fault LED
  CHECK(Read(line(17)) == "0");
  auto clear = [&] {
    return RunProcess({KIOSK_BOARD_BIN, "--profile", profile, "--gpio", "sysfs", "--sys",
                       sys.string(), "clear-tamper", (state / "tamper.json").string()});
  };
  auto refused = clear();
  LONGS_EQUAL(1, refused.exit_code);
  CHECK(refused.err.find("the door is open") != std::string::npos);

  std::ofstream(line(23)) << "0\n";  // shut again: the alarm stays
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  tamper_state("open");
  auto cleared = clear();
  LONGS_EQUAL_TEXT(0, cleared.exit_code, cleared.err.c_str());
  tamper_state("closed");
  CHECK(Read(line(17)) == "1");
  CHECK_TEXT(listed().find("tamper") == std::string::npos, listed().c_str());
}

namespace {

// The operator's browser, as far as this test needs one: HTTPS to the
// operator listener, the session cookie, the session's form token.
struct OperatorBrowser {
  std::uint16_t port = 0;
  core::TlsOptions tls;
  std::string cookie;

  core::HttpResponse Send(const std::string& method, const std::string& path,
                          const std::string& body = "", const std::string& cookie_header = "") {
    core::HttpRequest r{method, path, {{"Host", "localhost"}}, body};
    const std::string c = cookie_header.empty() ? cookie : cookie_header;
    if (!c.empty()) r.headers.emplace_back("Cookie", c);
    if (method == "POST")
      r.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    auto reply = core::HttpsRequest("127.0.0.1", port, tls, r, 1 << 20);
    CHECK_TEXT(reply.HasValue(), reply.HasValue() ? "" : reply.GetError().ToString().c_str());
    return reply.HasValue() ? *reply : core::HttpResponse{};
  }
  void LogIn(const std::string& user, const std::string& password) {
    const auto form = Send("GET", "/login");
    const auto post = kiosk::test::LoginFields(form, user, password);
    const auto in = Send("POST", "/login", post.body, post.cookie);
    cookie = kiosk::test::CookieOf(in);
    CHECK_TEXT(cookie.rfind("kiosk_session=", 0) == 0, in.body.c_str());
  }
  std::string Csrf() {
    const std::string page = Send("GET", "/fleet").body;
    const auto at = page.find("name=\"csrf\" value=\"");
    return at == std::string::npos ? "" : page.substr(at + 19, 64);
  }
};

std::string Between(const std::string& text, const std::string& before, const std::string& after) {
  const auto at = text.find(before);
  if (at == std::string::npos) return "";
  const auto end = text.find(after, at + before.size());
  return text.substr(at + before.size(), end - at - before.size());
}

}  // namespace

// A citizen calls an officer: the call crosses kiosk-agent and the gateway
// to the dashboard with the kiosk and the screen, the board's call lamp is
// lit, an officer's PIN issued on the dashboard puts the kiosk in assisted
// mode (another commune's PIN does not), and the call ends with the citizen.
// The kiosk-app side is the help mailbox (link/help_call.h), as the journey
// writes it (its own tests: kiosk_app_unit_tests, Journey).
TEST(Fleet, ACitizensCallForAnOfficerReachesTheDashboardAndAPinFromItAssists) {
  const std::string kiosk = "QNM-TEST-0013";
  LONGS_EQUAL(0, Provision(kiosk, "20314", Token("20314"), "all",
                           {"--board", "rpi-cm4", "--board-profiles", KIOSK_BOARD_PROFILES})
                     .exit_code);
  const auto state = dir.Path() / kiosk;
  const auto sys = dir.Path() / "sys";
  auto line = [&](int offset) { return GpioValue(offset); };
  MakeGpioLines();
  std::ofstream(dir.Path() / "agent.toml")
      << "[outbox]\ndir = \"" << (state / "outbox").string() << "\"\n"
      << "storage_key = \"" << (state / "storage.key").string() << "\"\n"
      << "[heartbeat]\ninterval_s = 5\n"
      << "[commands]\njournal = \"" << (state / "commands.json").string() << "\"\n"
      << "[board]\ngpio = \"sysfs\"\nsys_root = \"" << sys.string() << "\"\n"
      << "tamper_latch = \"" << (state / "tamper.json").string() << "\"\n"
      << "[help]\nmailbox = \"" << (state / "help").string() << "\"\npoll_ms = 200\n";
  agent = std::make_unique<BackgroundProcess>(
      std::vector<std::string>{KIOSK_AGENT_BIN, "--config", (dir.Path() / "agent.toml").string(),
                               "--config", (state / "provisioned/agent.toml").string()},
      dir.Path() / "agent.log");
  CHECK(agent->WaitForLog("agent.ready", std::chrono::seconds(10)));
  auto shell =
      RunProcess({"/bin/sh", "-c",
                  "printf 'correct horse battery\\n' | " + std::string(KIOSK_FLEETCTL_BIN) +
                      " --config " + (dir.Path() / "gateway.toml").string() + " operator op"});
  LONGS_EQUAL_TEXT(0, shell.exit_code, shell.err.c_str());
  OperatorBrowser browser;
  browser.port = static_cast<std::uint16_t>(std::stoi(operator_port));
  browser.tls.trusted = core::LoadCertificateFile(pki / "gateway-ca.pem").Value();
  browser.tls.server_name = "localhost";
  browser.LogIn("op", "correct horse battery");
  const std::string csrf = browser.Csrf();
  LONGS_EQUAL_TEXT(64, csrf.size(), browser.Send("GET", "/fleet").body.c_str());

  // The citizen taps "Nhờ cán bộ hỗ trợ" on the form.
  kiosk::link::HelpMailbox app(state / "help");
  kiosk::link::HelpCall call;
  call.id = "help-0001";
  call.screen = "review_form";
  call.language = "vi";
  CHECK(app.Call(call).HasValue());
  auto answer_is = [&](const std::function<bool(const kiosk::link::HelpAnswer&)>& wanted) {
    std::optional<kiosk::link::HelpAnswer> seen;
    for (int i = 0; i < 100; ++i) {
      auto a = app.AnswerTo(call.id);
      if (a && *a) {
        seen = **a;
        if (wanted(**a)) return **a;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL(("no such answer; last " + (seen ? kiosk::link::HelpAnswerJson(*seen) : "none") + "\n" +
          agent->Log())
             .c_str());
    return kiosk::link::HelpAnswer{};
  };
  answer_is([](const auto& a) { return a.state == "open"; });
  // The call lamp, lit by the agent's board loop within its poll.
  for (int i = 0; i < 50 && Read(line(24)) != "1"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(Read(line(24)) == "1");
  std::string fleet = browser.Send("GET", "/fleet").body;
  CHECK_TEXT(
      fleet.find("data-help=\"help-0001\" data-kiosk=\"" + kiosk + "\"") != std::string::npos,
      fleet.c_str());
  CHECK(fleet.find("kê khai tờ khai") != std::string::npos);

  // The officer's PIN, issued on the dashboard; another commune's too.
  auto issued =
      browser.Send("POST", "/fleet/staff",
                   "commune=20314&name=Tr%E1%BA%A7n+Th%E1%BB%8B+B%C3%ACnh&days=30&csrf=" + csrf);
  const std::string pin = Between(issued.body, "id=\"pin\">", "<");
  LONGS_EQUAL_TEXT(6, pin.size(), issued.body.c_str());
  const std::string elsewhere = Between(
      browser.Send("POST", "/fleet/staff", "commune=20320&name=Other&days=30&csrf=" + csrf).body,
      "id=\"pin\">", "<");
  LONGS_EQUAL(6, elsewhere.size());
  call.attempt = "try-1";
  call.pin = elsewhere;
  CHECK(app.Call(call).HasValue());
  answer_is([](const auto& a) { return a.attempt == "try-1" && a.credential == "refused"; });
  call.attempt = "try-2";
  call.pin = pin;
  CHECK(app.Call(call).HasValue());
  const auto accepted =
      answer_is([](const auto& a) { return a.attempt == "try-2" && !a.credential.empty(); });
  STRCMP_EQUAL("accepted", accepted.credential.c_str());
  STRCMP_EQUAL("Trần Thị Bình", accepted.officer_name.c_str());
  CHECK(accepted.officer_id.rfind("CB-", 0) == 0);
  // The alert is cleared: answered, by whom.
  fleet = browser.Send("GET", "/fleet").body;
  CHECK(fleet.find("data-help=\"help-0001\"") == std::string::npos);
  CHECK(fleet.find("do Trần Thị Bình nhận") != std::string::npos);

  // The citizen is done: the call is closed and the lamp goes out.
  CHECK(app.Withdraw().HasValue());
  for (int i = 0; i < 50 && Read(line(24)) != "0"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(Read(line(24)) == "0");
  std::string closed;
  for (int i = 0; i < 50 && closed != "closed"; ++i) {
    auto found = Store().help->FindCall("help-0001").Value();
    closed = found ? found->state : "";
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  STRCMP_EQUAL("closed", closed.c_str());

  // A second call, answered with the dashboard's button: the kiosk hears who.
  call = {};
  call.id = "help-0002";
  call.screen = "attach_papers";
  call.language = "vi";
  CHECK(app.Call(call).HasValue());
  answer_is([](const auto& a) { return a.state == "open"; });
  LONGS_EQUAL(303, browser.Send("POST", "/fleet/help/help-0002", "csrf=" + csrf).status);
  const auto going = answer_is([](const auto& a) { return a.state == "answered"; });
  STRCMP_EQUAL("op", going.officer_name.c_str());
}
