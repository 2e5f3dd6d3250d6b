// The journey's parts that are functions of values, tested without a journey:
// a device's health from an outcome, the dossier and the receipt a finished
// session makes.
#include "test_prelude.h"

#include <nlohmann/json.hpp>

#include "kiosk/catalog/catalog.h"
#include "kiosk/gateway/fleet.h"
#include "kiosk/journey/journey.h"
#include "kiosk/journey/slips.h"
#include "kiosk/journey/telemetry.h"
#include "kiosk/ui/prompts.h"

namespace core = kiosk::core;
namespace catalog = kiosk::catalog;
using namespace kiosk::journey;  // NOLINT(google-build-using-namespace): test file

TEST_GROUP(DeviceHealth){};

TEST(DeviceHealth, FromTheDriversCodesThenTheErrorsClass) {
  auto after = [](Device d, core::Error e) { return ToString(HealthAfter(d, e)); };
  using core::Error;
  STRCMP_EQUAL("ok", ToString(HealthAfter(Device::kPrinter, core::Ok())));
  STRCMP_EQUAL("paper_out", after(Device::kPrinter, Error::NeedsPerson("printer.paper_out", "")));
  STRCMP_EQUAL("absent", after(Device::kPrinter, Error::NeedsPerson("printer.unplugged", "")));
  STRCMP_EQUAL("absent", after(Device::kCardReader, Error::NeedsPerson("reader.none", "")));
  STRCMP_EQUAL("offline", after(Device::kCardReader, Error::Retryable("pcsc.no_service", "")));
  // The citizen's part is no device fault.
  STRCMP_EQUAL("ok", after(Device::kCardReader, Error::NeedsPerson("card.wrong_key", "")));
  STRCMP_EQUAL("ok", after(Device::kScanner, Error::NeedsPerson("scanner.no_paper", "")));
  STRCMP_EQUAL("ok", after(Device::kPaymentTerminal, Error::NeedsPerson("payment.declined", "")));
  STRCMP_EQUAL("unreachable",
               after(Device::kPaymentTerminal, Error::Retryable("payment.offline", "")));
  // No guessing from parts of words: an unknown code goes by its class.
  STRCMP_EQUAL("error", after(Device::kScanner, Error::NeedsPerson("scanner.jammed", "")));
  STRCMP_EQUAL("offline", after(Device::kScanner, Error::Retryable("scanner.io", "")));
  STRCMP_EQUAL("error", after(Device::kPrinter, Error::NeedsPerson("printer.none_such", "")));
}

TEST(DeviceHealth, TheHeartbeatNamesEveryDevice) {
  Telemetry t;
  t.Record(Device::kPrinter, core::Error::NeedsPerson("printer.cover_open", ""));
  const auto states = t.PeripheralStates();
  LONGS_EQUAL(4, states.size());
  STRCMP_EQUAL("cover_open", states.at("printer").c_str());
  STRCMP_EQUAL("ok", states.at("scanner").c_str());
  STRCMP_EQUAL("printer.cover_open", t.recent_errors.back().c_str());
}

TEST_GROUP(FinishedSession) {
  std::optional<catalog::Catalog> catalog;
  Settings settings;
  std::unique_ptr<Session> session;
  void setup() override {
    catalog.emplace(
        *catalog::Catalog::Load(kiosk::test::SourcePath("firmware/catalog/data/procedures.toml")));
    settings.kiosk_id = "QNM-TAMKY-0001";
    settings.agency_code = "000.17.22.H56";
    settings.agency_name = "UBND phường An Mỹ";
    session = std::make_unique<Session>();
    session->procedure = catalog->Find("2.000815");
    session->started_at = core::WallTime{std::chrono::seconds(1'796'000'000)};
    for (const auto& f : session->procedure->form) {
      session->fields[f.id].value = core::PersonalText(f.id == "pages" ? "5" : "x");
    }
    session->fields["applicant_name"].value = core::PersonalText("Trần Thị Bình");
    session->fees = {{"phi_chung_thuc", {"Phí chứng thực", "Fee"}, 1, 7000, "test"}};
    session->consent = true;
  }
};

TEST(FinishedSession, TheDossierCarriesWhatWasTypedPaidAndAgreed) {
  const auto at = core::WallTime{std::chrono::seconds(1'796'000'600)};
  auto d = DossierOf(*session, settings, at);
  STRCMP_EQUAL("2.000815", d.procedure_code.c_str());
  STRCMP_EQUAL("QNM-TAMKY-0001", d.kiosk_id.c_str());
  STRCMP_EQUAL("000.17.22.H56", d.receiving_agency.c_str());
  CHECK(d.applicant.source == kiosk::dossier::IdentitySource::kTyped);  // no card in this session
  STRCMP_EQUAL("Trần Thị Bình", d.applicant.full_name.Reveal().c_str());
  LONGS_EQUAL(session->procedure->form.size(), d.form.size());
  LONGS_EQUAL(1, d.fees.size());
  CHECK_FALSE(d.payment.has_value());
  CHECK(d.submitted_at == at);
  CHECK(d.attachments.empty());  // made on the worker, from the pages
}

TEST(FinishedSession, TheReceiptIsProvisionalUntilTheGatewaysCode) {
  session->outcome = SubmitOutcome{"K7Q2-9XRM", "", "", "2026-12-10"};
  auto r = ReceiptOf(*session, settings);
  CHECK(r.provisional);
  STRCMP_EQUAL("", r.lookup_secret.c_str());  // none yet: the slip prints the reference
  CHECK(r.lookup_url.find("ref=K7Q2-9XRM") != std::string::npos);
  STRCMP_EQUAL("ngày 10/12/2026", r.appointment.c_str());  // a day alone, from an older gateway
  STRCMP_EQUAL("Ông/Bà", r.applicant_title.c_str());       // no card read
  kiosk::idcard::CitizenIdentity her;
  her.sex = core::PersonalText("Nữ");
  session->identity = std::move(her);
  STRCMP_EQUAL("Bà", ReceiptOf(*session, settings).applicant_title.c_str());
  session->outcome->appointment = "2026-12-10T15:30";
  STRCMP_EQUAL("15 giờ 30 phút, ngày 10/12/2026",
               ReceiptOf(*session, settings).appointment.c_str());
  STRCMP_EQUAL("Tờ khai điện tử điền tại ki-ốt", r.papers.front().c_str());
  session->outcome =
      SubmitOutcome{"K7Q2-9XRM", "000.17.22.H56-261206-0001", "ABCD2345EFGH6789", "2026-12-10"};
  r = ReceiptOf(*session, settings);
  CHECK_FALSE(r.provisional);
  STRCMP_EQUAL("ABCD", r.lookup_secret.c_str());  // the short form, read aloud
  STRCMP_EQUAL("7.000 đ", r.fee_total.c_str());
}

// Every counter kiosk-app reports reaches the fleet: the gateway's closed
// heartbeat schema knows each name (a new counter without it would cost the
// kiosk all its heartbeats).
TEST(DeviceHealth, EveryCounterTheAppKeepsIsOneTheGatewayAccepts) {
  Telemetry t;
  nlohmann::json beat = {{"kiosk_id", "QNM-TAMKY-0001"}, {"sequence", 1}};
  for (const auto& [name, value] : t.CounterValues()) beat["counters"][name] = value;
  auto checked = kiosk::gateway::CheckHeartbeat(beat.dump(), "QNM-TAMKY-0001");
  CHECK_TEXT(checked.HasValue(), checked.HasValue() ? "" : checked.GetError().Message().c_str());
}

TEST(FinishedSession, TheCitizenIsAddressedAsTheChipSays) {
  STRCMP_EQUAL("Ông/Bà", Salutation(nullptr).c_str());
  STRCMP_EQUAL("Ông/Bà", Salutation(session.get()).c_str());
  kiosk::idcard::CitizenIdentity him;
  him.sex = core::PersonalText("Nam");
  session->identity = std::move(him);
  STRCMP_EQUAL("Ông", Salutation(session.get()).c_str());
  STRCMP_EQUAL("Cảm ơn Ông. Xin ông chờ.",
               kiosk::ui::Addressed("Cảm ơn Ông/Bà. Xin ông/bà chờ.", "Ông").c_str());
  STRCMP_EQUAL("Hồ sơ của Bà", kiosk::ui::Addressed("Hồ sơ của Ông/Bà", "Bà").c_str());
  STRCMP_EQUAL("Hồ sơ của Ông/Bà", kiosk::ui::Addressed("Hồ sơ của Ông/Bà", "Ông/Bà").c_str());
}
