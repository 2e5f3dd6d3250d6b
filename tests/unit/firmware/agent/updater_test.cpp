// The updater's state machine with a fake gateway and fake RAUC commands
// (small scripts that log their calls): ranges resumed after a restart, a
// corrupt download fetched again, never installing while a citizen is at
// the screen, an install refused, the trial after the reboot, rollback, a
// rollout paused and resumed.
#include "test_prelude.h"

#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "kiosk/agent/updater.h"
#include "kiosk/core/encoding.h"
#include "kiosk/core/files.h"
#include "kiosk/core/hash.h"

namespace core = kiosk::core;
using namespace kiosk::agent;  // NOLINT(google-build-using-namespace): test file
using nlohmann::json;

namespace {

std::string Script(const std::filesystem::path& dir, const std::string& name,
                   const std::string& body) {
  const auto path = dir / name;
  std::ofstream(path) << "#!/bin/sh\necho \"" << name << " $*\" >> " << (dir / "calls").string()
                      << "\n"
                      << body << "\n";
  ::chmod(path.c_str(), 0755);
  return path.string();
}

std::string Read(const std::filesystem::path& file) {
  return core::ReadSmallFile(file, 1 << 20).ValueOr("");
}

void SetBooted(const std::filesystem::path& dir, const std::string& slot,
               const std::string& version) {
  json status = {
      {"booted", slot},
      {"slots", json::array({{{"rootfs.0",
                               {{"bootname", slot},
                                {"slot_status", {{"bundle", {{"version", version}}}}}}}}})}};
  std::ofstream(dir / "status.json") << status.dump();
}

}  // namespace

// clang-format off
TEST_GROUP(Updater) {
  kiosk::test::TempDir dir;
  core::FakeClock clock{core::WallTime{std::chrono::seconds(1'795'000'000)}};
  std::string bundle;
  UpdateOffer offer;
  std::vector<json> reports;
  int fetches = 0;
  bool corrupt_once = false;
  bool gateway_down = false;
  UpdateSettings settings;

  void setup() override {
    for (int i = 0; i < 10000; ++i) bundle += static_cast<char>('a' + i % 26);
    offer.rollout = 7;
    offer.version = "0.9.0";
    offer.sha256 = core::HexEncode(core::Digest(core::HashAlg::kSha256, core::AsBytes(bundle)).Value());
    offer.size = static_cast<std::int64_t>(bundle.size());
    offer.url = "/v1/bundles/" + offer.sha256;
    settings.dir = dir.Path() / "updates";
    settings.hold_file = dir.Path() / "update-hold";
    settings.chunk_bytes = 4096;
    settings.status = {Script(dir.Path(), "status", "cat " + (dir.Path() / "status.json").string())};
    settings.install = {Script(dir.Path(), "install", "exit $(cat " + (dir.Path() / "install-rc").string() + " 2>/dev/null || echo 0)")};
    settings.mark_good = {Script(dir.Path(), "mark-good", "")};
    settings.mark_bad = {Script(dir.Path(), "mark-bad", "")};
    settings.reboot = {Script(dir.Path(), "reboot", "")};
    settings.self_test = {Script(dir.Path(), "self-test", "echo 'printer: paper out'; exit $(cat " + (dir.Path() / "self-test-rc").string() + " 2>/dev/null || echo 0)")};
    SetBooted(dir.Path(), "A", "0.8.0");
  }

  Updater::Transport Transport() {
    Updater::Transport t;
    t.fetch = [this](const std::string& url, std::int64_t from, std::int64_t length) -> core::Expected<std::string> {
      ++fetches;
      if (gateway_down) return core::Error::Retryable("net.down", "unreachable");
      CHECK(url == offer.url);
      std::string piece = bundle.substr(static_cast<std::size_t>(from), static_cast<std::size_t>(length));
      if (corrupt_once && from == 0) { piece[0] = 'Z'; corrupt_once = false; }
      return piece;
    };
    t.report = [this](std::int64_t rollout, const std::string& body) -> core::Status {
      if (gateway_down) return core::Error::Retryable("net.down", "unreachable");
      CHECK(rollout == 7 || rollout == 8);  // 8: a second rollout, in one test
      reports.push_back(json::parse(body));
      return {};
    };
    return t;
  }

  std::vector<std::string> States() {
    std::vector<std::string> out;
    for (const auto& r : reports) out.push_back(r["state"].get<std::string>());
    return out;
  }
  std::string Calls() { return Read(dir.Path() / "calls"); }
  void Drive(Updater& u, const AppActivity& app, int steps) {
    for (int i = 0; i < steps; ++i) {
      clock.Advance(std::chrono::seconds(31));
      (void)u.Step(app);
    }
  }
};
// clang-format on

TEST(Updater, DownloadsInRangesResumesAfterRestartAndChecksTheDigest) {
  corrupt_once = true;
  {
    Updater u(settings, Transport(), clock);
    CHECK(u.Start().HasValue());
    STRCMP_EQUAL("A", u.Slot().c_str());
    STRCMP_EQUAL("0.8.0", u.RunningVersion().c_str());
    u.Offer(offer);
    CHECK(u.Step({}).Value());  // 4096
    CHECK(u.Step({}).Value());  // 8192
  }                             // the agent dies here
  Updater u(settings, Transport(), clock);
  CHECK(u.Start().HasValue());
  STRCMP_EQUAL("downloading", u.Phase().c_str());
  CHECK(u.Step({}).Value());  // the last range: the digest fails (byte 0 was corrupt)
  STRCMP_EQUAL("downloading", u.Phase().c_str());
  LONGS_EQUAL(3, fetches);
  Drive(u, {}, 3);
  STRCMP_EQUAL("downloaded", u.Phase().c_str());
  LONGS_EQUAL(6, fetches);
  CHECK(Read(dir.Path() / "updates/bundle.raucb") == bundle);
  const auto states = States();
  STRCMP_EQUAL("downloading", states.front().c_str());
  STRCMP_EQUAL("downloaded", states.back().c_str());
  // A second offer of the same rollout changes nothing.
  u.Offer(offer);
  STRCMP_EQUAL("downloaded", u.Phase().c_str());
}

TEST(Updater, NeverInstallsWhileACitizenIsThere) {
  Updater u(settings, Transport(), clock);
  CHECK(u.Start().HasValue());
  u.Offer(offer);
  Drive(u, {}, 3);
  STRCMP_EQUAL("downloaded", u.Phase().c_str());
  const AppActivity busy{true, true, false};
  Drive(u, busy, 5);
  STRCMP_EQUAL("downloaded", u.Phase().c_str());
  CHECK_FALSE(u.Holding());
  // Nobody: the hold goes up; the app has not yet seen it, and a citizen
  // who started meanwhile may finish.
  Drive(u, {true, false, false}, 1);
  CHECK(u.Holding());
  Drive(u, {true, true, true}, 3);
  STRCMP_EQUAL("holding", u.Phase().c_str());
  CHECK(Calls().find("install") == std::string::npos);
  // The app is out of service and empty: install, then reboot.
  Drive(u, {true, false, true}, 1);
  STRCMP_EQUAL("rebooting", u.Phase().c_str());
  CHECK(Calls().find("install " + (settings.dir / "bundle.raucb").string()) != std::string::npos);
  CHECK(Calls().find("reboot") != std::string::npos);
  STRCMP_EQUAL("installed", States().back().c_str());
}

TEST(Updater, ARefusedBundleIsGivenUpAndTheKioskServesAgain) {
  std::ofstream(dir.Path() / "install-rc") << "1";
  Updater u(settings, Transport(), clock);
  CHECK(u.Start().HasValue());
  u.Offer(offer);
  Drive(u, {}, 3);
  Drive(u, {false, false, false}, 2);  // a silent app serves nobody
  STRCMP_EQUAL("done", u.Phase().c_str());
  STRCMP_EQUAL("failed", States().back().c_str());
  CHECK(reports.back()["detail"].get<std::string>().find("install refused: exit 1") == 0);
  CHECK_FALSE(u.Holding());
  CHECK_FALSE(std::filesystem::exists(settings.dir / "bundle.raucb"));
  CHECK(Calls().find("reboot") == std::string::npos);
  // The same rollout is not tried again.
  u.Offer(offer);
  STRCMP_EQUAL("done", u.Phase().c_str());
}

TEST(Updater, TheNewSlotIsMarkedGoodOnlyAfterTheSelfTest) {
  {
    Updater u(settings, Transport(), clock);
    CHECK(u.Start().HasValue());
    u.Offer(offer);
    Drive(u, {}, 3);
    Drive(u, {false, false, false}, 2);
    STRCMP_EQUAL("rebooting", u.Phase().c_str());
  }
  std::filesystem::remove(dir.Path() / "calls");
  SetBooted(dir.Path(), "B", "0.9.0");  // the bootloader tried the new slot
  Updater u(settings, Transport(), clock);
  CHECK(u.Start().HasValue());
  const std::string calls = Calls();
  CHECK(calls.find("self-test") < calls.find("mark-good"));
  STRCMP_EQUAL("good", States().back().c_str());
  STRCMP_EQUAL("B", reports.back()["slot"].get<std::string>().c_str());
  STRCMP_EQUAL("0.9.0", reports.back()["running"].get<std::string>().c_str());
  CHECK_FALSE(u.Holding());
}

TEST(Updater, AFailedSelfTestRollsBack) {
  std::ofstream(dir.Path() / "self-test-rc") << "3";
  {
    Updater u(settings, Transport(), clock);
    CHECK(u.Start().HasValue());
    u.Offer(offer);
    Drive(u, {}, 3);
    Drive(u, {false, false, false}, 2);
  }
  std::filesystem::remove(dir.Path() / "calls");
  SetBooted(dir.Path(), "B", "0.9.0");
  {
    Updater u(settings, Transport(), clock);
    CHECK(u.Start().HasValue());
    const std::string calls = Calls();
    CHECK(calls.find("mark-bad") != std::string::npos);
    CHECK(calls.find("mark-good") == std::string::npos);
    CHECK(calls.find("mark-bad") < calls.find("reboot"));
    STRCMP_EQUAL("self_test_failed", States().back().c_str());
    CHECK(reports.back()["detail"].get<std::string>().find("exit 3: printer: paper out") !=
          std::string::npos);
    STRCMP_EQUAL("rolling_back", u.Phase().c_str());
    CHECK(u.Holding());
  }
  SetBooted(dir.Path(), "A", "0.8.0");  // the bootloader went back
  Updater u(settings, Transport(), clock);
  CHECK(u.Start().HasValue());
  STRCMP_EQUAL("rolled_back", States().back().c_str());
  STRCMP_EQUAL("A", reports.back()["slot"].get<std::string>().c_str());
  CHECK_FALSE(u.Holding());
}

TEST(Updater, ACutInstallStartsAgainAndUnsentReportsWait) {
  Updater* first = nullptr;
  {
    Updater u(settings, Transport(), clock);
    first = &u;
    CHECK(u.Start().HasValue());
    u.Offer(offer);
    Drive(u, {}, 3);
    Drive(u, {false, false, false}, 1);
    STRCMP_EQUAL("holding", u.Phase().c_str());
  }
  (void)first;
  // The journal says "installing": as if the power went during the install.
  auto journal = json::parse(Read(settings.dir / "update.json"));
  journal["phase"] = "installing";
  journal["attempts"] = 1;
  CHECK(core::WriteFileAtomically(settings.dir / "update.json", core::AsBytes(journal.dump()))
            .HasValue());
  gateway_down = true;
  Updater u(settings, Transport(), clock);
  CHECK(u.Start().HasValue());
  STRCMP_EQUAL("holding", u.Phase().c_str());
  const auto before = reports.size();
  gateway_down = false;
  Drive(u, {false, false, false}, 1);
  // The "interrupted" report went first, then the new attempt.
  STRCMP_EQUAL("interrupted", reports[before]["state"].get<std::string>().c_str());
  STRCMP_EQUAL("rebooting", u.Phase().c_str());
}

TEST(Updater, OffersAreCheckedAndTheRunningVersionIsNotReinstalled) {
  const json good = {{"rollout", 7},
                     {"version", "0.9.0"},
                     {"sha256", offer.sha256},
                     {"size", 10},
                     {"url", offer.url}};
  auto with = [&](const char* key, const json& value) {
    json changed = good;
    changed[key] = value;
    return ParseUpdateOffer(changed.dump()).HasValue();
  };
  CHECK(ParseUpdateOffer(good.dump()).HasValue());
  CHECK_FALSE(with("url", "/etc/passwd"));
  CHECK_FALSE(with("version", "0.9 0"));
  CHECK_FALSE(with("rollout", 0));
  CHECK_FALSE(with("sha256", "AB"));
  CHECK_FALSE(with("size", -1));
  CHECK_FALSE(ParseUpdateOffer("[]").HasValue());
  // RAUC's status with the client's own messages before it (seen on a kiosk).
  auto status = ParseRaucStatus(
      "rauc-Message: 08:57:01.100: Using central status file /var/lib/rauc/central.raucs\n"
      R"({"booted":"B","slots":[{"rootfs.1":{"bootname":"B","slot_status":{"bundle":{"version":"0.9.1"}}}}]})"
      "\n");
  STRCMP_EQUAL("B", status.Value().booted.c_str());
  STRCMP_EQUAL("0.9.1", status.Value().booted_version.c_str());
  STRCMP_EQUAL("", status.Value().compatible.c_str());
  STRCMP_EQUAL("dvc-kiosk-x86-minipc",
               ParseRaucStatus(R"({"compatible":"dvc-kiosk-x86-minipc","booted":"A"})")
                   .Value()
                   .compatible.c_str());
  STRCMP_EQUAL(
      "", ParseRaucStatus(R"({"compatible":"a b\n","booted":"A"})").Value().compatible.c_str());
  CHECK_FALSE(with("paused", "yes"));
  CHECK(ParseUpdateOffer(json(good).dump()).Value().paused == false);
  json paused = good;
  paused["paused"] = true;
  CHECK(ParseUpdateOffer(paused.dump()).Value().paused);
  CHECK_FALSE(ParseRaucStatus("rauc: error\n").HasValue());
  SetBooted(dir.Path(), "A", "0.9.0");
  Updater u(settings, Transport(), clock);
  CHECK(u.Start().HasValue());
  u.Offer(offer);
  STRCMP_EQUAL("done", u.Phase().c_str());
  STRCMP_EQUAL("good", States().back().c_str());
  LONGS_EQUAL(0, fetches);
}

// An older bundle, however well signed, may bring back what a newer one
// fixed: refused unless the operator's rollout is marked a downgrade.
TEST(Updater, AnOlderVersionIsRefusedUnlessTheRolloutIsADowngrade) {
  json older = {{"rollout", 7},
                {"version", "0.8.9"},
                {"sha256", offer.sha256},
                {"size", offer.size},
                {"url", offer.url}};
  CHECK_FALSE(ParseUpdateOffer(json(older).dump()).Value().downgrade);
  older["downgrade"] = "please";
  CHECK_FALSE(ParseUpdateOffer(older.dump()).HasValue());
  older.erase("downgrade");
  SetBooted(dir.Path(), "A", "0.9.0");
  {
    Updater u(settings, Transport(), clock);
    CHECK(u.Start().HasValue());
    u.Offer(ParseUpdateOffer(older.dump()).Value());
    STRCMP_EQUAL("done", u.Phase().c_str());
    STRCMP_EQUAL("failed", States().back().c_str());
    CHECK(reports.back()["detail"].get<std::string>().find("older than the running 0.9.0") !=
          std::string::npos);
    LONGS_EQUAL(0, fetches);
  }
  older["downgrade"] = true;
  older["rollout"] = 8;
  reports.clear();
  Updater u(settings, Transport(), clock);
  CHECK(u.Start().HasValue());
  auto marked = ParseUpdateOffer(older.dump()).Value();
  CHECK(marked.downgrade);
  u.Offer(marked);
  STRCMP_EQUAL("downloading", u.Phase().c_str());
}

TEST(Updater, APausedRolloutStopsBeforeTheInstallAndGoesOnWhenResumed) {
  UpdateOffer paused = offer;
  paused.paused = true;
  {
    Updater u(settings, Transport(), clock);
    CHECK(u.Start().HasValue());
    u.Offer(paused);  // a paused rollout starts nothing
    STRCMP_EQUAL("", u.Phase().c_str());
    u.Offer(offer);
    CHECK(u.Step({}).Value());  // 4096 of 10000
    u.Offer(paused);
    STRCMP_EQUAL("paused", States().back().c_str());
    CHECK(reports.back()["detail"].get<std::string>().find("40%") != std::string::npos);
    Drive(u, {}, 5);
    LONGS_EQUAL(1, fetches);
  }  // and the agent restarts: still paused
  Updater u(settings, Transport(), clock);
  CHECK(u.Start().HasValue());
  Drive(u, {}, 3);
  LONGS_EQUAL(1, fetches);
  u.Offer(offer);
  STRCMP_EQUAL("downloading", States().back().c_str());
  Drive(u, {}, 2);  // the rest, not the start again
  LONGS_EQUAL(3, fetches);
  STRCMP_EQUAL("downloaded", u.Phase().c_str());
  // Paused while holding: back in service, and idle is waited for again.
  Drive(u, {true, false, false}, 1);
  CHECK(u.Holding());
  u.Offer(paused);
  CHECK_FALSE(u.Holding());
  Drive(u, {true, false, true}, 3);
  CHECK(Calls().find("install") == std::string::npos);
  u.Offer(offer);
  Drive(u, {true, true, false}, 2);  // a citizen came meanwhile
  CHECK_FALSE(u.Holding());
  Drive(u, {true, false, false}, 1);
  Drive(u, {true, false, true}, 1);
  STRCMP_EQUAL("rebooting", u.Phase().c_str());
  // Once RAUC has written, a pause changes nothing.
  u.Offer(paused);
  STRCMP_EQUAL("rebooting", u.Phase().c_str());
  STRCMP_EQUAL("installed", States().back().c_str());
}
