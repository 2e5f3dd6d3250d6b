// Help from staff on the gateway, without a network: a kiosk's call for an
// officer, the dashboard's alert and its answer, officers' PINs issued per
// commune, checked only for kiosks of that commune, and locked after wrong
// tries.
#include "test_prelude.h"

#include <nlohmann/json.hpp>
#include <regex>

#include "kiosk/core/dev_pki.h"
#include "kiosk/core/log.h"
#include "kiosk/gateway/dashboard.h"
#include "kiosk/gateway/fleet.h"
#include "kiosk/gateway/help.h"
#include "kiosk/gateway/store/sqlite.h"
#include "login_form.h"

namespace core = kiosk::core;
using namespace kiosk::gateway;  // NOLINT(google-build-using-namespace): test file
using core::HttpRequest;
using core::HttpResponse;
using nlohmann::json;

namespace {

std::string Match(const std::string& html, const std::string& pattern) {
  std::smatch m;
  return std::regex_search(html, m, std::regex(pattern)) ? m[1].str() : "";
}

}  // namespace

// clang-format off
TEST_GROUP(HelpDesk) {
  core::log::ScopedCapture capture;
  core::FakeClock clock{core::WallTime{std::chrono::seconds(1'795'000'000)}};
  core::DeterministicRandom random{21};
  kiosk::test::TempDir dir;
  FleetStores stores;
  std::unique_ptr<HelpDesk> help;

  void setup() override {
    stores = sqlite::OpenFleet(dir.Path() / "fleet.db").Value();
    for (const auto& [kiosk, commune] : {std::pair{"QNM-A-0001", "20314"},
                                         std::pair{"QNM-B-0001", "20320"}}) {
      static int serial = 0;
      DeviceRecord d;
      d.kiosk_id = kiosk;
      d.commune = commune;
      d.agency = "000.17.22.H56";
      d.serial = std::to_string(++serial) + kiosk;
      d.state = "active";
      CHECK(stores.devices->RegisterDevice(d).HasValue());
    }
    help = std::make_unique<HelpDesk>(*stores.help, *stores.devices, random, clock);
  }

  HttpResponse Device(const std::string& kiosk, const std::string& method,
                      const std::string& target, const json& body = json()) {
    return *help->HandleDevice(HttpRequest{method, target, {}, body.is_null() ? "" : body.dump()},
                               kiosk);
  }
  HttpResponse Put(const std::string& kiosk, const std::string& id,
                   const std::string& screen = "review_form") {
    return Device(kiosk, "PUT", "/v1/help-calls/" + id, {{"screen", screen}, {"language", "vi"}});
  }
  HttpResponse Pin(const std::string& kiosk, const std::string& id, const std::string& pin) {
    return Device(kiosk, "POST", "/v1/help-calls/" + id + "/credential", {{"pin", pin}});
  }
};
// clang-format on

TEST(HelpDesk, ACallIsOpenUntilAnsweredAndClosedWhenTheCitizenIsDone) {
  auto r = Put("QNM-A-0001", "help-1");
  LONGS_EQUAL_TEXT(200, r.status, r.body.c_str());
  STRCMP_EQUAL("open", json::parse(r.body)["state"].get<std::string>().c_str());
  auto waiting = help->Waiting().Value();
  LONGS_EQUAL(1, waiting.size());
  STRCMP_EQUAL("20314", waiting[0].commune.c_str());  // from the registry, not the kiosk
  STRCMP_EQUAL("review_form", waiting[0].screen.c_str());
  // Asked again, from another screen: still one call.
  CHECK(Put("QNM-A-0001", "help-1", "fees").status == 200);
  LONGS_EQUAL(1, help->Waiting().Value().size());
  STRCMP_EQUAL("fees", help->Waiting().Value()[0].screen.c_str());
  // Another kiosk cannot take or close it.
  LONGS_EQUAL(409, Put("QNM-B-0001", "help-1").status);
  Device("QNM-B-0001", "DELETE", "/v1/help-calls/help-1");
  STRCMP_EQUAL("open", stores.help->FindCall("help-1").Value()->state.c_str());
  // The dashboard answers it: the kiosk hears who.
  CHECK(help->Answer("help-1", "Trần Thị Bình").Value());
  r = Put("QNM-A-0001", "help-1");
  STRCMP_EQUAL("answered", json::parse(r.body)["state"].get<std::string>().c_str());
  STRCMP_EQUAL("Trần Thị Bình", json::parse(r.body)["officer_name"].get<std::string>().c_str());
  LONGS_EQUAL(200, Device("QNM-A-0001", "DELETE", "/v1/help-calls/help-1").status);
  CHECK(help->Waiting().Value().empty());
  LONGS_EQUAL(409, Put("QNM-A-0001", "help-1").status);  // a closed call stays closed
  CHECK_FALSE(help->Answer("help-1", "x").Value());
  // Bad input is refused with a clear code.
  LONGS_EQUAL(400, Device("QNM-A-0001", "PUT", "/v1/help-calls/a.b", {{"screen", "a"}}).status);
  LONGS_EQUAL(404, Device("QNM-A-0001", "PUT", "/v1/help-calls/../x", {{"screen", "a"}}).status);
  LONGS_EQUAL(400, Device("QNM-A-0001", "PUT", "/v1/help-calls/h2",
                          {{"screen", "màn hình"}, {"language", "vi"}})
                       .status);
  LONGS_EQUAL(400, Device("QNM-A-0001", "PUT", "/v1/help-calls/h2",
                          {{"screen", "fees"}, {"language", "fr"}})
                       .status);
  LONGS_EQUAL(405, Device("QNM-A-0001", "GET", "/v1/help-calls/h2").status);
  CHECK_FALSE(help->HandleDevice(HttpRequest{"GET", "/v1/payments/x", {}, ""}, "QNM-A-0001"));
  // A call nobody closed stops showing after an hour.
  CHECK(Put("QNM-A-0001", "help-3").status == 200);
  clock.Advance(std::chrono::minutes(61));
  CHECK(help->Waiting().Value().empty());
}

TEST(HelpDesk, APinWorksAtTheKiosksOfItsCommuneOnlyAndWrongOnesLock) {
  const auto issued = help->IssueStaff("20314", "Trần Thị Bình", 30, "op").Value();
  CHECK(std::regex_match(issued.pin, std::regex("[0-9]{6}")));
  CHECK(std::regex_match(issued.id, std::regex("CB-[0-9]{6}")));
  const auto other = help->IssueStaff("20320", "Lê Văn Cường", 30, "op").Value();
  CHECK(issued.pin != other.pin || issued.id != other.id);
  // Only the hash is kept.
  const auto staff = stores.help->Staff("20314", 0).Value();
  LONGS_EQUAL(1, staff.size());
  CHECK(staff[0].pin_hash.find(issued.pin) == std::string::npos);
  CHECK_FALSE(help->IssueStaff("20314", "", 30, "op").HasValue());
  CHECK_FALSE(help->IssueStaff("20314", "a\nb", 30, "op").HasValue());

  CHECK(Put("QNM-A-0001", "help-1").status == 200);
  CHECK(Put("QNM-B-0001", "help-2").status == 200);
  // Another commune's officer is refused here, and theirs works there.
  LONGS_EQUAL(403, Pin("QNM-A-0001", "help-1", other.pin).status);
  auto r = Pin("QNM-B-0001", "help-2", other.pin);
  LONGS_EQUAL_TEXT(200, r.status, r.body.c_str());
  STRCMP_EQUAL("Lê Văn Cường", json::parse(r.body)["officer_name"].get<std::string>().c_str());
  r = Pin("QNM-A-0001", "help-1", issued.pin);
  LONGS_EQUAL_TEXT(200, r.status, r.body.c_str());
  STRCMP_EQUAL(issued.id.c_str(), json::parse(r.body)["officer_id"].get<std::string>().c_str());
  // The call is answered by that officer; the dashboard's alert is gone.
  auto call = stores.help->FindCall("help-1").Value();
  STRCMP_EQUAL("answered", call->state.c_str());
  STRCMP_EQUAL("Trần Thị Bình", call->answered_by.c_str());
  // A PIN for another kiosk's call, or one that is not digits, is refused.
  LONGS_EQUAL(404, Pin("QNM-A-0001", "help-2", issued.pin).status);
  LONGS_EQUAL(400, Pin("QNM-A-0001", "help-1", "12ab56").status);
  // Five wrong PINs lock this kiosk's PIN entry for ten minutes, right ones too.
  for (int i = 0; i < HelpDesk::kLockAfter; ++i) {
    LONGS_EQUAL(403, Pin("QNM-A-0001", "help-1", "000000").status);
  }
  LONGS_EQUAL(429, Pin("QNM-A-0001", "help-1", issued.pin).status);
  LONGS_EQUAL(200, Pin("QNM-B-0001", "help-2", other.pin).status);  // another kiosk is not
  clock.Advance(std::chrono::minutes(11));
  LONGS_EQUAL(200, Pin("QNM-A-0001", "help-1", issued.pin).status);
  // A revoked officer's PIN no longer works.
  CHECK(help->Revoke(issued.id).Value());
  LONGS_EQUAL(403, Pin("QNM-A-0001", "help-1", issued.pin).status);
  CHECK_FALSE(help->Revoke("CB-999999").Value());
  CHECK_FALSE(help->Revoke("../x").Value());
}

TEST(HelpDesk, TheDashboardShowsTheCallWithItsScreenAndAnOfficerAnswersIt) {
  auto ca = core::MakeDevCa("Test Device CA", random).Value();
  auto config_key = core::PrivateKey::GenerateP256(random).Value();
  FleetDesk desk(stores, FleetConfig{}, ca.certificate, ca.key, config_key, clock, random);
  CHECK(stores.operators
            ->SetOperator("op", HashPassword("correct horse battery", random, 1000).Value())
            .HasValue());
  Dashboard dashboard(desk, random, nullptr, help.get());
  const auto words =
      kiosk::i18n::Translator::Load(KIOSK_TEST_LOCALE_DIR, {"vi", "en"}, "dashboard").Value();
  dashboard.SetWords(&words);
  const std::string cookie =
      kiosk::test::CookieOf(kiosk::test::LogIn(dashboard, "op", "correct horse battery"));
  auto get = [&](const std::string& path) {
    return *dashboard.Handle(HttpRequest{"GET", path, {{"Cookie", cookie}}, ""});
  };
  auto post = [&](const std::string& path, const std::string& fields, const std::string& csrf) {
    return *dashboard.Handle(
        HttpRequest{"POST", path, {{"Cookie", cookie}}, fields + "&csrf=" + csrf});
  };
  auto page = get("/fleet");
  CHECK(page.body.find("id=\"no-help\"") != std::string::npos);
  CHECK(Put("QNM-A-0001", "help-1").status == 200);
  page = get("/fleet");
  CHECK_TEXT(page.body.find("data-help=\"help-1\" data-kiosk=\"QNM-A-0001\"") != std::string::npos,
             page.body.c_str());
  CHECK(page.body.find("kê khai tờ khai") != std::string::npos);  // the screen, as officers say it
  // Filtered by another commune, it is not shown.
  CHECK(get("/fleet?commune=20320").body.find("data-help=") == std::string::npos);
  const std::string csrf = Match(page.body, "name=\"csrf\" value=\"([0-9a-f]{64})\"");
  // Without the form's token nothing changes.
  LONGS_EQUAL(403, post("/fleet/help/help-1", "x=1", "bad").status);
  STRCMP_EQUAL("open", stores.help->FindCall("help-1").Value()->state.c_str());
  LONGS_EQUAL(303, post("/fleet/help/help-1", "x=1", csrf).status);
  page = get("/fleet");
  CHECK(page.body.find("data-help=\"help-1\"") == std::string::npos);
  CHECK(page.body.find("data-help-answered=\"help-1\"") != std::string::npos);
  CHECK(page.body.find("do op nhận") != std::string::npos);

  // Officers' PINs: issued once, listed without it, revoked.
  auto issued =
      post("/fleet/staff", "commune=20314&name=Tr%E1%BA%A7n+Th%E1%BB%8B+B%C3%ACnh&days=30", csrf);
  LONGS_EQUAL_TEXT(200, issued.status, issued.body.c_str());
  const std::string pin = Match(issued.body, "id=\"pin\">([0-9]{6})<");
  CHECK_TEXT(!pin.empty(), issued.body.c_str());
  auto list = get("/fleet/staff");
  CHECK(list.body.find("Trần Thị Bình") != std::string::npos);
  CHECK(list.body.find(pin) == std::string::npos);
  const std::string id = Match(list.body, "data-staff=\"(CB-[0-9]{6})\"");
  CHECK(Put("QNM-A-0001", "help-2").status == 200);
  LONGS_EQUAL(200, Pin("QNM-A-0001", "help-2", pin).status);
  post("/fleet/staff/" + id + "/revoke", "x=1", csrf);
  LONGS_EQUAL(403, Pin("QNM-A-0001", "help-2", pin).status);
  CHECK(get("/fleet/staff").body.find("id=\"no-staff\"") != std::string::npos);
  auto bad = post("/fleet/staff", "commune=&name=&days=30", csrf);
  CHECK(bad.body.find("id=\"problem\"") != std::string::npos);
}
