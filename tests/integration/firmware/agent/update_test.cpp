// Signed A/B updates end to end. Every program is real: kiosk-gateway serves
// the bundle and the rollout, kiosk-agent downloads it over mutual TLS, RAUC
// (its service on a private D-Bus) checks the signature and writes a
// file-backed slot, and the scripted bootloader (kiosk-boot-backend) picks
// the slot at each power-on, falling back as GRUB would. The test is the
// power switch: it stops everything when the agent asks for a reboot (or
// in the middle of an install) and starts the rig again.
#include "test_prelude.h"

#include <sys/mount.h>

#include <csignal>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "kiosk/core/files.h"
#include "kiosk/core/log.h"
#include "kiosk/gateway/rollouts.h"
#include "kiosk/gateway/store/sqlite.h"
#include "test_support.h"

namespace core = kiosk::core;
namespace gw = kiosk::gateway;
using kiosk::test::BackgroundProcess;
using kiosk::test::ProcessResult;
using kiosk::test::RunProcess;
using kiosk::test::TempDir;
using nlohmann::json;

namespace {

const std::string kKiosk = "QNM-TEST-0042";
const std::string kBackend = std::string(KIOSK_RAUC_DIR) + "/kiosk-boot-backend";

std::string Read(const std::filesystem::path& file) {
  return core::ReadSmallFile(file, 1 << 20).ValueOr("");
}

ProcessResult Sh(const std::string& script) {
  auto r = RunProcess({"/bin/sh", "-ec", script}, std::chrono::seconds(120));
  if (r.exit_code != 0) FAIL((script + "\n" + r.out + r.err).c_str());
  return r;
}

}  // namespace

// clang-format off
TEST_GROUP(Update) {
  core::log::ScopedCapture quiet{core::log::Level::kError};
  TempDir dir;
  std::filesystem::path pki, state, rig;
  std::string device_port, operator_port, bus;
  std::unique_ptr<BackgroundProcess> gateway, dbus, rauc, agent;
  int boots = 0;

  void setup() override {
    pki = dir.Path() / "pki";
    state = dir.Path() / kKiosk;
    rig = dir.Path() / "rig";
    std::filesystem::create_directories(rig / "data");
    std::filesystem::create_directories(rig / "mnt");
    LONGS_EQUAL(0, RunProcess({KIOSK_DEVCA_BIN, "init", pki.string()}).exit_code);
    kiosk::test::WriteFleetGatewayConfig(dir.Path() / "gateway.toml", pki, dir.Path() / "gateway", 1);
    gateway = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{KIOSK_GATEWAY_BIN, "--config", (dir.Path() / "gateway.toml").string()},
        dir.Path() / "gateway.log");
    if (!gateway->WaitForLog("operator listening on", std::chrono::seconds(10))) FAIL(gateway->Log().c_str());
    device_port = kiosk::test::ListeningPort(gateway->Log(), "listening on ");
    operator_port = kiosk::test::ListeningPort(gateway->Log(), "operator listening on ");
    auto token = Fleetctl({"token", "--commune", "20314", "--agency", "000.17.22.H56"}).out;
    token = token.substr(0, token.find('\n'));
    auto provisioned = RunProcess({KIOSK_PROVISION_BIN, "--yes", "--state", state.string(),
                                   "--kiosk-id", kKiosk, "--commune", "20314", "--token", token,
                                   "--gateway", "127.0.0.1:" + operator_port,
                                   "--device-gateway", "127.0.0.1:" + device_port,
                                   "--gateway-ca", (pki / "gateway-ca.pem").string(),
                                   "--reader", "none", "--scanner", "none", "--display", "none",
                                   "--procedures", "1.001193"});
    LONGS_EQUAL_TEXT(0, provisioned.exit_code, (provisioned.out + provisioned.err).c_str());

    // The rig: two slots, the signing keys (the image trusts only the first).
    Sh("cd " + rig.string() + " && truncate -s 8M A.img B.img"
       " && for who in signer stranger; do openssl req -x509 -newkey ec"
       " -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout $who-key.pem -out $who.pem"
       " -days 30 -subj \"/O=DVC kiosk test/CN=$who\" 2>/dev/null; done");
    std::ofstream(rig / "system.conf")
        << "[system]\ncompatible=dvc-kiosk-test\nbootloader=custom\n"
        << "data-directory=" << (rig / "data").string() << "\n"
        << "[handlers]\nbootloader-custom-backend=" << kBackend << "\n"
        << "[keyring]\npath=" << (rig / "signer.pem").string() << "\n"
        << "[slot.rootfs.0]\ndevice=" << (rig / "A.img").string() << "\ntype=ext4\nbootname=A\n"
        << "[slot.rootfs.1]\ndevice=" << (rig / "B.img").string() << "\ntype=ext4\nbootname=B\n";
    bus = "unix:path=" + (rig / "bus").string();
    std::ofstream(rig / "bus.conf")
        << "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\" "
           "\"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
        << "<busconfig><type>system</type><listen>" << bus << "</listen><auth>EXTERNAL</auth>"
        << "<policy context=\"default\"><allow user=\"*\"/><allow own=\"*\"/>"
        << "<allow send_destination=\"*\"/><allow receive_sender=\"*\"/></policy></busconfig>\n";
    dbus = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{"/usr/bin/dbus-daemon", "--nofork", "--config-file=" + (rig / "bus.conf").string()},
        rig / "dbus.log");
    for (int i = 0; i < 50 && !std::filesystem::exists(rig / "bus"); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::ofstream(dir.Path() / "agent.toml")
        << "[outbox]\ndir = \"" << (state / "outbox").string() << "\"\n"
        << "storage_key = \"" << (state / "storage.key").string() << "\"\n"
        << "[heartbeat]\ninterval_s = 1\nos_version = \"0.8.0\"\n"
        << "app_status = \"" << (state / "app-status.json").string() << "\"\n"
        << "[commands]\njournal = \"" << (state / "commands.json").string() << "\"\n"
        << "[update]\nenabled = true\ndir = \"" << (state / "updates").string() << "\"\n"
        << "hold_file = \"" << (state / "update-hold").string() << "\"\n"
        << "chunk_bytes = 16384\n"
        << "self_test = [\"/bin/sh\", \"-c\", \"exit $(cat " << (rig / "self-test-rc").string()
        << " 2>/dev/null || echo 0)\"]\n"
        << "reboot = [\"/bin/sh\", \"-c\", \"touch " << (rig / "reboot-requested").string() << "\"]\n";
    // kiosk-app, idle and following the hold (what it writes every 2 s).
    App(false);
  }

  void teardown() override {
    PowerOff();
    dbus.reset();
    gateway.reset();
  }

  ProcessResult Fleetctl(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {KIOSK_FLEETCTL_BIN, "--config", (dir.Path() / "gateway.toml").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProcess(argv);
  }

  void App(bool in_use) {
    const bool out = std::filesystem::exists(state / "update-hold");
    const json status = {{"version", "0.8.0"}, {"in_use", in_use}, {"out_of_service", out},
                         {"written_at_ms", core::UnixMillis(core::SystemClock().Now())}};
    CHECK(core::WriteFileAtomically(state / "app-status.json", core::AsBytes(status.dump())).HasValue());
  }

  std::vector<std::string> Env() {
    return {"/usr/bin/env", "DBUS_SYSTEM_BUS_ADDRESS=" + bus, "KIOSK_BOOT_STATE=" + (rig / "boot").string()};
  }

  // Power on: the bootloader picks a slot, RAUC's service and the agent start.
  std::string PowerOn() {
    auto boot = RunProcess({"/usr/bin/env", "KIOSK_BOOT_STATE=" + (rig / "boot").string(), kBackend, "boot"});
    LONGS_EQUAL_TEXT(0, boot.exit_code, boot.err.c_str());
    const std::string slot = boot.out.substr(0, 1);
    ++boots;
    auto argv = Env();
    for (const auto& a : {std::string("/usr/bin/rauc"), "--conf=" + (rig / "system.conf").string(),
                          "--mount=" + (rig / "mnt").string(), std::string("service"),
                          "--override-boot-slot=" + slot}) argv.push_back(a);
    rauc = std::make_unique<BackgroundProcess>(argv, rig / ("rauc-" + std::to_string(boots) + ".log"));
    bool ready = false;
    for (int i = 0; i < 100 && !ready; ++i) {
      auto status = Env();
      status.insert(status.end(), {"/usr/bin/rauc", "status", "--output-format=json"});
      ready = RunProcess(status).exit_code == 0;
      if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK_TEXT(ready, rauc->Log().c_str());
    argv = Env();
    for (const auto& a : {std::string(KIOSK_AGENT_BIN), std::string("--config"), (dir.Path() / "agent.toml").string(),
                          std::string("--config"), (state / "provisioned/agent.toml").string()}) argv.push_back(a);
    agent = std::make_unique<BackgroundProcess>(argv, dir.Path() / ("agent-" + std::to_string(boots) + ".log"));
    return slot;
  }

  // The power goes: nothing shuts down cleanly.
  void PowerOff() {
    if (agent) { agent->Signal(SIGKILL); agent->Stop(); agent.reset(); }
    if (rauc) { rauc->Signal(SIGKILL); rauc->Stop(); rauc.reset(); }
    const std::string pid = Read(rig / "hook.pid");
    if (!pid.empty()) { ::kill(std::stoi(pid), SIGKILL); std::filesystem::remove(rig / "hook.pid"); }
    // A real power cut leaves no mount behind; a killed service does.
    ::umount2((rig / "mnt/bundle").c_str(), MNT_DETACH);
    std::filesystem::remove(rig / "reboot-requested");
  }

  std::string Bundle(const std::string& name, const std::string& version, const std::string& signer,
                     const std::string& hook = "") {
    const auto root = rig / (name + "-root");
    std::filesystem::create_directories(root / "etc");
    std::ofstream(root / "etc/kiosk-release") << version << "\n";
    const auto out = rig / (name + ".raucb");
    Sh("head -c 200000 /dev/urandom > " + (root / "payload").string() +
       " && mkfs.ext4 -q -F -d " + root.string() + " " + (rig / (name + ".ext4")).string() + " 4M" +
       " && " + KIOSK_RAUC_DIR + "/make-bundle --format plain --rootfs " + (rig / (name + ".ext4")).string() +
       " --version " + version + " --compatible dvc-kiosk-test --cert " + (rig / (signer + ".pem")).string() +
       " --key " + (rig / (signer + "-key.pem")).string() +
       (hook.empty() ? "" : " --install-hook " + hook) + " " + out.string());
    return out.string();
  }

  std::int64_t Rollout(const std::string& bundle, const std::string& version) {
    auto added = Fleetctl({"bundle", "add", bundle, "--version", version, "--compatible", "dvc-kiosk-test"});
    LONGS_EQUAL_TEXT(0, added.exit_code, added.err.c_str());
    auto started = Fleetctl({"rollout", "start", added.out.substr(0, 64), "--percent", "100", "--communes", "20314"});
    LONGS_EQUAL_TEXT(0, started.exit_code, started.err.c_str());
    return std::stoll(started.out);
  }

  std::optional<gw::KioskUpdate> Reported() {
    auto fleet = gw::sqlite::OpenFleet(dir.Path() / "gateway" / "fleet.db").Value();
    auto store = gw::sqlite::OpenRollouts(dir.Path() / "gateway" / "updates.db").Value();
    auto desk = gw::RolloutDesk::Open(dir.Path() / "gateway" / "bundles", *store, *fleet.devices,
                                      core::SystemClock())
                    .Value();
    return desk->LastUpdate(kKiosk).Value();
  }

  // Waits until the kiosk reported `wanted` (or any final state).
  std::string WaitForReport(const std::string& wanted, int seconds = 60) {
    std::string last;
    for (int i = 0; i < seconds * 10; ++i) {
      App(false);
      auto r = Reported();
      if (r) last = r->state;
      if (last == wanted || (r && gw::IsFinalUpdateState(last))) return last;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return last + " (timed out; agent log:\n" + (agent ? agent->Log() : "") + ")";
  }

  bool WaitForRebootRequest(int seconds = 60) {
    for (int i = 0; i < seconds * 10; ++i) {
      App(false);
      if (std::filesystem::exists(rig / "reboot-requested")) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  std::string Primary() {
    return RunProcess({"/usr/bin/env", "KIOSK_BOOT_STATE=" + (rig / "boot").string(), kBackend, "get-primary"}).out.substr(0, 1);
  }

  json LastHeartbeat() {
    auto fleet = gw::sqlite::OpenFleet(dir.Path() / "gateway" / "fleet.db").Value();
    return json::parse(fleet.devices->History(kKiosk, 1).Value().front().body);
  }
};
// clang-format on

TEST(Update, AGoodBundleInstallsAndItsSlotIsMarkedGoodAfterTheSelfTest) {
  STRCMP_EQUAL("A", PowerOn().c_str());
  // Never while a citizen is at the screen.
  App(true);
  const auto rollout = Rollout(Bundle("good", "0.9.0", "signer"), "0.9.0");
  for (int i = 0; i < 30; ++i) {
    App(true);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  auto report = Reported();
  CHECK(report.has_value());
  CHECK_TEXT(report->state == "downloaded" || report->state == "downloading",
             report->state.c_str());
  CHECK_FALSE(std::filesystem::exists(rig / "reboot-requested"));
  CHECK(WaitForRebootRequest());
  STRCMP_EQUAL("installed", Reported()->state.c_str());
  CHECK(std::filesystem::exists(state / "update-hold"));  // out of service until it is over
  STRCMP_EQUAL("B", Primary().c_str());
  PowerOff();
  STRCMP_EQUAL("B", PowerOn().c_str());
  STRCMP_EQUAL("good", WaitForReport("good").c_str());
  CHECK(Reported()->detail.find("running 0.9.0 in slot B") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(state / "update-hold"));
  CHECK(Read(rig / "boot/log").find("set-state B good") != std::string::npos);
  // The heartbeats say so, and the rollout counts it.
  json beat;
  for (int i = 0; i < 50; ++i) {
    beat = LastHeartbeat();
    if (beat["versions"].value("os", "") == "0.9.0") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  STRCMP_EQUAL("0.9.0", beat["versions"]["os"].get<std::string>().c_str());
  STRCMP_EQUAL("B", beat["versions"]["slot"].get<std::string>().c_str());
  STRCMP_EQUAL("dvc-kiosk-test", beat["versions"].value("compatible", "").c_str());
  auto list = Fleetctl({"rollout", "list"}).out;
  CHECK_TEXT(list.find(std::to_string(rollout) + " 0.9.0") == 0 &&
                 list.find("good=1") != std::string::npos,
             list.c_str());
  // The slot holds the new system.
  auto content =
      RunProcess({"/sbin/debugfs", "-R", "cat /etc/kiosk-release", (rig / "B.img").string()});
  CHECK_TEXT(content.out.find("0.9.0") != std::string::npos, (content.out + content.err).c_str());
}

TEST(Update, ABundleWithABadSignatureIsRefused) {
  STRCMP_EQUAL("A", PowerOn().c_str());
  Rollout(Bundle("forged", "6.6.6", "stranger"), "6.6.6");
  STRCMP_EQUAL("failed", WaitForReport("failed").c_str());
  const auto report = Reported();
  CHECK_TEXT(report->detail.find("install refused") != std::string::npos, report->detail.c_str());
  CHECK_FALSE(std::filesystem::exists(rig / "reboot-requested"));
  CHECK_FALSE(std::filesystem::exists(state / "update-hold"));
  STRCMP_EQUAL("A", Primary().c_str());
  CHECK(Read(rig / "boot/log").find("set-state B bad") == std::string::npos);  // nothing written
  PowerOff();
  STRCMP_EQUAL("A", PowerOn().c_str());
}

TEST(Update, ABundleWhoseSelfTestFailsIsRolledBack) {
  STRCMP_EQUAL("A", PowerOn().c_str());
  Rollout(Bundle("broken", "0.9.1", "signer"), "0.9.1");
  CHECK(WaitForRebootRequest());
  PowerOff();
  std::ofstream(rig / "self-test-rc") << "1";  // the new system's self-test fails
  STRCMP_EQUAL("B", PowerOn().c_str());
  CHECK(WaitForRebootRequest());
  STRCMP_EQUAL("self_test_failed", Reported()->state.c_str());
  CHECK(Read(rig / "boot/log").find("set-state B bad") != std::string::npos);
  PowerOff();
  std::filesystem::remove(rig / "self-test-rc");
  STRCMP_EQUAL("A", PowerOn().c_str());  // the bootloader falls back
  STRCMP_EQUAL("rolled_back", WaitForReport("rolled_back").c_str());
  CHECK(Reported()->detail.find("back on slot A") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(state / "update-hold"));
  json beat;
  for (int i = 0; i < 50; ++i) {
    beat = LastHeartbeat();
    if (beat["versions"].value("slot", "") == "A") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  STRCMP_EQUAL("0.8.0", beat["versions"]["os"].get<std::string>().c_str());
}

TEST(Update, APowerCutMidInstallLeavesTheOldSlotBooting) {
  // The bundle's install hook writes half the image, then waits for the cut.
  std::ofstream(rig / "hook.sh") << "#!/bin/sh\ncase \"$1\" in slot-install)\n"
                                 << "  dd if=\"$RAUC_IMAGE_NAME\" of=\"$RAUC_SLOT_DEVICE\" bs=1M "
                                    "count=2 conv=notrunc 2>/dev/null\n"
                                 << "  if [ -e " << (rig / "cut-here").string()
                                 << " ]; then echo $$ > " << (rig / "hook.pid").string()
                                 << "; sleep 60; fi\n"
                                 << "  dd if=\"$RAUC_IMAGE_NAME\" of=\"$RAUC_SLOT_DEVICE\" bs=1M "
                                    "conv=notrunc 2>/dev/null ;;\nesac\n";
  std::ofstream(rig / "cut-here") << "";
  STRCMP_EQUAL("A", PowerOn().c_str());
  Rollout(Bundle("cut", "0.9.2", "signer", (rig / "hook.sh").string()), "0.9.2");
  bool writing = false;
  for (int i = 0; i < 600 && !writing; ++i) {
    App(false);
    writing = !Read(rig / "hook.pid").empty();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK_TEXT(writing, agent->Log().c_str());
  STRCMP_EQUAL("0\n", Read(rig / "boot/B.ok").c_str());  // RAUC took B out of the order first
  PowerOff();                                            // mid-install
  std::filesystem::remove(rig / "cut-here");
  STRCMP_EQUAL("A", PowerOn().c_str());  // the old system comes up
  // The agent says what happened, installs again, and this time it completes.
  CHECK(WaitForRebootRequest());
  PowerOff();
  STRCMP_EQUAL("B", PowerOn().c_str());
  STRCMP_EQUAL("good", WaitForReport("good").c_str());
  const std::string agent_log = Read(dir.Path() / "agent-2.log");
  CHECK_TEXT(agent_log.find("state=interrupted") != std::string::npos, agent_log.c_str());
}
