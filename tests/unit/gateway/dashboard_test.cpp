// The dashboard as a commune officer reads it: Vietnamese by default (the
// shipped "dashboard" catalog), English on request, Vietnam's time,
// communes by name, versions and devices in words, and the figures page's
// tallies of dossiers, payments and ratings.
#include "test_prelude.h"

#include <nlohmann/json.hpp>
#include <regex>

#include "kiosk/core/csr.h"
#include "kiosk/core/dev_pki.h"
#include "kiosk/core/encoding.h"
#include "kiosk/core/log.h"
#include "kiosk/gateway/dashboard.h"
#include "kiosk/gateway/fleet.h"
#include "kiosk/gateway/store/sqlite.h"
#include "login_form.h"

namespace core = kiosk::core;
using namespace kiosk::gateway;  // NOLINT(google-build-using-namespace): test file
using core::HttpRequest;
using core::HttpResponse;
using nlohmann::json;

namespace {

json Beat(const std::string& kiosk, const std::string& printer) {
  return {{"kiosk_id", kiosk},
          {"sequence", 1},
          {"versions", {{"agent", "0.9.0"}, {"app", "0.9.0"}, {"os", "2026.12.1"}, {"slot", "A"}}},
          {"uptime_s", 7200},
          {"peripherals", {{"card_reader", "ok"}, {"printer", printer}}},
          {"outbox", {{"depth", 0}, {"oldest_age_s", 0}, {"quarantined", 0}}},
          {"disk", {{"free_mb", 1200}, {"total_mb", 30000}}},
          {"temperature_c", 47.5},
          {"errors", {"printer.paper_near_end"}},
          {"counters", {{"journeys_started", 5}, {"journeys_completed", 4}}},
          {"maintenance", false}};
}

// A sealed manifest's fields the figures read (docs/dossier-package.md).
std::string Manifest(std::int64_t fee, bool paid, bool digitized, bool assisted) {
  json m = {{"fees_total_vnd", fee},
            {"payment", paid ? json{{"method", "card"}, {"amount_vnd", fee}} : json(nullptr)},
            {"indicators_766",
             {{"HoSoCoThanhPhanSoHoa", digitized ? 1 : 0}, {"TaiKhoanDuocXacThucVoiVNeID", 1}}}};
  if (assisted) m["assisted_by"] = {{"officer_id", "S1"}, {"officer_name", "Trần Thị Bình"}};
  return m.dump();
}

}  // namespace

// clang-format off
TEST_GROUP(VietnameseDashboard) {
  core::log::ScopedCapture capture;
  // 2026-11-30 02:00 UTC: 09:00 in Vietnam.
  core::FakeClock clock{core::WallTime{std::chrono::seconds(1796004000)}};
  core::DeterministicRandom random{9};
  kiosk::test::TempDir dir;
  FleetStores stores;
  std::unique_ptr<DossierStore> dossiers;
  std::optional<kiosk::i18n::Translator> words;
  std::unique_ptr<FleetDesk> desk;
  std::unique_ptr<Dashboard> dashboard;
  std::string cookie;

  void setup() override {
    stores = sqlite::OpenFleet(dir.Path() / "fleet.db").Value();
    dossiers = sqlite::OpenDossiers(dir.Path() / "gateway.db").Value();
    auto ca = core::MakeDevCa("Test Device CA", random).Value();
    auto config_key = core::PrivateKey::GenerateP256(random).Value();
    desk = std::make_unique<FleetDesk>(stores, FleetConfig{}, ca.certificate, ca.key, config_key,
                                       clock, random);
    words.emplace(
        kiosk::i18n::Translator::Load(KIOSK_TEST_LOCALE_DIR, {"vi", "en"}, "dashboard").Value());
    dashboard = std::make_unique<Dashboard>(*desk, random);
    dashboard->SetWords(&*words);
    dashboard->SetCommuneNames({{"20314", "Phường An Mỹ"}, {"20320", "Phường Hội An Đông"}});
    dashboard->SetProcedureNames({{"1.001193", "Đăng ký khai sinh"},
                                  {"2.000815", "Chứng thực bản sao từ bản chính"}});
    dashboard->SetDossiers(dossiers.get());
    CHECK(stores.operators->SetOperator("op", HashPassword("correct horse battery", random, 1000).Value())
              .HasValue());
    cookie = kiosk::test::CookieOf(kiosk::test::LogIn(*dashboard, "op", "correct horse battery"));
    // One kiosk in each of two communes, both heard from.
    for (const auto& [kiosk, commune, printer] :
         {std::tuple{"QNM-TAMKY-0001", "20314", "paper_near_end"},
          std::tuple{"QNM-HOIAN-0001", "20320", "ok"}}) {
      const auto token = desk->CreateToken(commune, "000.17.22.H56", 3600, "op").Value();
      auto key = core::PrivateKey::GenerateP256(random).Value();
      const auto csr = core::MakeCsr(key, std::string("C=VN,CN=") + kiosk, random).Value();
      HttpRequest enroll{"POST", "/.well-known/est/simpleenroll",
                         {{"Authorization", "Basic " + core::Base64Encode(core::AsBytes(
                                                           std::string(kiosk) + ":" + token))},
                          {"X-Kiosk-Commune", commune}},
                         core::Base64Encode(csr)};
      const auto r = *desk->HandleEnrollment(enroll);
      LONGS_EQUAL_TEXT(200, r.status, r.body.c_str());
      const auto cert = core::ParsePemBundle(r.body).Value().front();
      LONGS_EQUAL(200, desk->HandleDevice(HttpRequest{"POST", "/v1/heartbeat", {},
                                                      Beat(kiosk, printer).dump()},
                                          cert)->status);
    }
  }

  HttpResponse Get(const std::string& target, const std::string& more_cookies = "") {
    const std::string cookies = cookie + (more_cookies.empty() ? "" : "; " + more_cookies);
    return *dashboard->Handle(HttpRequest{"GET", target, {{"Cookie", cookies}}, ""});
  }

  void Admit(const std::string& id, const std::string& kiosk, const std::string& procedure,
             const char* received_at, const std::string& manifest) {
    AdmitRequest r;
    r.dossier_id = id;
    r.kiosk_id = kiosk;
    r.procedure_code = procedure;
    r.agency = "000.17.22.H56";
    r.received_day = ParseDay(std::string(received_at).substr(0, 10)).Value();
    r.received_at = received_at;
    r.appointment = "2026-11-30T16:30";
    r.lookup_secret = "ABCDEFGH";
    r.manifest_json = manifest;
    bool created = false;
    CHECK(dossiers->Admit(r, created).HasValue());
  }
};
// clang-format on

TEST(VietnameseDashboard, TheFleetIsInVietnameseWithCommunesByName) {
  const auto page = Get("/fleet");
  LONGS_EQUAL(200, page.status);
  CHECK(page.body.find("<html lang=\"vi\">") != std::string::npos);
  CHECK(page.body.find("Đăng xuất") != std::string::npos);
  CHECK(page.body.find("Danh sách ki-ốt") != std::string::npos);
  CHECK(page.body.find("Phường An Mỹ <small>(20314)</small>") != std::string::npos);
  // Devices and versions in words, not codes or JSON.
  CHECK(page.body.find("máy in biên nhận: sắp hết giấy") != std::string::npos);
  CHECK(page.body.find("hệ điều hành 2026.12.1") != std::string::npos);
  for (const char* english : {">Log out<", ">Alerts<", ">printer=", ">online<", "Kiosks<"}) {
    CHECK_TEXT(page.body.find(english) == std::string::npos, english);
  }
}

TEST(VietnameseDashboard, EnglishOnRequestAndKeptInACookie) {
  const auto english = Get("/fleet?lang=en");
  CHECK(english.body.find("<html lang=\"en\">") != std::string::npos);
  CHECK(english.body.find(">Log out<") != std::string::npos);
  const std::string kept = english.Header("Set-Cookie");
  CHECK(kept.rfind("kiosk_lang=en;", 0) == 0);
  CHECK(Get("/fleet", "kiosk_lang=en").body.find(">Log out<") != std::string::npos);
  // And back.
  CHECK(Get("/fleet?lang=vi", "kiosk_lang=en").body.find("Đăng xuất") != std::string::npos);
  // The login page too.
  const auto login = *dashboard->Handle(HttpRequest{"GET", "/login?lang=en", {}, ""});
  CHECK(login.body.find("Password") != std::string::npos);
  const auto login_vi = *dashboard->Handle(HttpRequest{"GET", "/login", {}, ""});
  CHECK(login_vi.body.find("Mật khẩu") != std::string::npos);
}

TEST(VietnameseDashboard, AKiosksPageReadsInVietnamTimeAndWords) {
  const auto page = Get("/fleet/kiosks/QNM-TAMKY-0001");
  LONGS_EQUAL(200, page.status);
  // The heartbeat came at 02:00 UTC: 09:00 in Vietnam.
  CHECK_TEXT(page.body.find("30/11/2026 09:00") != std::string::npos, page.body.c_str());
  CHECK(page.body.find("2026-11-30T02:00") == std::string::npos);
  CHECK(page.body.find("Phiên bản: dịch vụ kết nối 0.9.0") != std::string::npos);
  CHECK(page.body.find("{\"agent\"") == std::string::npos);
  CHECK(page.body.find("[\"printer") == std::string::npos);
  CHECK(page.body.find("hồ sơ đã nộp") != std::string::npos);       // journeys_completed
  CHECK(page.body.find("tạm ngừng phục vụ") != std::string::npos);  // a command, in words
}

TEST(VietnameseDashboard, TheFiguresCountDossiersPaymentsAndRatingsPerCommune) {
  // Three dossiers at An Mỹ over two days, one at Hội An Đông.
  Admit("d1", "QNM-TAMKY-0001", "1.001193", "2026-11-29T01:00:00.000Z",
        Manifest(0, false, true, false));
  Admit("d2", "QNM-TAMKY-0001", "2.000815", "2026-11-30T01:30:00.000Z",
        Manifest(7000, true, false, true));
  // 17:30 UTC on the 29th is already the 30th in Vietnam.
  Admit("d3", "QNM-TAMKY-0001", "2.000815", "2026-11-29T17:30:00.000Z",
        Manifest(7000, false, true, false));
  Admit("d4", "QNM-HOIAN-0001", "1.001193", "2026-11-30T01:40:00.000Z",
        Manifest(0, false, true, false));
  const auto d1 = dossiers->FindById("d1").Value()->code;
  const auto d2 = dossiers->FindById("d2").Value()->code;
  const auto d4 = dossiers->FindById("d4").Value()->code;
  CHECK(dossiers->AddRating(d1, 3, "2026-11-29T01:10:00.000Z").Value());
  CHECK(dossiers->AddRating(d2, 1, "2026-11-30T01:40:00.000Z").Value());
  CHECK(dossiers->AddRating(d4, 2, "2026-11-30T01:50:00.000Z").Value());
  const auto page = Get("/fleet/figures?commune=20314&days=2");
  LONGS_EQUAL(200, page.status);
  const std::string& b = page.body;
  CHECK_TEXT(b.find("id=\"dossiers\">Hồ sơ tiếp nhận<b>3</b>") != std::string::npos, b.c_str());
  // Paid at the kiosk: one of two with a fee.
  CHECK(b.find("id=\"paid\">Nộp phí tại ki-ốt<b>50 %</b><small>1/2 hồ sơ có thu phí; 7.000") !=
        std::string::npos);
  CHECK(b.find("id=\"digitized\">Hồ sơ được số hóa<b>67 %</b>") != std::string::npos);
  CHECK(b.find("id=\"satisfied\">Người dân hài lòng<b>50 %</b>") != std::string::npos);
  CHECK(b.find("id=\"assisted\">Được cán bộ hỗ trợ<b>1</b>") != std::string::npos);
  // Per day and procedure, by Vietnam's date: the copy of 17:30 UTC is on the 30th.
  CHECK(b.find("<tr data-procedure=\"2.000815\"><td>Chứng thực bản sao từ bản chính <small>"
               "2.000815</small></td><td></td><td>2</td><td><b>2</b></td></tr>") !=
        std::string::npos);
  CHECK(b.find("<th id=\"total\">3</th>") != std::string::npos);
  // The paper now: An Mỹ's printer runs low.
  CHECK(b.find("<tr data-printer=\"paper_near_end\"><td>sắp hết giấy</td><td>1 ki-ốt") !=
        std::string::npos);
  // All communes.
  CHECK(Get("/fleet/figures?days=2").body.find("<th id=\"total\">4</th>") != std::string::npos);
}
