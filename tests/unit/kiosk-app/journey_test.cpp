#include "test_prelude.h"

#include <fstream>

#include <algorithm>

#include <thread>

#include "journey_bench.h"
#include "kiosk/core/jws.h"
#include "kiosk/core/log.h"
#include "kiosk/dossier/manifest.h"
#include "kiosk/dossier/package.h"
#include "kiosk/idcard/mrz.h"
#include "kiosk/journey/journey.h"
#include "kiosk/journey/slips.h"
#include "kiosk/payment/fake_terminal.h"
#include "kiosk/printer/fake_printer.h"
#include "kiosk/scanner/fake_scanner.h"
#include "test_support.h"

using namespace kiosk;
using namespace kiosk::journey;
using std::chrono::seconds;

namespace {

// The QR code printed on persona p01's card.
constexpr const char* kP01Qr =
    "049090100001|205100001|Nguyễn Văn An|15051990|Nam|Số 12 Phan Bội Châu, Phường Tân Thạnh, "
    "Tam Kỳ, Quảng Nam|01062021";

// Runs jobs only when told: tests decide when device work "finishes".
class ManualExecutor final : public Executor {
 public:
  void Run(std::function<void()> work) override { jobs_.push_back(std::move(work)); }
  void RunAll() {
    while (!jobs_.empty()) {
      auto job = std::move(jobs_.front());
      jobs_.pop_front();
      job();
    }
  }
  std::size_t Pending() const { return jobs_.size(); }

 private:
  std::deque<std::function<void()>> jobs_;
};

// The camera above the card tray, as scripted: each look gives the next
// answer ("card.not_in_view" once they run out).
class ScriptedLook final : public CardLook {
 public:
  void Sees(KeySource source, std::string text) {
    answers_.emplace_back(Seen{source, core::PersonalText(std::move(text))});
  }
  void Fails(std::string code) {
    answers_.emplace_back(core::Error::NeedsPerson(std::move(code), "scripted"));
  }
  core::Expected<Seen> Look(const idcard::Date&) override {
    ++looks;
    if (answers_.empty()) return core::Error::NeedsPerson("card.not_in_view", "empty tray");
    auto answer = std::move(answers_.front());
    answers_.pop_front();
    return answer;
  }
  int looks = 0;

 private:
  std::deque<core::Expected<Seen>> answers_;
};

}  // namespace

TEST_GROUP_BASE(Journey, test::JourneyBench) {
  ManualExecutor executor;
  std::unique_ptr<Journey> journey;

  void setup() override {
    MakeDevices();
    journey = MakeJourney();
  }

  std::unique_ptr<Journey> MakeJourney(Executor* with = nullptr) {
    return JourneyBench::MakeJourney(with != nullptr ? *with : executor);
  }

  void Settle() {
    executor.RunAll();
    journey->Poll();
  }

  void Identified() {
    journey->Start();
    journey->IdentifyWith(KeySource::kQr, kP01Qr);
    CHECK(journey->CurrentScreen() == Screen::kReadingCard);
    Settle();
    CHECK_TEXT(journey->CurrentScreen() == Screen::kChooseProcedure, journey->Message().c_str());
  }

  std::string Value(const std::string& field) {
    return journey->CurrentSession()->fields.at(field).value.Reveal();
  }

  // Marital status certificate in Quảng Nam: an optional paper, no fee.
  void UpToConsentFree() {
    Identified();
    journey->ChooseProcedure("1.004873");
    CHECK(journey->SetField("marital_status", "single"));
    CHECK(journey->SetField("purpose", "Kết hôn"));
    journey->Next();
    CHECK(journey->CurrentScreen() == Screen::kAttachPapers);
    journey->Next();
    CHECK(journey->CurrentScreen() == Screen::kFees);
    journey->Next();
    CHECK(journey->CurrentScreen() == Screen::kConsent);
  }

  // Certified copy of 5 pages, from the card read: no papers to scan, the
  // original shown at the counter (a step of its own), 7.000 đ to pay.
  void OnTheFeesOfACertifiedCopy() {
    journey->ChooseProcedure("2.000815");
    CHECK(journey->CurrentScreen() == Screen::kReviewForm);
    CHECK(journey->SetField("pages", "5"));
    journey->Next();
    CHECK(journey->CurrentScreen() == Screen::kAtCounter);
    journey->Next();
    CHECK(journey->CurrentScreen() == Screen::kFees);
    LONGS_EQUAL(7000, catalog::TotalVnd(journey->CurrentSession()->fees));
  }

  void UpToConsentForCertifiedCopy() {
    Identified();
    OnTheFeesOfACertifiedCopy();
    journey->Pay("card");
    Settle();
    CHECK(journey->CurrentScreen() == Screen::kConsent);
  }
};

TEST(Journey, StartsOnTheAttractScreenWithNoSession) {
  CHECK(journey->CurrentScreen() == Screen::kAttract);
  CHECK(journey->CurrentSession() == nullptr);
  STRCMP_EQUAL("vi", journey->Language().c_str());
}

TEST(Journey, TheCardFillsTheFormWithoutTyping) {
  Identified();
  const auto& identity = *journey->CurrentSession()->identity;
  STRCMP_EQUAL("Nguyễn Văn An", identity.full_name.Reveal().c_str());
  journey->ChooseProcedure("1.001193");
  STRCMP_EQUAL("Nguyễn Văn An", Value("applicant_name").c_str());
  STRCMP_EQUAL("049090100001", Value("applicant_id").c_str());
  STRCMP_EQUAL("15/05/1990", Value("applicant_birth_date").c_str());
  CHECK(journey->CurrentSession()->fields.at("applicant_name").from_card);
  // What the chip says is not editable.
  CHECK_FALSE(journey->SetField("applicant_name", "Someone Else"));
  STRCMP_EQUAL("Nguyễn Văn An", Value("applicant_name").c_str());
  // Defaults are filled too.
  STRCMP_EQUAL("no", Value("late").c_str());
}

TEST(Journey, CardProblemsReturnToIdentifyWithTheReason) {
  journey->Start();
  // A QR from another card: the chip does not open with its key.
  journey->IdentifyWith(KeySource::kQr,
                        "049090100099|205100001|Nguyễn Văn An|15051990|Nam|X|01062021");
  Settle();
  CHECK(journey->CurrentScreen() == Screen::kIdentify);
  CHECK_TEXT(journey->Message() == "card.wrong_key" || journey->Message() == "card.mismatch",
             journey->Message().c_str());
  // Nothing on the reader.
  reader->Remove();
  journey->IdentifyWith(KeySource::kIdNumber, "049090100001");
  Settle();
  STRCMP_EQUAL("card.absent", journey->Message().c_str());
  // A typed number that is not an ID number never reaches the reader.
  journey->IdentifyWith(KeySource::kIdNumber, "12345");
  STRCMP_EQUAL("key.bad_id", journey->Message().c_str());
  LONGS_EQUAL(0, executor.Pending());
  // The ID number alone opens a PACE card (CAN = its last 6 digits).
  reader->Place(kiosk::test::P01Card());
  journey->IdentifyWith(KeySource::kIdNumber, "049090100001");
  Settle();
  CHECK(journey->CurrentScreen() == Screen::kChooseProcedure);
}

// Every look at the tray waits its turn (Journey::kLookEvery) on the
// device worker; the journey handles what it saw.
static void Look(Journey& journey, ManualExecutor& executor, kiosk::core::FakeClock& clock) {
  clock.Advance(Journey::kLookEvery);
  journey.Poll();
  executor.RunAll();
  journey.Poll();
}

TEST(Journey, TheCameraReadsTheCardsKeySoNothingIsTyped) {
  ScriptedLook camera;
  journey->SetCardLook(&camera);
  journey->Poll();
  LONGS_EQUAL(0, executor.Pending());  // no look before a citizen starts
  journey->Start();
  camera.Fails("card.not_in_view");
  Look(*journey, executor, clock);
  CHECK(journey->CurrentScreen() == Screen::kIdentify);
  STRCMP_EQUAL("", journey->Message().c_str());
  camera.Sees(KeySource::kQr, kP01Qr);
  Look(*journey, executor, clock);
  CHECK(journey->CurrentScreen() == Screen::kReadingCard);
  CHECK(journey->CurrentSession()->key_source == KeySource::kQr);
  Settle();
  CHECK(journey->CurrentScreen() == Screen::kChooseProcedure);
  const int looks = camera.looks;
  Look(*journey, executor, clock);
  LONGS_EQUAL(looks, camera.looks);  // the camera rests once the card is read
}

TEST(Journey, ACardTheCameraCannotReadAsksToBeTurnedOverOrPlacedAgain) {
  ScriptedLook camera;
  journey->SetCardLook(&camera);
  journey->Start();
  for (int i = 0; i < Journey::kLooksBeforeAdvice - 1; ++i) {
    camera.Fails("mrz.not_found");  // a front whose QR does not read
    Look(*journey, executor, clock);
    STRCMP_EQUAL("", journey->Message().c_str());
  }
  camera.Fails("mrz.unreadable");
  Look(*journey, executor, clock);
  STRCMP_EQUAL("card.turn_over", journey->Message().c_str());
  // Turned over: the MRZ on the back gives the key.
  camera.Sees(
      KeySource::kMrz,
      idcard::FormatCccdTd1("049090100001", "900515", 'M', "300515", "NGUYEN VAN AN").Value());
  Look(*journey, executor, clock);
  CHECK(journey->CurrentScreen() == Screen::kReadingCard);
  STRCMP_EQUAL("", journey->Message().c_str());
  Settle();
  CHECK(journey->CurrentScreen() == Screen::kChooseProcedure);
  CHECK(journey->CurrentSession()->key_source == KeySource::kMrz);
}

TEST(Journey, AKeyWhoseCardFailedIsTriedAgainOnlyOnceTheCardIsPlacedAgain) {
  ScriptedLook camera;
  journey->SetCardLook(&camera);
  journey->Start();
  reader->Remove();  // on the camera, but not yet on the chip reader
  camera.Sees(KeySource::kQr, kP01Qr);
  Look(*journey, executor, clock);
  Settle();
  STRCMP_EQUAL("card.absent", journey->Message().c_str());
  reader->Place(kiosk::test::P01Card());
  camera.Sees(KeySource::kQr, kP01Qr);  // still the same card in view
  Look(*journey, executor, clock);
  CHECK(journey->CurrentScreen() == Screen::kIdentify);
  camera.Fails("card.not_in_view");     // lifted
  camera.Sees(KeySource::kQr, kP01Qr);  // and placed again
  Look(*journey, executor, clock);
  Look(*journey, executor, clock);
  CHECK(journey->CurrentScreen() == Screen::kReadingCard);
  Settle();
  CHECK(journey->CurrentScreen() == Screen::kChooseProcedure);
}

TEST(Journey, ProgressOfTheCardReadIsReported) {
  journey->Start();
  journey->IdentifyWith(KeySource::kQr, kP01Qr);
  LONGS_EQUAL(0, journey->Progress());
  CHECK(journey->Busy());
  Settle();
  LONGS_EQUAL(100, journey->Progress());
  CHECK_FALSE(journey->Busy());
}

TEST(Journey, SearchAndCategoriesNarrowTheList) {
  Identified();
  const auto all = journey->SearchResults().size();
  LONGS_EQUAL(catalog->Procedures().size(), all);
  journey->SetCategory("residence");
  CHECK(journey->SearchResults().size() < all);
  journey->SetCategory("residence");  // tapping it again clears it
  LONGS_EQUAL(all, journey->SearchResults().size());
  journey->SetSearch("chung thuc ban sao");
  STRCMP_EQUAL("2.000815", journey->SearchResults()[0].procedure->code.c_str());
  journey->ChooseProcedure("9.999999");
  STRCMP_EQUAL("procedure.unknown", journey->Message().c_str());
  CHECK(journey->CurrentScreen() == Screen::kChooseProcedure);
}

TEST(Journey, BirthRegistrationNeedsTheFormAndThePaper) {
  Identified();
  journey->ChooseProcedure("1.001193");
  journey->Next();
  CHECK(journey->CurrentScreen() == Screen::kReviewForm);
  STRCMP_EQUAL("form.invalid", journey->Message().c_str());
  STRCMP_EQUAL("form.required", journey->CurrentSession()->fields.at("child_name").problem.c_str());
  CHECK(journey->CurrentSession()->fields.at("applicant_name").problem.empty());

  CHECK(journey->SetField("child_name", "Nguyễn Thị Mai"));
  CHECK(journey->SetField("child_birth_date", "20/11/2026"));
  CHECK(journey->SetField("child_sex", "Nữ"));
  CHECK(journey->SetField("child_birth_place", "Bệnh viện Đa khoa Quảng Nam"));
  CHECK(journey->SetField("relationship", "cha"));
  journey->Next();
  CHECK_TEXT(journey->CurrentScreen() == Screen::kAttachPapers, journey->Message().c_str());

  journey->Next();
  STRCMP_EQUAL("papers.missing", journey->Message().c_str());
  scanner.FailNext("scanner.no_paper");
  journey->ScanPage("GCS");
  Settle();
  STRCMP_EQUAL("scanner.no_paper", journey->Message().c_str());
  journey->ScanPage("GCS");
  journey->ScanPage("GCS");  // ignored: a scan is in flight
  Settle();
  journey->ScanPage("GCS");
  Settle();
  LONGS_EQUAL(2, journey->CurrentSession()->pages.at("GCS").size());
  journey->RemoveLastPage("GCS");
  LONGS_EQUAL(1, journey->CurrentSession()->pages.at("GCS").size());
  journey->Next();
  // Registered on time in Quảng Nam: no fee, nothing to pay.
  CHECK(journey->CurrentScreen() == Screen::kFees);
  CHECK(journey->CurrentSession()->fees.empty());
  journey->Next();
  CHECK(journey->CurrentScreen() == Screen::kConsent);
  journey->Confirm();
  STRCMP_EQUAL("consent.required", journey->Message().c_str());
  journey->SetConsent(true);
  journey->Confirm();
  CHECK(journey->CurrentScreen() == Screen::kSubmitting);
  Settle();
  CHECK_TEXT(journey->CurrentScreen() == Screen::kReceipt, journey->Message().c_str());
  Settle();  // the receipt prints

  // Sealed into the outbox with its attachment; the gateway has not answered.
  const auto& outcome = *journey->CurrentSession()->outcome;
  CHECK(outcome.dossier_code.empty());
  auto entry = outbox->FindByReference(outcome.local_reference);
  CHECK(entry.HasValue() && entry->has_value());
  STRCMP_EQUAL("1.001193", (*entry)->procedure_code.c_str());
  // Same day before 15:00, at closing time.
  STRCMP_EQUAL("2026-11-30T17:00", outcome.appointment.c_str());
  LONGS_EQUAL(1, printer.Printed().size());
  const auto& lines = printer.Printed()[0];
  CHECK(std::find(lines.begin(), lines.end(), "GIẤY TIẾP NHẬN HỒ SƠ (TẠM THỜI)") != lines.end());
  CHECK(std::find(lines.begin(), lines.end(), "Tiếp nhận hồ sơ của: Ông Nguyễn Văn An") !=
        lines.end());
  // No plaintext attachment is left behind.
  for (const auto& e : std::filesystem::directory_iterator(dir.Path())) {
    CHECK_TEXT(e.path().filename().string().rfind("sealing-", 0) != 0, e.path().c_str());
  }
}

// An attachment writer that "recognized" text, as the digitizer does.
class TextAttachments final : public AttachmentWriter {
 public:
  core::Expected<AttachmentPdf> Write(const std::vector<scanner::ScannedPage>& pages,
                                      const catalog::PageFormat& format) override {
    KIOSK_ASSIGN_OR_RETURN(auto pdf, ImageOnlyAttachments().Write(pages, format));
    pdf.text = "Giấy chứng sinh số 12";
    return pdf;
  }
};

TEST(Journey, RecognizedTextTravelsBesideItsPdf) {
  TextAttachments writer;
  journey->SetAttachmentWriter(&writer);
  Identified();
  journey->ChooseProcedure("1.001193");
  CHECK(journey->SetField("child_name", "Nguyễn Thị Mai"));
  CHECK(journey->SetField("child_birth_date", "20/11/2026"));
  CHECK(journey->SetField("child_sex", "Nữ"));
  CHECK(journey->SetField("child_birth_place", "Bệnh viện Đa khoa Quảng Nam"));
  CHECK(journey->SetField("relationship", "cha"));
  journey->Next();
  journey->ScanPage("GCS");
  Settle();
  journey->Next();
  journey->Next();
  journey->SetConsent(true);
  journey->Confirm();
  Settle();
  CHECK_TEXT(journey->CurrentScreen() == Screen::kReceipt, journey->Message().c_str());
  auto entry = outbox->FindByReference(journey->CurrentSession()->outcome->local_reference);
  CHECK(entry.HasValue() && entry->has_value());
  auto package = dossier::PackageReader::Open((*entry)->package, storage_key);
  CHECK(package.HasValue());
  std::vector<std::string> names;
  for (const auto& e : package->Entries()) names.push_back(e.name);
  CHECK((names ==
         std::vector<std::string>{"manifest.jws", "attachment-01.pdf", "attachment-01.txt"}));
  std::string text;
  CHECK(package
            ->ReadEntry(2,
                        [&](core::ByteView chunk) {
                          text.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
                          return core::Ok();
                        })
            .HasValue());
  STRCMP_EQUAL("Giấy chứng sinh số 12", text.c_str());
}

TEST(Journey, CertificationsShowTheCounterStepOnTheirPathAndTheReceipt) {
  Identified();
  journey->ChooseProcedure("2.000884");
  // Before: the path has no papers to scan and a counter step.
  const auto path = journey->Path();
  CHECK(std::find(path.begin(), path.end(), Screen::kAttachPapers) == path.end());
  CHECK(std::find(path.begin(), path.end(), Screen::kAtCounter) != path.end());
  CHECK(journey->SetField("document_title", "Giấy ủy quyền"));
  journey->Next();
  CHECK(journey->CurrentScreen() == Screen::kAtCounter);
  journey->Back();
  CHECK(journey->CurrentScreen() == Screen::kReviewForm);
  journey->Next();
  journey->Next();
  CHECK(journey->CurrentScreen() == Screen::kFees);
  journey->Back();
  CHECK(journey->CurrentScreen() == Screen::kAtCounter);
  journey->Next();
  journey->Pay("card");
  Settle();
  journey->SetConsent(true);
  journey->Confirm();
  Settle();
  Settle();
  CHECK(journey->CurrentScreen() == Screen::kReceipt);
  // The receipt says what is done at the counter.
  const auto r = ReceiptOf(*journey->CurrentSession(), journey->Config());
  CHECK(!r.at_counter.empty());
  CHECK(r.at_counter.back().find("trước mặt cán bộ") != std::string::npos);
  CHECK(!r.bring.empty());
  // A procedure without one has none on its path.
  journey->Cancel();
  Identified();
  journey->ChooseProcedure("1.001193");
  const auto birth = journey->Path();
  CHECK(std::find(birth.begin(), birth.end(), Screen::kAtCounter) == birth.end());
  CHECK(std::find(birth.begin(), birth.end(), Screen::kAttachPapers) != birth.end());
}

TEST(Journey, PaymentFailuresKeepTheCitizenOnTheFeeScreen) {
  Identified();
  journey->ChooseProcedure("2.000884");
  CHECK(journey->SetField("document_title", "Giấy ủy quyền"));
  journey->Next();
  CHECK(journey->CurrentScreen() == Screen::kAtCounter);
  journey->Next();
  CHECK(journey->CurrentScreen() == Screen::kFees);
  journey->Next();
  STRCMP_EQUAL("fees.unpaid", journey->Message().c_str());
  terminal->FailNext("payment.declined");
  journey->Pay("card");
  Settle();
  CHECK(journey->CurrentScreen() == Screen::kFees);
  STRCMP_EQUAL("payment.declined", journey->Message().c_str());
  journey->Pay("card");
  Settle();
  CHECK(journey->CurrentScreen() == Screen::kConsent);
  LONGS_EQUAL(10000, journey->CurrentSession()->payment->amount_vnd);
  // Once paid, the fee screen cannot be re-entered to pay twice.
  journey->Back();
  CHECK(journey->CurrentScreen() == Screen::kFees);
  journey->Back();
  CHECK(journey->CurrentScreen() == Screen::kFees);
  journey->Pay("card");
  LONGS_EQUAL(0, executor.Pending());
  LONGS_EQUAL(1, terminal->Approved());
}

TEST(Journey, TheGatewaysCodeReachesTheReceiptWhenTheAgentAnswersInTime) {
  ThreadExecutor threads;
  Settings settings = MakeSettings();
  auto with_wait = std::make_unique<Journey>(
      *catalog,
      [&] {
        settings.submit_wait = std::chrono::milliseconds(10'000);
        return settings;
      }(),
      Devices{*reader, scanner, *terminal, printer, *outbox},
      SealingKeys{*device_key, "QNM-TAMKY-0001", storage_key, worker_random}, threads, clock,
      random);
  journey = std::move(with_wait);
  auto settle = [&](Screen until) {
    for (int i = 0; i < 1000 && journey->CurrentScreen() != until; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      journey->Poll();
    }
    CHECK_TEXT(
        journey->CurrentScreen() == until,
        (std::string(ToString(journey->CurrentScreen())) + " " + journey->Message()).c_str());
  };
  journey->Start();
  journey->IdentifyWith(KeySource::kQr, kP01Qr);
  settle(Screen::kChooseProcedure);
  journey->ChooseProcedure("1.004873");
  CHECK(journey->SetField("marital_status", "married"));
  CHECK(journey->SetField("purpose", "Bổ sung hồ sơ vay vốn"));
  journey->Next();
  CHECK(journey->CurrentScreen() == Screen::kAttachPapers);  // optional paper: may skip
  journey->Next();
  CHECK(journey->CurrentSession()->fees.empty());  // Hà Nội only
  journey->Next();
  journey->SetConsent(true);
  // The agent, another process in production: acknowledges what it finds.
  std::thread agent([&] {
    auto other = dossier::Outbox::Open(dir.Path() / "outbox", clock);
    for (int i = 0; i < 400; ++i) {
      auto next = other->TakeNextDue();
      if (next && *next) {
        CHECK(
            other->MarkAcknowledged((*next)->id, "000.17.22.H56-261130-0042", "Q7KD", "2026-12-03")
                .HasValue());
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  journey->Confirm();
  settle(Screen::kReceipt);
  agent.join();  // NOLINT: joined before any check can fail past it
  const auto& outcome = *journey->CurrentSession()->outcome;
  STRCMP_EQUAL("000.17.22.H56-261130-0042", outcome.dossier_code.c_str());
  STRCMP_EQUAL("Q7KD", outcome.lookup_secret.c_str());
  STRCMP_EQUAL("2026-12-03", outcome.appointment.c_str());
}

TEST(Journey, PaperOutIsReportedAndTheReceiptCanBeReprinted) {
  UpToConsentForCertifiedCopy();
  journey->SetConsent(true);
  printer.SetStatus(printer::PrinterStatus::kPaperOut);
  journey->Confirm();
  Settle();
  Settle();
  CHECK(journey->CurrentScreen() == Screen::kReceipt);
  STRCMP_EQUAL("printer.paper_out", journey->PrintProblem().c_str());
  printer.SetStatus(printer::PrinterStatus::kReady);
  journey->Reprint();
  Settle();
  STRCMP_EQUAL("", journey->PrintProblem().c_str());
  // The receipt, then the fee receipt: the fee was paid by card.
  LONGS_EQUAL(2, printer.Printed().size());
  STRCMP_EQUAL("GIẤY TIẾP NHẬN HỒ SƠ (TẠM THỜI)", printer.Printed()[0][4].c_str());
  const auto& fee = printer.Printed()[1];
  STRCMP_EQUAL("BIÊN LAI THU PHÍ, LỆ PHÍ", fee[1].c_str());
  CHECK(std::find(fee.begin(), fee.end(), "Tổng cộng: 7.000 đ") != fee.end());
  CHECK(std::find(fee.begin(), fee.end(), "Bằng chữ: Bảy nghìn đồng") != fee.end());
  CHECK(std::find(fee.begin(), fee.end(), "Hình thức thanh toán: Thẻ ngân hàng") != fee.end());
}

TEST(Journey, APaidFeeIsCommittedWhenSealedAndGivenBackWhenAbandoned) {
  UpToConsentForCertifiedCopy();
  const std::string reference = journey->CurrentSession()->payment_reference;
  CHECK(reference.rfind("DVC", 0) == 0);
  LONGS_EQUAL(23, reference.size());
  journey->SetConsent(true);
  journey->Confirm();
  Settle();
  Settle();
  CHECK(journey->CurrentScreen() == Screen::kReceipt);
  LONGS_EQUAL(1, terminal->Committed());
  LONGS_EQUAL(0, terminal->Released());
  // The method and the transaction travel in the signed manifest.
  auto entry = outbox->FindByReference(journey->CurrentSession()->outcome->local_reference);
  CHECK(entry.HasValue() && entry->has_value());
  auto package = dossier::PackageReader::Open((*entry)->package, storage_key);
  auto jws = core::VerifyJwsEs256(*package->ManifestJws(), *device_key->Public());
  CHECK(jws.HasValue());
  auto manifest = dossier::ParseManifest(
      std::string(reinterpret_cast<const char*>(jws->payload.data()), jws->payload.size()));
  CHECK(manifest.HasValue());
  CHECK(manifest->payment.has_value());
  STRCMP_EQUAL("card", manifest->payment->method.c_str());
  STRCMP_EQUAL(journey->CurrentSession()->payment->transaction_reference.c_str(),
               manifest->payment->reference.c_str());
  LONGS_EQUAL(7000, manifest->payment->amount_vnd);
  LONGS_EQUAL(2, manifest->payment->online_channel);
  STRCMP_EQUAL(reference.c_str(), manifest->payment->payment_reference.c_str());
  CHECK_FALSE(manifest->assisted_by.has_value());  // the citizen alone
  journey->Cancel();

  // The next citizen pays, then walks away before confirming.
  UpToConsentForCertifiedCopy();
  LONGS_EQUAL(2, terminal->Approved());
  journey->Cancel();
  journey.reset();  // joins the reversal
  LONGS_EQUAL(1, terminal->Released());
  LONGS_EQUAL(1, terminal->Committed());
}

namespace {
// The process's virtual size: a thread left unjoined keeps its stack (8 MB).
long VirtualKb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmSize:", 0) == 0) return std::stol(line.substr(7));
  }
  return 0;
}
}  // namespace

// Weeks of citizens who pay and walk away: each reversal runs on the one
// background thread, not a thread of its own left for the journey's end.
TEST(Journey, ReversalsDoNotPileUpThreads) {
  // Each reversal is let finish before the next citizen: CppUTest's leak
  // tracking is not safe against two threads allocating at once.
  const auto released = [this](int n) {
    for (int i = 0; i < 1000 && terminal->Released() < n; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return terminal->Released();
  };
  UpToConsentForCertifiedCopy();
  journey->Cancel();
  LONGS_EQUAL(1, released(1));
  const long before = VirtualKb();
  for (int i = 0; i < 20; ++i) {
    UpToConsentForCertifiedCopy();
    journey->Cancel();
    LONGS_EQUAL(i + 2, released(i + 2));
  }
  const long grown = VirtualKb() - before;
  CHECK_TEXT(grown < 20 * 1024, ("virtual size grew by " + std::to_string(grown) + " kB").c_str());
}

TEST(Journey, TheDriversPromptReachesTheFeeScreen) {
  Identified();
  OnTheFeesOfACertifiedCopy();
  journey->Pay("vietqr");
  // The fake pays at once; the prompt of a real driver arrives as an event
  // before the result. Post one as the VietQR driver would.
  payment::PaymentPrompt prompt;
  prompt.method = "vietqr";
  prompt.qr_payload = "000201010212";
  prompt.valid_for = std::chrono::seconds(180);
  journey->Post(event::PaymentPrompted{prompt});
  journey->Poll();
  CHECK(journey->CurrentSession()->payment_prompt.has_value());
  // The code's countdown starts when it shows.
  CHECK(journey->PaymentSecondsLeft().has_value());
  CHECK(*journey->PaymentSecondsLeft() <= 180 && *journey->PaymentSecondsLeft() >= 170);
  STRCMP_EQUAL("000201010212", journey->CurrentSession()->payment_prompt->qr_payload.c_str());
  Settle();
  CHECK(journey->CurrentScreen() == Screen::kConsent);
  CHECK_FALSE(journey->CurrentSession()->payment_prompt.has_value());
  STRCMP_EQUAL("vietqr", journey->CurrentSession()->payment->method.c_str());
}

TEST(Journey, AVietQrCodeThatRanOutSaysWhatBecomesOfATransfer) {
  Identified();
  OnTheFeesOfACertifiedCopy();
  terminal->FailNext("payment.timeout");
  journey->Pay("vietqr");
  Settle();
  CHECK(journey->CurrentScreen() == Screen::kFees);
  STRCMP_EQUAL("payment.vietqr_timeout", journey->Message().c_str());
  // A card that timed out is just a timeout.
  terminal->FailNext("payment.timeout");
  journey->Pay("card");
  Settle();
  STRCMP_EQUAL("payment.timeout", journey->Message().c_str());
}

TEST(Journey, AFeePaidAtTheCounterGoesWithTheDossierAsDue) {
  Identified();
  OnTheFeesOfACertifiedCopy();
  journey->PayAtCounter();
  CHECK(journey->CurrentScreen() == Screen::kConsent);
  journey->SetConsent(true);
  journey->Confirm();
  Settle();
  Settle();
  CHECK(journey->CurrentScreen() == Screen::kReceipt);
  CHECK_FALSE(journey->CurrentSession()->payment.has_value());
  const auto r = ReceiptOf(*journey->CurrentSession(), journey->Config());
  CHECK(r.fee_at_counter);
  const auto lines = printer::ReceiptLines(r);
  CHECK(std::any_of(lines.begin(), lines.end(), [](const std::string& l) {
    return l.find("nộp tại quầy một cửa") != std::string::npos;
  }));
  // A procedure that does not allow it stays on the fee screen.
  journey->Cancel();
  Identified();
  journey->ChooseProcedure("1.004222");
  CHECK_FALSE(journey->CurrentSession()->procedure->pay_at_counter);
}

TEST(Journey, IdleTimeoutWarnsThenWipesAtEveryStep) {
  const Screen steps[] = {
      Screen::kIdentify, Screen::kChooseProcedure, Screen::kReviewForm, Screen::kAttachPapers,
      Screen::kFees,     Screen::kConsent,         Screen::kReceipt,    Screen::kRating};
  for (Screen target : steps) {
    journey = MakeJourney();
    UpToConsentFree();
    // Walk back or forward to the step under test.
    if (target == Screen::kReceipt || target == Screen::kRating) {
      journey->SetConsent(true);
      journey->Confirm();
      Settle();
      Settle();
      if (target == Screen::kRating) journey->Next();
    } else {
      for (int i = 0; i < 6 && journey->CurrentScreen() != target; ++i) journey->Back();
    }
    CHECK_TEXT(journey->CurrentScreen() == target, ToString(target));
    clock.Advance(seconds(89));
    journey->Poll();
    CHECK_FALSE(journey->IdleWarning().has_value());
    clock.Advance(seconds(1));
    journey->Poll();
    CHECK_TEXT(journey->IdleWarning().has_value(), ToString(target));
    LONGS_EQUAL(20, *journey->IdleWarning());
    // A touch keeps the session.
    journey->Activity();
    CHECK_FALSE(journey->IdleWarning().has_value());
    clock.Advance(seconds(109));
    journey->Poll();
    CHECK(journey->CurrentScreen() == target);
    LONGS_EQUAL(1, *journey->IdleWarning());
    clock.Advance(seconds(1));
    journey->Poll();
    CHECK_TEXT(journey->CurrentScreen() == Screen::kAttract, ToString(target));
    CHECK(journey->CurrentSession() == nullptr);
  }
}

TEST(Journey, NoTimeoutWhileTheKioskIsWorking) {
  journey->Start();
  journey->IdentifyWith(KeySource::kQr, kP01Qr);
  clock.Advance(seconds(600));
  journey->Poll();
  CHECK(journey->CurrentScreen() == Screen::kReadingCard);
  Settle();
  CHECK(journey->CurrentScreen() == Screen::kChooseProcedure);
}

TEST(Journey, ResultsForAWipedSessionAreDropped) {
  journey->Start();
  journey->IdentifyWith(KeySource::kQr, kP01Qr);
  journey->Cancel();
  Settle();  // the read finishes after the citizen left
  CHECK(journey->CurrentScreen() == Screen::kAttract);
  CHECK(journey->CurrentSession() == nullptr);
  journey->Start();
  Settle();
  CHECK(journey->CurrentScreen() == Screen::kIdentify);
  CHECK_FALSE(journey->CurrentSession()->identity.has_value());
}

TEST(Journey, RatingEndsTheJourneyAndTheSessionIsWiped) {
  kiosk::link::RatingOutbox ratings(dir.Path() / "ratings");
  journey->SetRatingOutbox(&ratings);
  UpToConsentForCertifiedCopy();
  journey->SetLanguage("en");
  journey->SetConsent(true);
  journey->Confirm();
  Settle();
  Settle();
  journey->Next();
  CHECK(journey->CurrentScreen() == Screen::kRating);
  journey->Rate(7);  // not a score: ignored
  CHECK(journey->CurrentScreen() == Screen::kRating);
  journey->Rate(3);
  CHECK(journey->CurrentScreen() == Screen::kGoodbye);
  std::ifstream in(dir.Path() / "ratings.jsonl");
  std::string line;
  std::getline(in, line);
  CHECK(line.find("\"score\":3") != std::string::npos);
  CHECK(line.find("Nguy") == std::string::npos);
  // And for the gateway's figures, by the dossier's id alone.
  const auto waiting = ratings.Pending().Value();
  LONGS_EQUAL(1, waiting.size());
  LONGS_EQUAL(3, waiting[0].score);
  STRCMP_EQUAL(journey->CurrentSession()->dossier_id.ToString().c_str(),
               waiting[0].dossier_id.c_str());
  clock.Advance(seconds(8));
  journey->Poll();
  CHECK(journey->CurrentScreen() == Screen::kAttract);
  CHECK(journey->CurrentSession() == nullptr);
  STRCMP_EQUAL("vi", journey->Language().c_str());
}

TEST(Journey, LookUpByReferenceQrOrCode) {
  UpToConsentForCertifiedCopy();
  journey->SetConsent(true);
  journey->Confirm();
  Settle();
  const std::string reference = journey->CurrentSession()->outcome->local_reference;
  journey->Cancel();

  journey->StartLookup();
  CHECK(journey->CurrentScreen() == Screen::kLookup);
  journey->LookupDossier(reference);
  Settle();
  CHECK(journey->Lookup()->found);
  STRCMP_EQUAL("queued", journey->Lookup()->state.c_str());

  auto next = outbox->TakeNextDue();
  CHECK(outbox->MarkAcknowledged((*next)->id, "000.17.22.H56-261130-0001", "AB12", "2026-12-01")
            .HasValue());
  journey->LookupDossier(
      "https://dichvucong.gov.vn/tra-cuu-ho-so?code=000.17.22.H56-261130-0001&secret=AB12");
  Settle();
  CHECK(journey->Lookup()->found);
  STRCMP_EQUAL("acknowledged", journey->Lookup()->state.c_str());
  STRCMP_EQUAL("2026-12-01", journey->Lookup()->appointment.c_str());

  journey->LookupDossier("000.17.22.H56-261130-0999");
  Settle();
  CHECK_FALSE(journey->Lookup()->found);
  journey->LookupDossier("https://example.invalid/?x=1");
  STRCMP_EQUAL("lookup.unreadable", journey->Message().c_str());
  journey->Back();
  CHECK(journey->CurrentScreen() == Screen::kAttract);
}

TEST(Journey, QueueTicketsCountPerDayAndSurviveRestarts) {
  journey->TakeTicket();
  Settle();
  LONGS_EQUAL(1, *journey->Ticket());
  journey->Next();
  CHECK(journey->CurrentScreen() == Screen::kAttract);
  journey = MakeJourney();  // the app restarts
  journey->TakeTicket();
  Settle();
  LONGS_EQUAL(2, *journey->Ticket());
  LONGS_EQUAL(2, printer.Printed().size());
  journey->Cancel();
  clock.Advance(std::chrono::hours(24));
  journey->TakeTicket();
  Settle();
  LONGS_EQUAL(1, *journey->Ticket());
}

TEST(Journey, StepIndicatorAndScreenNames) {
  LONGS_EQUAL(1, StepOf(Screen::kIdentify));
  LONGS_EQUAL(kStepCount, StepOf(Screen::kReceipt));
  LONGS_EQUAL(0, StepOf(Screen::kAttract));
  for (Screen s : kAllScreens) CHECK(ScreenFromString(ToString(s)) == s);
  CHECK_FALSE(ScreenFromString("nowhere").has_value());
}

TEST(Journey, TelemetryCountsJourneysCardsPaymentsAndDeviceStates) {
  // A card read that fails, then one that works; a completed certified copy.
  journey->Start();
  reader->Remove();
  journey->IdentifyWith(KeySource::kIdNumber, "049090100001");
  Settle();
  reader->Place(kiosk::test::P01Card());
  journey->IdentifyWith(KeySource::kQr, kP01Qr);
  Settle();
  OnTheFeesOfACertifiedCopy();
  journey->Pay("card");
  Settle();
  journey->SetConsent(true);
  printer.SetStatus(printer::PrinterStatus::kPaperOut);
  journey->Confirm();
  Settle();
  Settle();
  // Then a citizen who walks away.
  journey->Cancel();
  journey->Start();
  journey->Cancel();
  const auto& t = journey->Counters();
  const auto counters = t.CounterValues();
  LONGS_EQUAL(2, counters.at("journeys_started"));
  LONGS_EQUAL(1, counters.at("journeys_completed"));
  LONGS_EQUAL(1, counters.at("journeys_abandoned"));
  LONGS_EQUAL(1, counters.at("card_reads_failed"));
  LONGS_EQUAL(1, counters.at("card_reads_ok"));
  LONGS_EQUAL(1, counters.at("payments_ok"));
  const auto states = t.PeripheralStates();
  STRCMP_EQUAL("paper_out", states.at("printer").c_str());
  STRCMP_EQUAL("ok", states.at("card_reader").c_str());  // "card.absent" is the citizen's
  // Codes only: the recent errors never hold anything about the citizen.
  for (const auto& code : t.recent_errors) CHECK(code.find(' ') == std::string::npos);
  CHECK(std::find(t.recent_errors.begin(), t.recent_errors.end(), "printer.paper_out") !=
        t.recent_errors.end());
}

TEST(Journey, OutOfServiceTakesNoNewCitizenButLetsOneFinish) {
  journey->Start();
  journey->SetOutOfService(true);
  CHECK(journey->CurrentScreen() == Screen::kIdentify);  // the citizen already there goes on
  journey->Cancel();
  journey->Start();
  journey->StartLookup();
  journey->TakeTicket();
  CHECK(journey->CurrentScreen() == Screen::kAttract);
  CHECK(journey->CurrentSession() == nullptr);
  CHECK_FALSE(journey->InUse());
  journey->SetOutOfService(false);
  journey->Start();
  CHECK(journey->CurrentScreen() == Screen::kIdentify);
  CHECK(journey->InUse());
}

TEST(Journey, OnlyTheProceduresEnabledAtProvisioningAreOffered) {
  auto settings = MakeSettings();
  settings.enabled_procedures = {"2.000815", "1.004873"};
  journey = std::make_unique<Journey>(
      *catalog, settings, Devices{*reader, scanner, *terminal, printer, *outbox},
      SealingKeys{*device_key, "QNM-TAMKY-0001", storage_key, worker_random}, executor, clock,
      random);
  Identified();
  LONGS_EQUAL(2, journey->SearchResults().size());
  journey->ChooseProcedure("1.001193");
  STRCMP_EQUAL("procedure.unknown", journey->Message().c_str());
  CHECK(journey->CurrentScreen() == Screen::kChooseProcedure);
  journey->ChooseProcedure("2.000815");
  CHECK(journey->CurrentScreen() == Screen::kReviewForm);
}

// Help from staff: the call goes to kiosk-agent through the help mailbox
// (played here by the agent's side of the same link type), the citizen
// waiting is not wiped for idleness, a wrong PIN is said, an accepted one
// puts the officer in the sealed dossier, and the call ends with the citizen.
TEST(Journey, AnOfficerCalledToTheKioskAssistsAndTheDossierSaysWho) {
  kiosk::link::HelpMailbox line(dir.Path() / "help");
  kiosk::link::HelpMailbox agent(dir.Path() / "help");
  journey->SetHelpLine(&line);
  UpToConsentForCertifiedCopy();
  journey->CallHelp();
  CHECK(journey->HelpStatus().shown);
  CHECK(journey->HelpStatus().state == journey::HelpState::kCalling);
  auto call = agent.OpenCall().Value();
  CHECK(call.has_value());
  STRCMP_EQUAL("consent", call->screen.c_str());
  kiosk::link::HelpAnswer answer;
  answer.call_id = call->id;
  answer.state = "open";
  CHECK(agent.Answer(answer).HasValue());
  clock.Advance(std::chrono::seconds(1));
  journey->Poll();
  CHECK(journey->HelpStatus().state == journey::HelpState::kOpen);
  // Waiting for an officer is not walking away.
  clock.Advance(std::chrono::minutes(5));
  journey->Poll();
  CHECK(journey->CurrentScreen() == Screen::kConsent);
  CHECK_FALSE(journey->IdleWarning().has_value());

  journey->StartOfficerPin();
  CHECK(journey->HelpStatus().pin_entry);
  journey->OfficerPin("12");
  STRCMP_EQUAL("help.pin_invalid", journey->Message().c_str());
  journey->OfficerPin("482130");
  CHECK(journey->HelpStatus().checking);
  call = agent.OpenCall().Value();
  STRCMP_EQUAL("482130", call->pin.c_str());
  answer.attempt = call->attempt;
  answer.credential = "refused";
  CHECK(agent.Answer(answer).HasValue());
  clock.Advance(std::chrono::seconds(1));
  journey->Poll();
  STRCMP_EQUAL("help.pin_refused", journey->Message().c_str());
  CHECK_FALSE(journey->HelpStatus().checking);
  STRCMP_EQUAL("", agent.OpenCall().Value()->pin.c_str());  // the PIN left the file
  journey->OfficerPin("482131");
  call = agent.OpenCall().Value();
  answer.attempt = call->attempt;
  answer.credential = "accepted";
  answer.state = "answered";
  answer.officer_id = "CB-000001";
  answer.officer_name = "Trần Thị Bình";
  CHECK(agent.Answer(answer).HasValue());
  clock.Advance(std::chrono::seconds(1));
  journey->Poll();
  CHECK(journey->HelpStatus().assisting.has_value());
  CHECK_FALSE(journey->HelpStatus().shown);
  STRCMP_EQUAL("", journey->Message().c_str());
  STRCMP_EQUAL("", agent.OpenCall().Value()->pin.c_str());
  LONGS_EQUAL(1, journey->Counters().assisted_sessions);

  // The citizen still consents and confirms.
  journey->Confirm();
  STRCMP_EQUAL("consent.required", journey->Message().c_str());
  journey->SetConsent(true);
  journey->Confirm();
  Settle();
  Settle();
  CHECK(journey->CurrentScreen() == Screen::kReceipt);
  auto entry = outbox->FindByReference(journey->CurrentSession()->outcome->local_reference);
  auto package = dossier::PackageReader::Open((*entry)->package, storage_key);
  auto jws = core::VerifyJwsEs256(*package->ManifestJws(), *device_key->Public());
  auto manifest = dossier::ParseManifest(
      std::string(reinterpret_cast<const char*>(jws->payload.data()), jws->payload.size()));
  CHECK_TEXT(manifest.HasValue(),
             manifest.HasValue() ? "" : manifest.GetError().ToString().c_str());
  CHECK(manifest->assisted_by.has_value());
  STRCMP_EQUAL("CB-000001", manifest->assisted_by->officer_id.c_str());
  STRCMP_EQUAL("Trần Thị Bình", manifest->assisted_by->officer_name.c_str());
  // The citizen leaves: the call is withdrawn and assisted mode ends.
  journey->Cancel();
  CHECK_FALSE(agent.OpenCall().Value().has_value());
  CHECK_FALSE(journey->HelpStatus().assisting.has_value());
  CHECK(journey->HelpStatus().state == journey::HelpState::kNone);
}

TEST(Journey, ACallNoOneCanCarryIsSaidAndTheCitizenMayStopIt) {
  journey->CallHelp();  // no help line on this kiosk: nothing happens
  CHECK_FALSE(journey->HelpStatus().shown);
  kiosk::link::HelpMailbox line(dir.Path() / "help");
  kiosk::link::HelpMailbox agent(dir.Path() / "help");
  journey->SetHelpLine(&line);
  journey->CallHelp();  // from the attract screen too
  auto call = agent.OpenCall().Value();
  STRCMP_EQUAL("attract", call->screen.c_str());
  kiosk::link::HelpAnswer answer;
  answer.call_id = call->id;
  answer.state = "offline";
  answer.detail = "tls.connect";
  CHECK(agent.Answer(answer).HasValue());
  clock.Advance(std::chrono::seconds(1));
  journey->Poll();
  CHECK(journey->HelpStatus().state == journey::HelpState::kOffline);
  // Starting keeps the call; stopping it withdraws it.
  journey->HideHelp();
  journey->Start();
  CHECK(agent.OpenCall().Value().has_value());
  journey->CancelHelp();
  CHECK_FALSE(agent.OpenCall().Value().has_value());
  CHECK(journey->HelpStatus().state == journey::HelpState::kNone);
  CHECK(journey->CurrentScreen() == Screen::kIdentify);
}
