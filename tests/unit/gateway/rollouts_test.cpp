// Rollouts without a network: which kiosks a rollout targets and in what
// order, the offer in a heartbeat's answer, the bundle served in ranges, the
// kiosks' reports, and the dashboard's updates page.
#include "test_prelude.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "kiosk/core/csr.h"
#include "kiosk/core/dev_pki.h"
#include "kiosk/core/encoding.h"
#include "kiosk/core/log.h"
#include "kiosk/gateway/dashboard.h"
#include "kiosk/gateway/fleet.h"
#include "kiosk/gateway/rollouts.h"
#include "kiosk/gateway/store/sqlite.h"
#include "login_form.h"

namespace core = kiosk::core;
using namespace kiosk::gateway;  // NOLINT(google-build-using-namespace): test file
using core::HttpRequest;
using core::HttpResponse;
using nlohmann::json;

namespace {

json Beat(const std::string& kiosk, const std::string& os = "0.8.0") {
  return {{"kiosk_id", kiosk},
          {"sequence", 1},
          {"versions", {{"agent", "0.8.0"}, {"os", os}, {"slot", "A"}}},
          {"uptime_s", 60},
          {"peripherals", json::object()},
          {"errors", json::array()},
          {"counters", json::object()},
          {"maintenance", false}};
}

std::string Kiosk(int i) {
  char id[32];
  std::snprintf(id, sizeof id, "QNM-TAMKY-%04d", i);
  return id;
}

}  // namespace

// clang-format off
TEST_GROUP(Rollouts) {
  core::log::ScopedCapture capture;
  core::FakeClock clock{core::WallTime{std::chrono::seconds(1'795'000'000)}};
  core::DeterministicRandom random{9};
  kiosk::test::TempDir dir;
  FleetStores stores;
  std::unique_ptr<RolloutStore> rollout_store;
  std::optional<core::CertifiedKey> ca;
  std::optional<core::PrivateKey> config_key;
  std::unique_ptr<FleetDesk> desk;
  std::unique_ptr<RolloutDesk> rollouts;
  std::string bundle_bytes;
  BundleRecord bundle;

  void setup() override {
    stores = sqlite::OpenFleet(dir.Path() / "fleet.db").Value();
    rollout_store = sqlite::OpenRollouts(dir.Path() / "updates.db").Value();
    ca.emplace(core::MakeDevCa("Test Device CA", random).Value());
    config_key.emplace(core::PrivateKey::GenerateP256(random).Value());
    desk = std::make_unique<FleetDesk>(stores, FleetConfig{}, ca->certificate, ca->key,
                                       *config_key, clock, random);
    rollouts = RolloutDesk::Open(dir.Path() / "bundles", *rollout_store, *stores.devices, clock).Value();
    desk->SetUpdateOffers([this](const DeviceRecord& d, const std::string& running, const std::string& compatible) {
      return rollouts->OfferFor(d, running, compatible);
    });
    for (int i = 0; i < 40; ++i) {
      CHECK(stores.devices->RegisterDevice({Kiosk(i), i % 2 ? "20314" : "20317", "000.17.22.H56",
                                   "serial" + std::to_string(i), "active", 1}).HasValue());
    }
    for (int i = 0; i < 100000; ++i) bundle_bytes += static_cast<char>(i * 7 % 251);
    std::ofstream(dir.Path() / "b.raucb", std::ios::binary) << bundle_bytes;
    bundle = rollouts->AddBundle(dir.Path() / "b.raucb", "0.9.0", "dvc-kiosk-x86-minipc", "op").Value();
  }

  // The heartbeat answer's offer for a kiosk, or null.
  json Offer(const std::string& kiosk, const std::string& os = "0.8.0", const std::string& compatible = "") {
    auto device = stores.devices->FindDevice(kiosk).Value().value();
    auto offer = rollouts->OfferFor(device, os, compatible);
    return offer ? json::parse(*offer) : json();
  }
  int Offered(const std::string& commune = "") {
    int n = 0;
    for (int i = 0; i < 40; ++i) {
      if (!Offer(Kiosk(i)).is_null() &&
          (commune.empty() || stores.devices->FindDevice(Kiosk(i)).Value()->commune == commune)) ++n;
    }
    return n;
  }
  HttpResponse Device(const std::string& method, const std::string& target, const std::string& kiosk,
                      const std::string& body = "", core::HttpHeaders headers = {}) {
    return *rollouts->HandleDevice(HttpRequest{method, target, std::move(headers), body}, kiosk);
  }
};
// clang-format on

TEST(Rollouts, APercentageTargetsTheSameKiosksFirstAndOnlyAddsWhenRaised) {
  const auto id = rollouts->StartRollout(bundle.sha256.substr(0, 12), 0, {}, "op").Value();
  LONGS_EQUAL(0, Offered());
  std::set<std::string> before;
  CHECK(rollouts->SetPercent(id, 25).HasValue());
  for (int i = 0; i < 40; ++i) {
    if (!Offer(Kiosk(i)).is_null()) before.insert(Kiosk(i));
  }
  CHECK(before.size() > 2 && before.size() < 20);  // about a quarter of 40
  CHECK(rollouts->SetPercent(id, 60).HasValue());
  int after = 0;
  for (int i = 0; i < 40; ++i) after += Offer(Kiosk(i)).is_null() ? 0 : 1;
  CHECK(after > static_cast<int>(before.size()));
  for (const auto& k : before) CHECK(!Offer(k).is_null());  // nobody dropped out
  CHECK(rollouts->SetPercent(id, 100).HasValue());
  LONGS_EQUAL(40, Offered());
  // The offer is everything the kiosk needs.
  const json offer = Offer(Kiosk(3));
  LONGS_EQUAL(id, offer["rollout"].get<std::int64_t>());
  STRCMP_EQUAL("0.9.0", offer["version"].get<std::string>().c_str());
  STRCMP_EQUAL(bundle.sha256.c_str(), offer["sha256"].get<std::string>().c_str());
  LONGS_EQUAL(100000, offer["size"].get<std::int64_t>());
  STRCMP_EQUAL(("/v1/bundles/" + bundle.sha256).c_str(), offer["url"].get<std::string>().c_str());
  // Refusals.
  CHECK_FALSE(rollouts->SetPercent(id, 101).HasValue());
  CHECK_FALSE(rollouts->StartRollout("deadbeefdead", 10, {}, "op").HasValue());
  CHECK_FALSE(rollouts->StartRollout(bundle.sha256, 10, {"2031"}, "op").HasValue());
  CHECK_FALSE(rollouts->StartRollout("abc", 10, {}, "op").HasValue());
}

// The rollouts are read at most once a second for the heartbeats: a change
// made through this desk counts at once, one made on another replica (here:
// in the store directly) within that second.
TEST(Rollouts, AChangeHereCountsAtOnceAndOneMadeElsewhereWithinASecond) {
  const auto id = rollouts->StartRollout(bundle.sha256, 100, {}, "op").Value();
  LONGS_EQUAL(40, Offered());
  CHECK(rollouts->SetState(id, "paused").HasValue());
  LONGS_EQUAL(0, Offered());
  CHECK(rollouts->SetState(id, "active").HasValue());
  LONGS_EQUAL(40, Offered());
  CHECK(rollout_store->SetState(id, "paused").Value());  // another replica
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  LONGS_EQUAL(0, Offered());
}

TEST(Rollouts, CommunesPausesVersionsAndFinishedKiosks) {
  const auto id = rollouts->StartRollout(bundle.sha256, 100, {"20314"}, "op").Value();
  LONGS_EQUAL(20, Offered());
  LONGS_EQUAL(20, Offered("20314"));
  CHECK(Offer(Kiosk(1), "0.9.0").is_null());  // already runs it
  // A kiosk that finished (good, failed or rolled back) is not asked again.
  auto r =
      Device("POST", "/v1/updates/" + std::to_string(id) + "/status", Kiosk(1),
             json{{"state", "rolled_back"}, {"detail", "self-test failed"}, {"slot", "A"}}.dump());
  LONGS_EQUAL_TEXT(200, r.status, r.body.c_str());
  CHECK(Offer(Kiosk(1)).is_null());
  r = Device("POST", "/v1/updates/" + std::to_string(id) + "/status", Kiosk(3),
             json{{"state", "downloading"}, {"progress", 40}}.dump());
  LONGS_EQUAL(200, r.status);
  CHECK(!Offer(Kiosk(3)).is_null());  // under way: still offered (the agent ignores repeats)
  CHECK_FALSE(Offer(Kiosk(3)).contains("paused"));
  // Paused: nobody new; the kiosk under way is told to stop.
  CHECK(rollouts->SetState(id, "paused").HasValue());
  LONGS_EQUAL(1, Offered());
  CHECK(Offer(Kiosk(3))["paused"].get<bool>());
  CHECK(rollouts->SetState(id, "active").HasValue());
  CHECK_FALSE(Offer(Kiosk(3)).contains("paused"));
  CHECK_FALSE(rollouts->SetState(id, "gone").HasValue());
  // Progress as the dashboard shows it.
  auto views = rollouts->Rollouts().Value();
  LONGS_EQUAL(1, views.size());
  LONGS_EQUAL(20, views[0].targeted);
  LONGS_EQUAL(1, views[0].Count("rolled_back"));
  LONGS_EQUAL(1, views[0].Count("downloading"));
  LONGS_EQUAL(1, views[0].Finished());
  auto last = rollouts->LastUpdate(Kiosk(3)).Value().value();
  STRCMP_EQUAL("downloading", last.state.c_str());
  LONGS_EQUAL(40, last.progress);
}

// Offers only go forward; an operator must mark a rollout to go back.
TEST(Rollouts, AnOlderVersionIsOfferedOnlyInADowngrade) {
  const auto id = rollouts->StartRollout(bundle.sha256, 100, {}, "op").Value();
  CHECK(!Offer(Kiosk(1), "0.8.0").is_null());
  CHECK(Offer(Kiosk(1), "0.9.1").is_null());   // runs a newer one
  CHECK(Offer(Kiosk(1), "0.10.0").is_null());  // by number, not by text
  CHECK(!Offer(Kiosk(1), "0.9.0~rc1").is_null());
  CHECK(!Offer(Kiosk(1), "").is_null());  // not known yet: the kiosk checks itself
  CHECK(rollouts->SetState(id, "paused").HasValue());
  const auto back = rollouts->StartRollout(bundle.sha256, 100, {}, "op", true).Value();
  const json offer = Offer(Kiosk(1), "0.9.1");
  LONGS_EQUAL(back, offer["rollout"].get<std::int64_t>());
  CHECK(offer["downgrade"].get<bool>());
  CHECK(Offer(Kiosk(1), "0.9.0").is_null());  // already there
  CHECK(rollouts->Rollouts().Value().front().rollout.downgrade);
}

TEST(Rollouts, BundlesGoOnlyToTheirBoardAndAKioskFinishesWhatItBegan) {
  const auto first = rollouts->StartRollout(bundle.sha256, 100, {}, "op").Value();
  CHECK(!Offer(Kiosk(0), "0.8.0", "dvc-kiosk-x86-minipc").is_null());
  CHECK(Offer(Kiosk(0), "0.8.0", "dvc-kiosk-rpi-cm4").is_null());
  CHECK(!Offer(Kiosk(0), "0.8.0", "").is_null());  // an agent that does not say
  LONGS_EQUAL(200, Device("POST", "/v1/updates/" + std::to_string(first) + "/status", Kiosk(0),
                          json{{"state", "downloaded"}}.dump())
                       .status);
  CHECK(rollouts->SetState(first, "paused").HasValue());
  // A newer rollout: kiosk 0 still hears of the one it began (paused), the
  // others of the new one.
  std::string other_bytes = bundle_bytes + "2";
  std::ofstream(dir.Path() / "c.raucb", std::ios::binary) << other_bytes;
  const auto other =
      rollouts->AddBundle(dir.Path() / "c.raucb", "0.9.1", "dvc-kiosk-x86-minipc", "op").Value();
  const auto second = rollouts->StartRollout(other.sha256, 100, {}, "op").Value();
  auto offer = Offer(Kiosk(0));
  LONGS_EQUAL(first, offer["rollout"].get<std::int64_t>());
  CHECK(offer["paused"].get<bool>());
  LONGS_EQUAL(second, Offer(Kiosk(1))["rollout"].get<std::int64_t>());
  CHECK(Offer(Kiosk(1), "0.8.0", "dvc-kiosk-rpi-cm4").is_null());
  // Once it finished, the newer one.
  LONGS_EQUAL(200, Device("POST", "/v1/updates/" + std::to_string(first) + "/status", Kiosk(0),
                          json{{"state", "failed"}}.dump())
                       .status);
  LONGS_EQUAL(second, Offer(Kiosk(0))["rollout"].get<std::int64_t>());
  LONGS_EQUAL(200, Device("POST", "/v1/updates/" + std::to_string(first) + "/status", Kiosk(5),
                          json{{"state", "paused"}, {"progress", 40}}.dump())
                       .status);
}

TEST(Rollouts, ReportsAreChecked) {
  const auto id = rollouts->StartRollout(bundle.sha256, 100, {}, "op").Value();
  const std::string target = "/v1/updates/" + std::to_string(id) + "/status";
  LONGS_EQUAL(400, Device("POST", target, Kiosk(2), R"({"state":"exploded"})").status);
  LONGS_EQUAL(400, Device("POST", target, Kiosk(2), "not json").status);
  LONGS_EQUAL(404,
              Device("POST", "/v1/updates/999/status", Kiosk(2), R"({"state":"good"})").status);
  LONGS_EQUAL(404, Device("POST", "/v1/updates/x/status", Kiosk(2), R"({"state":"good"})").status);
  LONGS_EQUAL(405, Device("GET", target, Kiosk(2)).status);
  // Only enrolled, active kiosks.
  LONGS_EQUAL(403, Device("POST", target, "QNM-TAMKY-9999", R"({"state":"good"})").status);
  CHECK(stores.devices->RevokeDevice(Kiosk(2), 5).Value());
  LONGS_EQUAL(403, Device("GET", "/v1/bundles/" + bundle.sha256, Kiosk(2)).status);
  CHECK_FALSE(
      rollouts->HandleDevice(HttpRequest{"POST", "/v1/heartbeat", {}, ""}, Kiosk(2)).has_value());
}

TEST(Rollouts, TheBundleIsServedInRanges) {
  const std::string url = "/v1/bundles/" + bundle.sha256;
  auto whole = Device("GET", url, Kiosk(0));
  LONGS_EQUAL(200, whole.status);
  CHECK(whole.body == bundle_bytes);
  auto part = Device("GET", url, Kiosk(0), "", {{"Range", "bytes=4096-8191"}});
  LONGS_EQUAL(206, part.status);
  STRCMP_EQUAL("bytes 4096-8191/100000", part.Header("Content-Range").c_str());
  CHECK(part.body == bundle_bytes.substr(4096, 4096));
  auto tail = Device("GET", url, Kiosk(0), "", {{"Range", "bytes=98000-"}});
  LONGS_EQUAL(206, tail.status);
  LONGS_EQUAL(2000, tail.body.size());
  auto past = Device("GET", url, Kiosk(0), "", {{"Range", "bytes=100000-100010"}});
  LONGS_EQUAL(416, past.status);
  STRCMP_EQUAL("bytes */100000", past.Header("Content-Range").c_str());
  LONGS_EQUAL(416, Device("GET", url, Kiosk(0), "", {{"Range", "bytes=9-3"}}).status);
  CHECK_FALSE(ParseByteRange("bytes=-5", 100).has_value());
  CHECK_FALSE(ParseByteRange("bytes=99999999999999999999-", 100).has_value());
  LONGS_EQUAL(99, ParseByteRange("bytes=0-99999999999", 100)->second);
  LONGS_EQUAL(416, Device("GET", url, Kiosk(0), "", {{"Range", "lines=1-2"}}).status);
  LONGS_EQUAL(404, Device("GET", "/v1/bundles/" + std::string(64, 'a'), Kiosk(0)).status);
  LONGS_EQUAL(404, Device("GET", "/v1/bundles/../fleet.db", Kiosk(0)).status);
  LONGS_EQUAL(405, Device("POST", url, Kiosk(0)).status);
  // Added again: the same record, one file.
  auto again =
      rollouts->AddBundle(dir.Path() / "b.raucb", "0.9.0", "dvc-kiosk-x86-minipc", "op").Value();
  STRCMP_EQUAL(bundle.sha256.c_str(), again.sha256.c_str());
  LONGS_EQUAL(1, rollouts->Bundles().Value().size());
  CHECK_FALSE(rollouts->AddBundle(dir.Path() / "none", "1.0", "x", "op").HasValue());
  CHECK_FALSE(rollouts->AddBundle(dir.Path() / "b.raucb", "1 0", "x", "op").HasValue());
}

TEST(Rollouts, TheHeartbeatAnswerCarriesTheOffer) {
  // Through FleetDesk::HandleDevice as the gateway calls it: enroll a real
  // certificate so the desk knows the kiosk.
  const auto token = desk->CreateToken("20314", "000.17.22.H56", 3600, "op").Value();
  auto key = core::PrivateKey::GenerateP256(random).Value();
  const auto csr = core::MakeCsr(key, "C=VN,CN=QNM-TAMKY-0100", random).Value();
  auto enrolled = *desk->HandleEnrollment(HttpRequest{
      "POST",
      "/.well-known/est/simpleenroll",
      {{"Authorization", "Basic " + core::Base64Encode(core::AsBytes("QNM-TAMKY-0100:" + token))},
       {"X-Kiosk-Commune", "20314"}},
      core::Base64Encode(csr)});
  LONGS_EQUAL(200, enrolled.status);
  const auto cert = core::ParsePemBundle(enrolled.body).Value().front();
  auto beat = [&](const std::string& os) {
    return json::parse(
        desk->HandleDevice(
                HttpRequest{"POST", "/v1/heartbeat", {}, Beat("QNM-TAMKY-0100", os).dump()}, cert)
            ->body);
  };
  CHECK_FALSE(beat("0.8.0").contains("update"));
  (void)rollouts->StartRollout(bundle.sha256, 100, {"20314"}, "op").Value();
  CHECK(beat("0.8.0").contains("update"));
  // The board the heartbeat names decides.
  auto beat_from = [&](const std::string& compatible) {
    json hb = Beat("QNM-TAMKY-0100");
    hb["versions"]["compatible"] = compatible;
    return json::parse(
        desk->HandleDevice(HttpRequest{"POST", "/v1/heartbeat", {}, hb.dump()}, cert)->body);
  };
  CHECK(beat_from("dvc-kiosk-x86-minipc").contains("update"));
  CHECK_FALSE(beat_from("dvc-kiosk-rpi-cm4").contains("update"));
  CHECK_FALSE(beat("0.9.0").contains("update"));
  // The fleet view shows the running version and slot.
  const auto states = desk->States().Value();
  for (const auto& s : states) {
    if (s.view.device.kiosk_id != "QNM-TAMKY-0100") continue;
    STRCMP_EQUAL("0.9.0", s.os_version.c_str());
    STRCMP_EQUAL("A", s.slot.c_str());
  }
}

// clang-format off
TEST_GROUP_BASE(UpdatesPage, TEST_GROUP_CppUTestGroupRollouts) {
  std::unique_ptr<Dashboard> dashboard;
  void setup() override {
    TEST_GROUP_CppUTestGroupRollouts::setup();
    dashboard = std::make_unique<Dashboard>(*desk, random, rollouts.get());
    CHECK(stores.operators->SetOperator("alice", HashPassword("correct horse battery", random, 1000).Value()).HasValue());
  }
  HttpResponse Call(const std::string& method, const std::string& target, const std::string& body,
                    const std::string& cookie) {
    HttpRequest r{method, target, {{"Host", "gw.example"}}, body};
    if (!cookie.empty()) r.headers.emplace_back("Cookie", cookie);
    return *dashboard->Handle(r);
  }
};
// clang-format on

TEST(UpdatesPage, ShowsProgressAndStartsPausesAndRaisesRollouts) {
  auto login = kiosk::test::LogIn(*dashboard, "alice", "correct horse battery");
  const std::string cookie =
      login.Header("Set-Cookie").substr(0, login.Header("Set-Cookie").find(';'));
  auto page = Call("GET", "/fleet/updates", "", cookie);
  LONGS_EQUAL(200, page.status);
  CHECK(page.body.find("0.9.0 (dvc-kiosk-x86-minipc)") != std::string::npos);
  std::smatch m;
  CHECK(std::regex_search(page.body, m, std::regex("name=\"csrf\" value=\"([0-9a-f]{64})\"")));
  const std::string csrf = m[1].str();
  // Without the token: refused, nothing started.
  LONGS_EQUAL(403, Call("POST", "/fleet/updates/rollouts",
                        "bundle=" + bundle.sha256 + "&percent=50", cookie)
                       .status);
  LONGS_EQUAL(0, rollouts->Rollouts().Value().size());
  page = Call("POST", "/fleet/updates/rollouts",
              "csrf=" + csrf + "&bundle=" + bundle.sha256 + "&percent=100&communes=20314%2C+20317",
              cookie);
  LONGS_EQUAL(200, page.status);
  CHECK(page.body.find("Rollout 1 started") != std::string::npos);
  CHECK(page.body.find(
            "data-rollout=\"1\" data-state=\"active\" data-targeted=\"40\" data-good=\"0\"") !=
        std::string::npos);
  // Kiosks report; the page counts them.
  for (int i = 0; i < 10; ++i) {
    (void)*rollouts->HandleDevice(
        HttpRequest{"POST", "/v1/updates/1/status", {}, R"({"state":"good","slot":"B"})"},
        Kiosk(i));
  }
  page = Call("GET", "/fleet/updates", "", cookie);
  CHECK(page.body.find("data-good=\"10\"") != std::string::npos);
  CHECK(page.body.find("value=\"25\">25%</progress> 10/40") != std::string::npos);
  page = Call("POST", "/fleet/updates/rollouts/1", "csrf=" + csrf + "&action=pause", cookie);
  CHECK(page.body.find("data-state=\"paused\"") != std::string::npos);
  page = Call("POST", "/fleet/updates/rollouts/1", "csrf=" + csrf + "&action=percent&percent=5",
              cookie);
  LONGS_EQUAL(5, rollouts->Rollouts().Value()[0].rollout.percent);
  page = Call("POST", "/fleet/updates/rollouts/1",
              "csrf=" + csrf + "&action=percent&percent=4294967306", cookie);
  LONGS_EQUAL(5, rollouts->Rollouts().Value()[0].rollout.percent);
  CHECK(page.body.find("0 to 100") != std::string::npos);
  // The kiosk's own page says where its update stands.
  page = Call("GET", "/fleet/kiosks/" + Kiosk(3), "", cookie);
  CHECK(page.body.find("id=\"update\" data-state=\"good\"") != std::string::npos);
}
