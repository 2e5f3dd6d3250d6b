// The fleet desk and the dashboard without a network: enrollment, the
// heartbeat schema, commands, alerts, /metrics, login, sessions and CSRF.
#include "test_prelude.h"

#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "kiosk/core/csr.h"
#include "kiosk/core/dev_pki.h"
#include "kiosk/core/encoding.h"
#include "kiosk/core/jws.h"
#include "kiosk/core/log.h"
#include "kiosk/gateway/dashboard.h"
#include "kiosk/gateway/fleet.h"
#include "kiosk/gateway/peers.h"
#include "kiosk/gateway/store/sqlite.h"
#include "login_form.h"

namespace core = kiosk::core;
using namespace kiosk::gateway;  // NOLINT(google-build-using-namespace): test file
using core::HttpRequest;
using core::HttpResponse;
using nlohmann::json;

namespace {

json Beat(const std::string& kiosk, const std::string& printer = "ok", int depth = 0,
          int oldest = 0) {
  return {{"kiosk_id", kiosk},
          {"sequence", 3},
          {"versions", {{"agent", "0.8.0"}, {"app", "0.8.0"}}},
          {"uptime_s", 3600},
          {"peripherals",
           {{"card_reader", "ok"},
            {"scanner", "ok"},
            {"printer", printer},
            {"payment_terminal", "ok"}}},
          {"outbox", {{"depth", depth}, {"oldest_age_s", oldest}, {"quarantined", 0}}},
          {"disk", {{"free_mb", 1200}, {"total_mb", 30000}}},
          {"temperature_c", 47.25},
          {"errors", {"printer.paper_out"}},
          {"counters", {{"journeys_started", 5}, {"journeys_completed", 4}}},
          {"maintenance", false}};
}

std::string Cookie(const HttpResponse& r) {
  const std::string set = r.Header("Set-Cookie");
  return set.substr(0, set.find(';'));
}

std::string Csrf(const std::string& html) {
  std::smatch m;
  const std::regex field("name=\"csrf\" value=\"([0-9a-f]{64})\"");
  return std::regex_search(html, m, field) ? m[1].str() : "";
}

}  // namespace

// clang-format off
TEST_GROUP(FleetDesk) {
  core::log::ScopedCapture capture;
  core::FakeClock clock{core::WallTime{std::chrono::seconds(1'795'000'000)}};
  core::DeterministicRandom random{8};
  kiosk::test::TempDir dir;
  FleetStores stores;
  std::optional<core::CertifiedKey> ca;
  std::optional<core::PrivateKey> config_key;
  std::unique_ptr<FleetDesk> desk;

  void setup() override {
    stores = sqlite::OpenFleet(dir.Path() / "fleet.db").Value();
    ca.emplace(core::MakeDevCa("Test Device CA", random).Value());
    config_key.emplace(core::PrivateKey::GenerateP256(random).Value());
    FleetConfig config;
    config.offline_after_s = 300;
    config.backlog_alert_s = 3600;
    desk = std::make_unique<FleetDesk>(stores, config, ca->certificate, ca->key, *config_key,
                                       clock, random);
  }

  HttpResponse Enroll(const std::string& kiosk, const std::string& token,
                      const std::string& commune, const core::PrivateKey& key,
                      const std::string& cn = "") {
    const auto csr = core::MakeCsr(key, "C=VN,CN=" + (cn.empty() ? kiosk : cn), random).Value();
    HttpRequest r{"POST", "/.well-known/est/simpleenroll",
                  {{"Authorization", "Basic " + core::Base64Encode(core::AsBytes(kiosk + ":" + token))},
                   {"X-Kiosk-Commune", commune}},
                  core::Base64Encode(csr)};
    return *desk->HandleEnrollment(r);
  }

  // An enrolled kiosk's certificate; a kiosk enrolled before is re-enrolled.
  core::Certificate Enrolled(const std::string& kiosk, const std::string& commune = "20314") {
    const bool known = stores.devices->FindDevice(kiosk).Value().has_value();
    const auto token = known ? desk->CreateReenrollToken(kiosk, 3600, "op").Value()
                             : desk->CreateToken(commune, "000.17.22.H56", 3600, "op").Value();
    auto key = core::PrivateKey::GenerateP256(random).Value();
    auto r = Enroll(kiosk, token, commune, key);
    LONGS_EQUAL_TEXT(200, r.status, r.body.c_str());
    return core::ParsePemBundle(r.body).Value().front();
  }

  // Whether the device listener lets this certificate in as a kiosk. (The
  // development CA is dated by the real clock, the desk's certificates by the fake one.)
  bool IsKiosk(const core::Certificate& cert) {
    const PeerPolicy peers({ca->certificate}, {}, stores.devices.get(), core::SystemClock());
    return peers.Identify(cert).kind == PeerKind::kKiosk;
  }

  HttpResponse Device(const std::string& target, const std::string& body,
                      const core::Certificate& cert) {
    return *desk->HandleDevice(HttpRequest{"POST", target, {}, body}, cert);
  }
};
// clang-format on

TEST(FleetDesk, TokensAreSixteenReadableSymbolsStoredAsHashes) {
  const auto token = desk->CreateToken("20314", "000.17.22.H56", 3600, "op").Value();
  CHECK(std::regex_match(token, std::regex("[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}")));
  CHECK_FALSE(desk->CreateToken("20314", "bad agency!", 3600, "op").HasValue());
  CHECK_FALSE(desk->CreateToken("20314", "000.17.22.H56", 10, "op").HasValue());
}

TEST(FleetDesk, EnrollmentIssuesACertificateForTheCsrKey) {
  const auto token = desk->CreateToken("20314", "000.17.22.H56", 3600, "op").Value();
  auto key = core::PrivateKey::GenerateP256(random).Value();
  auto r = Enroll("QNM-TAMKY-0001", token, "20314", key);
  LONGS_EQUAL_TEXT(200, r.status, r.body.c_str());
  STRCMP_EQUAL("000.17.22.H56", r.Header("X-Kiosk-Agency").c_str());
  auto chain = core::ParsePemBundle(r.body).Value();
  LONGS_EQUAL(2, chain.size());
  const auto& cert = chain.front();
  STRCMP_EQUAL(key.Public()->Fingerprint()->c_str(),
               cert.SubjectPublicKey()->Fingerprint()->c_str());
  CHECK(core::VerifyChain(cert, {}, {ca->certificate},
                          ca->certificate.NotBefore() + std::chrono::hours(1))
            .HasValue());
  CHECK(cert.Subject().find("CN=QNM-TAMKY-0001") != std::string::npos);
  CHECK(IsKiosk(cert));
  auto device = stores.devices->FindDevice("QNM-TAMKY-0001").Value();
  STRCMP_EQUAL("20314", device->commune.c_str());
}

TEST(FleetDesk, EnrollmentRefusals) {
  auto key = core::PrivateKey::GenerateP256(random).Value();
  const auto token = desk->CreateToken("20314", "000.17.22.H56", 3600, "op").Value();
  // The CSR must name the kiosk; the token is not spent by a malformed request.
  LONGS_EQUAL(400, Enroll("QNM-TAMKY-0001", token, "20314", key, "OTHER-KIOSK").status);
  LONGS_EQUAL(401, Enroll("QNM-TAMKY-0001", "WRONG-TOKEN", "20314", key).status);
  auto no_auth =
      *desk->HandleEnrollment(HttpRequest{"POST", "/.well-known/est/simpleenroll", {}, "MIIB"});
  LONGS_EQUAL(401, no_auth.status);
  CHECK(no_auth.Header("WWW-Authenticate").find("Basic") != std::string::npos);
  auto garbage = *desk->HandleEnrollment(HttpRequest{
      "POST",
      "/.well-known/est/simpleenroll",
      {{"Authorization", "Basic " + core::Base64Encode(core::AsBytes("QNM-TAMKY-0001:" + token))},
       {"X-Kiosk-Commune", "20314"}},
      core::Base64Encode(core::AsBytes("not a csr"))});
  LONGS_EQUAL(400, garbage.status);
  // Wrong commune: refused, and the token is spent.
  auto wrong = Enroll("QNM-TAMKY-0001", token, "20320", key);
  LONGS_EQUAL(403, wrong.status);
  CHECK(wrong.body.find("enroll.wrong_commune") != std::string::npos);
  auto reused = Enroll("QNM-TAMKY-0001", token, "20314", key);
  LONGS_EQUAL(401, reused.status);
  CHECK(reused.body.find("enroll.token_used") != std::string::npos);
  // Expired.
  const auto late = desk->CreateToken("20314", "000.17.22.H56", 600, "op").Value();
  clock.Advance(std::chrono::seconds(601));
  auto expired = Enroll("QNM-TAMKY-0001", late, "20314", key);
  LONGS_EQUAL(401, expired.status);
  CHECK(expired.body.find("enroll.token_expired") != std::string::npos);
  CHECK_FALSE(stores.devices->FindDevice("QNM-TAMKY-0001").Value().has_value());
}

TEST(FleetDesk, AnEnrolledKioskIsReenrolledOnlyWithItsOwnReenrollToken) {
  const auto first = Enrolled("QNM-TAMKY-0001");
  auto key = core::PrivateKey::GenerateP256(random).Value();
  // A token of another commune, or of its own: refused, and not spent.
  const auto other = desk->CreateToken("20320", "000.17.22.H99", 3600, "op").Value();
  auto moved = Enroll("QNM-TAMKY-0001", other, "20320", key);
  LONGS_EQUAL(409, moved.status);
  CHECK(moved.body.find("enroll.kiosk_exists") != std::string::npos);
  LONGS_EQUAL(200, Enroll("QNM-TAMKY-0002", other, "20320", key).status);
  CHECK(IsKiosk(first));
  STRCMP_EQUAL("20314", stores.devices->FindDevice("QNM-TAMKY-0001").Value()->commune.c_str());
  // Issuing a plain token for an enrolled id is refused at once.
  CHECK_FALSE(desk->CreateToken("20314", "000.17.22.H56", 3600, "op", "QNM-TAMKY-0001").HasValue());
  CHECK_FALSE(desk->CreateReenrollToken("NEVER-ENROLLED", 3600, "op").HasValue());
  // A re-enroll token: for that id only, in its own commune.
  const auto again = desk->CreateReenrollToken("QNM-TAMKY-0001", 3600, "op-b").Value();
  LONGS_EQUAL(403, Enroll("QNM-TAMKY-0003", again, "20314", key).status);
  LONGS_EQUAL(403, Enroll("QNM-TAMKY-0001", again, "20320", key).status);  // spent: wrong commune
  const auto third = desk->CreateReenrollToken("QNM-TAMKY-0001", 3600, "op-b").Value();
  auto r = Enroll("QNM-TAMKY-0001", third, "20314", key);
  LONGS_EQUAL_TEXT(200, r.status, r.body.c_str());
  CHECK_FALSE(IsKiosk(first));
  CHECK(IsKiosk(core::ParsePemBundle(r.body).Value().front()));
  auto events = stores.events->Events(0, 10).Value();
  LONGS_EQUAL(1, events.size());
  STRCMP_EQUAL("reenrolled", events[0].kind.c_str());
  // The dashboard shows it.
  CHECK(stores.operators
            ->SetOperator("op", HashPassword("correct horse battery", random, 1000).Value())
            .HasValue());
  Dashboard dashboard(*desk, random);
  auto login = kiosk::test::LogIn(dashboard, "op", "correct horse battery");
  auto page = *dashboard.Handle(HttpRequest{"GET", "/fleet", {{"Cookie", Cookie(login)}}, ""});
  CHECK_TEXT(page.body.find("data-event=\"reenrolled\" data-subject=\"QNM-TAMKY-0001\"") !=
                 std::string::npos,
             page.body.c_str());
}

TEST(FleetDesk, RevokedAndReplacedCertificatesAreRefused) {
  const auto first = Enrolled("QNM-TAMKY-0001");
  const auto second = Enrolled("QNM-TAMKY-0001");  // re-provisioned
  CHECK_FALSE(IsKiosk(first));
  CHECK(IsKiosk(second));
  CHECK(desk->Revoke("QNM-TAMKY-0001").Value());
  CHECK_FALSE(IsKiosk(second));
  CHECK_FALSE(desk->Revoke("NEVER-ENROLLED").Value());
  LONGS_EQUAL(403, Device("/v1/heartbeat", Beat("QNM-TAMKY-0001").dump(), second).status);
}

TEST(FleetDesk, HeartbeatSchemaKeepsPersonalDataOut) {
  const std::string kiosk = "QNM-TAMKY-0001";
  auto ok = CheckHeartbeat(Beat(kiosk).dump(), kiosk);
  CHECK_TEXT(ok.HasValue(), ok ? "" : ok.GetError().Message().c_str());
  DOUBLES_EQUAL(47.3, json::parse(*ok)["temperature_c"].get<double>(), 0.001);
  auto refused = [&](json beat) { return !CheckHeartbeat(beat.dump(), kiosk).HasValue(); };
  json b = Beat(kiosk);
  b["citizen"] = "Nguyễn Văn A";
  CHECK(refused(b));
  b = Beat(kiosk);
  b["errors"] = {"card read failed for Nguyễn Văn A"};
  CHECK(refused(b));
  b = Beat(kiosk);
  b["errors"] = {"001203004567 not found"};
  CHECK(refused(b));
  b = Beat(kiosk);
  b["peripherals"]["printer"] = "out of paper, call Mr. An";
  CHECK(refused(b));
  b = Beat(kiosk);
  b["peripherals"]["webcam"] = "ok";
  CHECK(refused(b));
  b = Beat(kiosk);
  b["counters"]["names_seen"] = 3;
  CHECK(refused(b));
  b = Beat(kiosk);
  b["outbox"]["depth"] = -1;
  CHECK(refused(b));
  b = Beat(kiosk);
  b["kiosk_id"] = 7;
  CHECK(refused(b));
  CHECK(refused(Beat("ANOTHER-KIOSK")));
  // The canonical form is a fixed point (found by the heartbeat fuzzer: an
  // absent "outbox" and an empty one once differed).
  const auto minimal = CheckHeartbeat(R"({"kiosk_id":"QNM-TAMKY-0001"})", kiosk).Value();
  STRCMP_EQUAL(minimal.c_str(), CheckHeartbeat(minimal, kiosk).Value().c_str());
  LONGS_EQUAL(0, json::parse(minimal)["outbox"]["depth"].get<int>());
  CHECK_FALSE(CheckHeartbeat("not json", kiosk).HasValue());
  CHECK_FALSE(CheckHeartbeat("[]", kiosk).HasValue());
}

TEST(FleetDesk, AlertsFollowTheLastHeartbeat) {
  const auto cert = Enrolled("QNM-TAMKY-0001");
  Enrolled("QNM-TAMKY-0002", "20320");
  auto states = desk->States().Value();
  LONGS_EQUAL(2, states.size());
  CHECK_FALSE(states[0].online);  // never heard from
  LONGS_EQUAL(200, Device("/v1/heartbeat", Beat("QNM-TAMKY-0001").dump(), cert).status);
  auto s = desk->States().Value()[0];
  CHECK(s.online);
  CHECK(s.alerts.empty());
  LONGS_EQUAL(
      200,
      Device("/v1/heartbeat", Beat("QNM-TAMKY-0001", "paper_out", 3, 4000).dump(), cert).status);
  s = desk->States().Value()[0];
  const std::set<std::string> alerts(s.alerts.begin(), s.alerts.end());
  CHECK(alerts.contains("paper_out"));
  CHECK(alerts.contains("backlog"));
  LONGS_EQUAL(3, s.outbox_depth);
  STRCMP_EQUAL("printer=paper_out", s.degraded.front().c_str());
  clock.Advance(std::chrono::seconds(301));
  s = desk->States().Value()[0];
  CHECK_FALSE(s.online);
  CHECK(std::find(s.alerts.begin(), s.alerts.end(), "offline") != s.alerts.end());
  LONGS_EQUAL(2, stores.devices->History("QNM-TAMKY-0001", 10).Value().size());
}

TEST(FleetDesk, CommandsGoOutOnceAndComeBackWithResults) {
  const auto cert = Enrolled("QNM-TAMKY-0001");
  const auto other = Enrolled("QNM-TAMKY-0002");
  CHECK_FALSE(desk->IssueCommand("QNM-TAMKY-0001", "format_disk", "", "op").HasValue());
  CHECK_FALSE(desk->IssueCommand("NOBODY", "reboot", "", "op").HasValue());
  const auto id = desk->IssueCommand("QNM-TAMKY-0001", "self_test", "", "op").Value();
  auto first = json::parse(Device("/v1/heartbeat", Beat("QNM-TAMKY-0001").dump(), cert).body);
  LONGS_EQUAL(1, first["commands"].size());
  STRCMP_EQUAL("self_test", first["commands"][0]["kind"].get<std::string>().c_str());
  auto second = json::parse(Device("/v1/heartbeat", Beat("QNM-TAMKY-0001").dump(), cert).body);
  LONGS_EQUAL(0, second["commands"].size());
  const std::string result = "/v1/commands/" + std::to_string(id) + "/result";
  // Only the kiosk it was sent to can answer it.
  LONGS_EQUAL(404, Device(result, R"({"ok":true})", other).status);
  LONGS_EQUAL(400, Device(result, R"({"detail":"x"})", cert).status);
  LONGS_EQUAL(200, Device(result, R"({"ok":true,"detail":"all ok"})", cert).status);
  LONGS_EQUAL(404, Device(result, R"({"ok":true})", cert).status);
  auto stored = stores.commands->FindCommand(id).Value();
  STRCMP_EQUAL("done", stored->state.c_str());
  STRCMP_EQUAL("all ok", stored->result.c_str());
  // Logs only for an upload_logs command of that kiosk.
  LONGS_EQUAL(404, Device("/v1/commands/" + std::to_string(id) + "/log", "text", cert).status);
}

TEST(FleetDesk, ConfigChangesAreSignedForOneKiosk) {
  Enrolled("QNM-TAMKY-0001");
  const auto id = desk->IssueCommand("QNM-TAMKY-0001", "config",
                                     R"({"settings":{"heartbeat_interval_s":30}})", "op")
                      .Value();
  const json args = json::parse(stores.commands->FindCommand(id).Value()->args);
  auto verified = core::VerifyJwsEs256(args["jws"].get<std::string>(), *config_key->Public());
  CHECK(verified.HasValue());
  STRCMP_EQUAL("kiosk-config+jws", verified->typ.c_str());
  const json doc = json::parse(std::string(verified->payload.begin(), verified->payload.end()));
  STRCMP_EQUAL("QNM-TAMKY-0001", doc["kiosk_id"].get<std::string>().c_str());
  LONGS_EQUAL(30, doc["settings"]["heartbeat_interval_s"].get<int>());
  CHECK_FALSE(desk->IssueCommand("QNM-TAMKY-0001", "config", R"({"x":1})", "op").HasValue());
}

TEST(FleetDesk, MetricsAreValidPrometheusText) {
  const auto cert = Enrolled("QNM-TAMKY-0001");
  Enrolled("QNM-TAMKY-0002");
  Device("/v1/heartbeat", Beat("QNM-TAMKY-0001", "paper_out", 2, 10).dump(), cert);
  const std::string text = desk->Metrics().Value();
  CHECK(text.find("kiosk_fleet_kiosks{state=\"online\"} 1\n") != std::string::npos);
  CHECK(text.find("kiosk_fleet_kiosks{state=\"offline\"} 1\n") != std::string::npos);
  CHECK(text.find("kiosk_fleet_alerts{alert=\"paper_out\"} 1\n") != std::string::npos);
  CHECK(text.find("kiosk_outbox_depth{kiosk=\"QNM-TAMKY-0001\",commune=\"20314\"} 2\n") !=
        std::string::npos);
  // Every sample line is "name{labels} value", its family declared once,
  // before its samples, and each family's samples together.
  std::set<std::string> declared, finished;
  std::string current;
  std::istringstream lines(text);
  std::string line;
  const std::regex sample(R"(([a-z_]+)(\{[^}]*\})? -?[0-9.e+]+)");
  while (std::getline(lines, line)) {
    if (line.rfind("# TYPE ", 0) == 0) {
      const std::string name = line.substr(7, line.find(' ', 7) - 7);
      CHECK_TEXT(declared.insert(name).second, line.c_str());
      continue;
    }
    if (line.rfind("# HELP ", 0) == 0) continue;
    std::smatch m;
    CHECK_TEXT(std::regex_match(line, m, sample), line.c_str());
    const std::string name = m[1].str();
    CHECK_TEXT(declared.contains(name), line.c_str());
    if (name != current) {
      CHECK_TEXT(!finished.contains(name), line.c_str());
      if (!current.empty()) finished.insert(current);
      current = name;
    }
  }
}

TEST(FleetDesk, PasswordsArePbkdf2AndCheckedWhole) {
  const auto hash = HashPassword("correct horse battery", random, 1000).Value();
  CHECK(std::regex_match(hash, std::regex("pbkdf2-sha256\\$1000\\$[0-9a-f]{32}\\$[0-9a-f]{64}")));
  CHECK(CheckPassword("correct horse battery", hash));
  CHECK_FALSE(CheckPassword("correct horse batter", hash));
  CHECK_FALSE(CheckPassword("correct horse battery", hash.substr(0, hash.size() - 1) + "0"));
  CHECK_FALSE(CheckPassword("", "plain"));
  // Two hashes of one password differ (salted).
  CHECK(hash != HashPassword("correct horse battery", random, 1000).Value());
}

// clang-format off
TEST_GROUP_BASE(Dashboard, TEST_GROUP_CppUTestGroupFleetDesk) {
  std::unique_ptr<kiosk::gateway::Dashboard> dashboard;

  void setup() override {
    TEST_GROUP_CppUTestGroupFleetDesk::setup();
    dashboard = std::make_unique<kiosk::gateway::Dashboard>(*desk, random);
    CHECK(stores.operators->SetOperator("alice", HashPassword("correct horse battery", random, 1000).Value())
              .HasValue());
  }

  HttpResponse Get(const std::string& target, const std::string& cookie = "") {
    HttpRequest r{"GET", target, {{"Host", "gw.example"}}, ""};
    if (!cookie.empty()) r.headers.emplace_back("Cookie", cookie);
    return *dashboard->Handle(r);
  }
  HttpResponse Post(const std::string& target, const std::string& body,
                    const std::string& cookie = "", const std::string& origin = "") {
    HttpRequest r{"POST", target, {{"Host", "gw.example"}}, body};
    if (!cookie.empty()) r.headers.emplace_back("Cookie", cookie);
    if (!origin.empty()) r.headers.emplace_back("Origin", origin);
    return *dashboard->Handle(r);
  }
  std::string Login() {
    auto r = kiosk::test::LogIn(*dashboard, "alice", "correct horse battery");
    LONGS_EQUAL(303, r.status);
    return Cookie(r);
  }
};
// clang-format on

TEST(Dashboard, PagesNeedALogin) {
  auto r = Get("/fleet");
  LONGS_EQUAL(303, r.status);
  STRCMP_EQUAL("/login", r.Header("Location").c_str());
  LONGS_EQUAL(200, Get("/login").status);
  CHECK_FALSE(dashboard->Handle(HttpRequest{"GET", "/v1/heartbeat", {}, ""}).has_value());
  // /metrics: Prometheus on this host, or with the scrape token, or an operator.
  HttpRequest scrape{"GET", "/metrics", {}, ""};
  scrape.peer_address = "127.0.0.1";
  LONGS_EQUAL(200, dashboard->Handle(scrape)->status);
  scrape.peer_address = "198.51.100.7";
  LONGS_EQUAL(401, dashboard->Handle(scrape)->status);
  dashboard->SetMetricsToken("scrape-token-0123456789");
  scrape.headers.emplace_back("Authorization", "Bearer scrape-token-0123456789");
  LONGS_EQUAL(200, dashboard->Handle(scrape)->status);
  scrape.headers.back().second = "Bearer scrape-token-0123456780";
  LONGS_EQUAL(401, dashboard->Handle(scrape)->status);
  LONGS_EQUAL(200, Get("/metrics", Login()).status);
}

TEST(Dashboard, LoginSetsAStrictSessionCookie) {
  LONGS_EQUAL(401, kiosk::test::LogIn(*dashboard, "alice", "wrong").status);
  LONGS_EQUAL(401, kiosk::test::LogIn(*dashboard, "mallory", "correct horse battery").status);
  auto r = kiosk::test::LogIn(*dashboard, "alice", "correct horse battery");
  LONGS_EQUAL(303, r.status);
  const std::string set = r.Header("Set-Cookie");
  CHECK(set.find("HttpOnly") != std::string::npos);
  CHECK(set.find("Secure") != std::string::npos);
  CHECK(set.find("SameSite=Strict") != std::string::npos);
  auto page = Get("/fleet", Cookie(r));
  LONGS_EQUAL(200, page.status);
  CHECK(page.Header("Content-Security-Policy").find("default-src 'none'") != std::string::npos);
  LONGS_EQUAL(303, Get("/fleet", "kiosk_session=" + std::string(64, 'a')).status);
  // Sessions end.
  clock.Advance(std::chrono::hours(9));
  LONGS_EQUAL(303, Get("/fleet", Cookie(r)).status);
}

TEST(Dashboard, TheFleetViewFiltersByCommune) {
  const auto cert = Enrolled("QNM-TAMKY-0001", "20314");
  Enrolled("QNM-HOIAN-0001", "20320");
  Device("/v1/heartbeat", Beat("QNM-TAMKY-0001", "paper_out").dump(), cert);
  const auto cookie = Login();
  const auto all = Get("/fleet", cookie).body;
  CHECK(all.find("data-kiosk=\"QNM-TAMKY-0001\" data-status=\"online\"") != std::string::npos);
  CHECK(all.find("data-kiosk=\"QNM-HOIAN-0001\" data-status=\"offline\"") != std::string::npos);
  CHECK(all.find("data-alert=\"paper_out\" data-kiosk=\"QNM-TAMKY-0001\"") != std::string::npos);
  const auto one = Get("/fleet?commune=20320", cookie).body;
  CHECK(one.find("QNM-HOIAN-0001") != std::string::npos);
  CHECK(one.find("data-kiosk=\"QNM-TAMKY-0001\"") == std::string::npos);
  const auto kiosk = Get("/fleet/kiosks/QNM-TAMKY-0001", cookie);
  LONGS_EQUAL(200, kiosk.status);
  CHECK(kiosk.body.find("paper_out") != std::string::npos);
  LONGS_EQUAL(404, Get("/fleet/kiosks/NOBODY-0001", cookie).status);
}

TEST(Dashboard, CommandsNeedTheSessionsCsrfToken) {
  Enrolled("QNM-TAMKY-0001");
  const auto cookie = Login();
  const std::string csrf = Csrf(Get("/fleet/kiosks/QNM-TAMKY-0001", cookie).body);
  LONGS_EQUAL(64, csrf.size());
  const std::string target = "/fleet/kiosks/QNM-TAMKY-0001/commands";
  LONGS_EQUAL(403, Post(target, "kind=reboot", cookie).status);
  LONGS_EQUAL(403, Post(target, "kind=reboot&csrf=" + std::string(64, '0'), cookie).status);
  LONGS_EQUAL(403, Post(target, "kind=reboot&csrf=" + csrf, cookie, "https://evil.example").status);
  LONGS_EQUAL(0, stores.commands->Commands("QNM-TAMKY-0001", 10).Value().size());
  auto ok = Post(target, "kind=maintenance_on&csrf=" + csrf, cookie, "https://gw.example");
  LONGS_EQUAL(200, ok.status);
  CHECK(ok.body.find("queued") != std::string::npos);
  auto config = Post(
      target, "kind=config&settings=%7B%22heartbeat_interval_s%22%3A30%7D&csrf=" + csrf, cookie);
  CHECK(config.body.find("queued") != std::string::npos);
  auto commands = stores.commands->Commands("QNM-TAMKY-0001", 10).Value();
  LONGS_EQUAL(2, commands.size());
  STRCMP_EQUAL("alice", commands.back().issued_by.c_str());
  // Logging out ends the session.
  LONGS_EQUAL(303, Post("/logout", "csrf=" + csrf, cookie).status);
  LONGS_EQUAL(303, Get("/fleet", cookie).status);
}

TEST(Dashboard, OperatorsIssueEnrollmentTokens) {
  const auto cookie = Login();
  const std::string csrf = Csrf(Get("/fleet", cookie).body);
  auto r = Post("/fleet/tokens", "commune=20314&agency=000.17.22.H56&hours=2&csrf=" + csrf, cookie);
  LONGS_EQUAL(200, r.status);
  std::smatch m;
  CHECK(std::regex_search(r.body, m, std::regex("id=\"token\">([0-9A-Z-]{19})<")));
  auto key = core::PrivateKey::GenerateP256(random).Value();
  LONGS_EQUAL(200, Enroll("QNM-TAMKY-0009", m[1].str(), "20314", key).status);
}

TEST(Dashboard, ALargeFleetIsShownAPageAtATimeAlertsFirst) {
  // 250 kiosks in 5 communes, one of them out of paper.
  for (int i = 0; i < 250; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "QNM-LOAD-%04d", i);
    CHECK(stores.devices
              ->RegisterDevice({id, std::to_string(20300 + i % 5), "000.17.22.H56",
                                "serial" + std::to_string(i), "active", 1})
              .HasValue());
    CHECK(stores.devices
              ->RecordHeartbeat(id, core::UnixMillis(clock.Now()),
                                *CheckHeartbeat(Beat(id, i == 137 ? "paper_out" : "ok").dump(), id))
              .HasValue());
  }
  const auto cookie = Login();
  const auto first = Get("/fleet", cookie).body;
  auto count = [](const std::string& html, const std::string& what) {
    std::size_t n = 0;
    for (auto at = html.find(what); at != std::string::npos; at = html.find(what, at + 1)) ++n;
    return n;
  };
  LONGS_EQUAL(100, count(first, "<tr data-kiosk="));
  // The kiosk with an alert leads the first page; every commune has its line.
  CHECK(first.find("<tr data-kiosk=\"QNM-LOAD-0137\"") <
        first.find("<tr data-kiosk=\"QNM-LOAD-0000\""));
  LONGS_EQUAL(5, count(first, "<tr data-commune="));
  CHECK(first.find("Page 1 of 3") != std::string::npos);
  const auto last = Get("/fleet?page=3", cookie).body;
  LONGS_EQUAL(50, count(last, "<tr data-kiosk="));
  CHECK(last.find("rel=\"prev\"") != std::string::npos);
  CHECK(last.find("rel=\"next\"") == std::string::npos);
  // Past the end: the last page. A commune: its 50 kiosks on one page.
  LONGS_EQUAL(50, count(Get("/fleet?page=99", cookie).body, "<tr data-kiosk="));
  const auto one = Get("/fleet?commune=20302", cookie).body;
  LONGS_EQUAL(50, count(one, "<tr data-kiosk="));
  CHECK(one.find("Page 1 of") == std::string::npos);
}

// The bank's CA is trusted on the device listener for its notifications; a
// certificate it issued with a kiosk's name is still the bank, never the kiosk.

// A registry whose database cannot be reached.
class UnreadableRegistry final : public DeviceStore {
 public:
  static kiosk::core::Error Down() {
    return kiosk::core::Error::Retryable("store.unavailable", "the database is down");
  }
  kiosk::core::Status AddToken(const std::string&, const TokenGrant&, std::int64_t) override {
    return Down();
  }
  kiosk::core::Expected<TokenGrant> ConsumeToken(const std::string&, const std::string&,
                                                 std::int64_t) override {
    return Down();
  }
  kiosk::core::Status RegisterDevice(const DeviceRecord&) override { return Down(); }
  kiosk::core::Expected<bool> RevokeDevice(const std::string&, std::int64_t) override {
    return Down();
  }
  kiosk::core::Expected<std::optional<DeviceRecord>> FindDevice(const std::string&) override {
    return Down();
  }
  kiosk::core::Expected<std::vector<KioskView>> Fleet() override { return Down(); }
  kiosk::core::Status RecordHeartbeat(const std::string&, std::int64_t,
                                      const std::string&) override {
    return Down();
  }
  kiosk::core::Expected<std::vector<HeartbeatRecord>> History(const std::string&, int) override {
    return Down();
  }
  kiosk::core::Status PruneHistory(std::int64_t) override { return Down(); }
};

TEST(FleetDesk, OnlyAKiosksCurrentCertificateFromTheDeviceCaIsThatKiosk) {
  const auto current = Enrolled("QNM-TAMKY-0001");
  const auto bank_ca = core::MakeDevCa("Test Bank CA", random).Value();
  const auto impostor = core::MakeDevLeaf(bank_ca, "QNM-TAMKY-0001", random).Value();
  // A CA that copies the device CA's name but not its key.
  const auto forged_ca = core::MakeDevCa("Test Device CA", random).Value();
  const auto forged = core::MakeDevLeaf(forged_ca, "QNM-TAMKY-0001", random).Value();
  // Issued by the device CA but never registered (e.g. kiosk-devca's).
  const auto unregistered = core::MakeDevLeaf(*ca, "QNM-TAMKY-0001", random).Value();
  const PeerPolicy peers({ca->certificate}, {bank_ca.certificate}, stores.devices.get(),
                         core::SystemClock());

  const Peer kiosk = peers.Identify(current);
  CHECK(kiosk.kind == PeerKind::kKiosk);
  STRCMP_EQUAL("QNM-TAMKY-0001", kiosk.kiosk_id.c_str());
  // The entry it was checked against goes with it, for the desks.
  CHECK(kiosk.device.has_value());
  STRCMP_EQUAL(current.SerialHex().c_str(), kiosk.device->serial.c_str());
  STRCMP_EQUAL("active", kiosk.device->state.c_str());
  // The heartbeat desk takes that entry, or reads it when it names another.
  const auto beat = [&](const std::string& id) {
    return nlohmann::json{{"kiosk_id", id}, {"sequence", 1}}.dump();
  };
  LONGS_EQUAL(200,
              desk->HandleDevice(HttpRequest{"POST", "/v1/heartbeat", {}, beat("QNM-TAMKY-0001")},
                                 current, &*kiosk.device)
                  ->status);
  DeviceRecord other = *kiosk.device;
  other.kiosk_id = "QNM-TAMKY-0002";  // not this certificate's: not trusted
  other.state = "revoked";
  LONGS_EQUAL(200,
              desk->HandleDevice(HttpRequest{"POST", "/v1/heartbeat", {}, beat("QNM-TAMKY-0001")},
                                 current, &other)
                  ->status);
  const Peer bank = peers.Identify(impostor.certificate);
  CHECK(bank.kind == PeerKind::kBank);
  CHECK(bank.kiosk_id.empty());
  CHECK(peers.Identify(forged.certificate).kind == PeerKind::kNobody);
  const Peer stray = peers.Identify(unregistered.certificate);
  CHECK(stray.kind == PeerKind::kNobody);
  STRCMP_EQUAL("peer.not_current_certificate", stray.why.c_str());

  // The route check, in one place: the bank reaches /v1/bank/ and nothing else.
  for (const char* path : {"/v1/heartbeat", "/v1/commands/1/result",
                           "/v1/devices/self/decommission", "/v1/bundles/ab", "/v1/dossiers"}) {
    auto refused = PeerPolicy::CheckRoute(bank, HttpRequest{"POST", path, {}, ""});
    CHECK_TEXT(refused.has_value(), path);
    LONGS_EQUAL(403, refused->status);
    CHECK_FALSE(PeerPolicy::CheckRoute(kiosk, HttpRequest{"POST", path, {}, ""}).has_value());
  }
  CHECK_FALSE(PeerPolicy::CheckRoute(bank, HttpRequest{"POST", "/v1/bank/notifications", {}, ""})
                  .has_value());
  CHECK(PeerPolicy::CheckRoute(kiosk, HttpRequest{"GET", "/v1/bank/pending", {}, ""}).has_value());
  CHECK(PeerPolicy::CheckRoute(Peer{}, HttpRequest{"POST", "/v1/heartbeat", {}, ""}).has_value());

  // Revoked: nobody, at once.
  CHECK(desk->Revoke("QNM-TAMKY-0001").Value());
  CHECK(peers.Identify(current).kind == PeerKind::kNobody);

  // The registry cannot be read (its database is down): the certificate is
  // unconfirmed, and every route, a bank's too, is a 503 to try again.
  UnreadableRegistry unreadable;
  const PeerPolicy blind({ca->certificate}, {bank_ca.certificate}, &unreadable,
                         core::SystemClock());
  const Peer unconfirmed = blind.Identify(current);
  CHECK(unconfirmed.kind == PeerKind::kUnconfirmed);
  STRCMP_EQUAL("peer.registry_unavailable", unconfirmed.why.c_str());
  for (const char* path : {"/v1/heartbeat", "/v1/dossiers", "/v1/bank/notifications"}) {
    auto refused = PeerPolicy::CheckRoute(unconfirmed, HttpRequest{"POST", path, {}, ""});
    CHECK_TEXT(refused.has_value(), path);
    LONGS_EQUAL(503, refused->status);
  }
  CHECK(blind.Identify(forged.certificate).kind == PeerKind::kNobody);
}

// 30 wrong passwords, then the right one, used to be answered at once. Now
// the fourth try waits, the tenth locks the account (from any address) with
// an alert on the dashboard, and the right password waits out the lock.
TEST(Dashboard, WrongPasswordsSlowDownThenLockTheAccount) {
  using kiosk::test::LogIn;
  int refused = 0, throttled = 0;
  for (int i = 0; i < 30; ++i) {
    const int status = LogIn(*dashboard, "alice", "guess " + std::to_string(i)).status;
    refused += status == 401;
    throttled += status == 429;
  }
  LONGS_EQUAL(3, refused);  // the free tries; the rest were not even checked
  LONGS_EQUAL(27, throttled);
  auto paused = LogIn(*dashboard, "alice", "correct horse battery");
  LONGS_EQUAL(429, paused.status);
  CHECK(paused.body.find("Login is paused until") != std::string::npos);
  CHECK(std::stoi(paused.Header("Retry-After")) > 0);
  // Waiting out each delay, the guesses reach the lock.
  for (int i = 0; i < 7; ++i) {
    clock.Advance(std::chrono::minutes(16));
    LONGS_EQUAL(401, LogIn(*dashboard, "alice", "guess again", "192.0.2.99").status);
  }
  auto events = stores.events->Events(0, 10).Value();
  LONGS_EQUAL(1, events.size());
  STRCMP_EQUAL("login_locked", events[0].kind.c_str());
  STRCMP_EQUAL("alice", events[0].subject.c_str());
  // Locked: from a fresh address too, for 15 minutes.
  LONGS_EQUAL(429, LogIn(*dashboard, "alice", "correct horse battery", "203.0.113.5").status);
  clock.Advance(std::chrono::minutes(16));
  auto in = LogIn(*dashboard, "alice", "correct horse battery", "203.0.113.5");
  LONGS_EQUAL(303, in.status);
  auto fleet = Get("/fleet", Cookie(in));
  CHECK(fleet.body.find("data-event=\"login_locked\" data-subject=\"alice\"") != std::string::npos);
  // Cleared by the right password.
  LONGS_EQUAL(401, LogIn(*dashboard, "alice", "one more slip", "203.0.113.5").status);
}

// Names that are not accounts are throttled by address, never logged.
TEST(Dashboard, AnUnknownNameIsThrottledByAddressAndNotLogged) {
  for (int i = 0; i < 5; ++i) {
    (void)kiosk::test::LogIn(*dashboard, "my password 123", "x", "198.51.100.1");
  }
  for (const auto& record : capture.Records()) {
    CHECK(core::log::FormatLine(record).find("my password") == std::string::npos);
  }
  LONGS_EQUAL(
      429, kiosk::test::LogIn(*dashboard, "alice", "correct horse battery", "198.51.100.1").status);
  // Another address is not held up by it.
  LONGS_EQUAL(303,
              kiosk::test::LogIn(*dashboard, "alice", "correct horse battery", "192.0.2.7").status);
  CHECK(stores.events->Events(0, 10).Value().empty());
}

TEST(Dashboard, TheLoginFormHasItsOwnCsrfToken) {
  auto form = Get("/login");
  CHECK(form.Header("Set-Cookie").find("kiosk_login=") == 0);
  CHECK(form.Header("Set-Cookie").find("SameSite=Strict") != std::string::npos);
  CHECK(form.Header("Strict-Transport-Security").find("max-age=") == 0);
  const auto post = kiosk::test::LoginFields(form, "alice", "correct horse battery");
  // No cookie (a cross-site form), another cookie, no token: refused.
  LONGS_EQUAL(403, Post("/login", post.body).status);
  LONGS_EQUAL(403, Post("/login", post.body, "kiosk_login=" + std::string(64, 'a')).status);
  LONGS_EQUAL(403, Post("/login", "user=alice&password=correct+horse+battery", post.cookie).status);
  LONGS_EQUAL(403, Post("/login", post.body, post.cookie, "https://evil.example").status);
  auto in = Post("/login", post.body, post.cookie, "https://gw.example");
  LONGS_EQUAL(303, in.status);
  CHECK(in.Header("Strict-Transport-Security").find("max-age=") == 0);
}

TEST(Dashboard, ExpiredSessionsAreDeleted) {
  const std::string old_cookie = Login();
  const std::string old_hash = Sha256Hex(old_cookie.substr(old_cookie.find('=') + 1));
  CHECK(stores.operators->FindSession(old_hash, 0).Value().has_value());
  clock.Advance(std::chrono::hours(9));
  Login();
  CHECK_FALSE(stores.operators->FindSession(old_hash, 0).Value().has_value());
}
