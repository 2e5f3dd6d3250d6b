#pragma once

// The citizen's journey as a state machine, with no rendering in it
// (ARCHITECTURE.md §5): attract → identify → choose procedure → review the
// form → attach papers → fees → consent → submit → receipt → rating → wipe,
// plus look-up and queue tickets. Screens draw its state and call its
// intents; scripts call the same intents through the screens. Device work
// runs on an Executor and comes back as events through Poll(), so the
// journey itself is single-threaded and every transition is testable.
//
// Everything about the citizen lives in one Session that is destroyed, and
// its buffers zeroed, at the end of the journey or when the citizen walks
// away (idle timeout, driven by the injected clock).

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "kiosk/catalog/catalog.h"
#include "kiosk/core/clock.h"
#include "kiosk/core/pk.h"
#include "kiosk/core/random.h"
#include "kiosk/core/secret.h"
#include "kiosk/core/uuid.h"
#include "kiosk/dossier/outbox.h"
#include "kiosk/idcard/reader.h"
#include "kiosk/journey/flow.h"
#include "kiosk/journey/telemetry.h"
#include "kiosk/link/help_call.h"
#include "kiosk/link/ratings.h"
#include "kiosk/payment/payment.h"
#include "kiosk/printer/printer.h"
#include "kiosk/scanner/scanner.h"

namespace kiosk::journey {

const char* ToString(Screen screen);  // "attract", "identify", ...

// A field of the card by the name a form gives it (catalog::kCardSources);
// null for a name that is not one.
const core::PersonalText* CardField(const idcard::CitizenIdentity& id, std::string_view source);
std::optional<Screen> ScreenFromString(std::string_view name);

// The step indicator of the dossier path: 1..kStepCount, 0 off the path.
// A citizen's own path leaves out the steps their procedure has not
// (Journey::Path): no papers to scan, nothing done at the counter.
inline constexpr int kStepCount = 8;
int StepOf(Screen screen);

enum class KeySource { kQr, kMrz, kIdNumber };

// The camera above the card tray as the journey needs it (kiosk-app's
// app/card_camera.h puts drivers/camera and drivers/mrz behind it): one look
// at the tray, giving the card's key text and where it came from, or why
// not: "card.not_in_view" (nothing printed in view: the tray is empty) or
// another code (a card is there, but neither its QR nor its MRZ was read).
// Called on the device worker, never on the UI thread.
class CardLook {
 public:
  struct Seen {
    KeySource source = KeySource::kQr;
    core::PersonalText text;  // the QR payload or the 90 MRZ characters
  };
  virtual ~CardLook() = default;
  virtual core::Expected<Seen> Look(const idcard::Date& today) = 0;
};

// Runs device work off the UI thread. Tests run it inline.
class Executor {
 public:
  virtual ~Executor() = default;
  virtual void Run(std::function<void()> work) = 0;
};

class InlineExecutor final : public Executor {
 public:
  void Run(std::function<void()> work) override { work(); }
};

// Runs jobs only when told (RunPending): headless runs and tests decide when
// device work finishes, so every frame is reproducible.
class DeferredExecutor final : public Executor {
 public:
  void Run(std::function<void()> work) override { jobs_.push_back(std::move(work)); }
  // Runs queued jobs, including any they queue; returns how many ran.
  int RunPending() {
    int ran = 0;
    while (!jobs_.empty()) {
      auto job = std::move(jobs_.front());
      jobs_.pop_front();
      job();
      ++ran;
    }
    return ran;
  }
  bool Idle() const { return jobs_.empty(); }

 private:
  std::deque<std::function<void()>> jobs_;
};

// One worker thread, jobs in order; the destructor finishes the queue.
class ThreadExecutor final : public Executor {
 public:
  ThreadExecutor();
  ~ThreadExecutor() override;
  void Run(std::function<void()> work) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A paper's scanned pages to the PDF the dossier carries, in the
// procedure's page format (catalog::PageFormat). The default,
// ImageOnlyAttachments, checks the pages against the format and stores
// them as scanned; kiosk-app installs one that cleans the pages, keeps
// them in the format's mode and adds the OCR text layer (firmware/digitize).
struct AttachmentPdf {
  std::vector<std::uint8_t> pdf;
  int pages = 0;
  std::string text;  // the recognized text (UTF-8), empty without OCR; wiped after sealing
};
class AttachmentWriter {
 public:
  virtual ~AttachmentWriter() = default;
  virtual core::Expected<AttachmentPdf> Write(const std::vector<scanner::ScannedPage>& pages,
                                              const catalog::PageFormat& format) = 0;
};
class ImageOnlyAttachments final : public AttachmentWriter {
 public:
  core::Expected<AttachmentPdf> Write(const std::vector<scanner::ScannedPage>& pages,
                                      const catalog::PageFormat& format) override;
};

struct Devices {
  idcard::IdCardReader& card_reader;
  scanner::Scanner& scanner;
  payment::PaymentTerminal& payment;
  printer::ReceiptPrinter& printer;
  dossier::Outbox& outbox;
};

// What sealing needs: kiosk-app's sealing key (dossier/sealing_key.h), the
// outbox's storage key, and randomness used only by the worker that seals.
struct SealingKeys {
  const core::PrivateKey& signing_key;
  std::string key_id;  // the kiosk id
  const core::SecretBytes& storage_key;
  core::RandomSource& random;
};

struct Settings {
  std::string kiosk_id;
  std::string province;     // two-digit administrative code: fee rules ("01" Hà Nội)
  std::string agency_code;  // receiving agency, e.g. "000.17.22.H56"
  std::string agency_name;  // printed on the receipt
  std::string site_name;    // "UBND phường An Mỹ", on the queue ticket
  // The commune's hospitals and health stations: the choices of a place of
  // birth or death (FormField::choices_from = "health_facilities").
  std::vector<std::string> health_facilities;
  // The procedures this kiosk offers (set at provisioning); empty: all.
  std::set<std::string> enabled_procedures;
  // The year's swaps beyond the Labour Code's holidays, the office's hours.
  catalog::CalendarRules calendar;
  int utc_offset_hours = 7;
  std::chrono::seconds idle_timeout{90};
  std::chrono::seconds idle_warning{20};
  std::chrono::seconds goodbye{8};
  std::chrono::milliseconds card_wait{20'000};
  std::chrono::milliseconds submit_wait{15'000};
  std::string lookup_url = "https://dichvucong.gov.vn/tra-cuu-ho-so";
  std::string consent_version = "kiosk-consent/2026-01";
  std::string return_method = "Bộ phận một cửa";
  // The counter a citizen goes to ("Quầy số 2, Bộ phận một cửa UBND phường
  // An Mỹ"), its hours and the hotline: on the receipt and the queue ticket.
  std::string counter;
  std::string working_hours;
  std::string hotline;
  std::string language = "vi";  // each citizen starts in this language
  bool large_text = false;      // each citizen starts with this text size ("Chữ to")
  // Payment methods offered, in order ("card", "vietqr"); the devices' router
  // must know each.
  std::vector<std::string> payment_methods{"card", "vietqr"};
  // Private working folder: attachment files while sealing (removed after),
  // the queue-ticket counter, the rating log.
  std::filesystem::path work_dir;
  const idcard::TrustStore* trust = nullptr;
};

// ---- what device work reports back ----

struct SubmitOutcome {
  std::string local_reference;
  std::string dossier_code;  // empty: provisional
  std::string lookup_secret;
  std::string appointment;  // YYYY-MM-DD from the gateway, else computed on the kiosk
};

struct LookupResult {
  bool found = false;
  std::string code;
  std::string reference;
  std::string state;  // "queued", "acknowledged", ... (dossier::OutboxState)
  std::string appointment;
};

namespace event {
struct CardProgress {
  int percent = 0;
};
struct CardRead {
  core::Expected<idcard::CitizenIdentity> identity;
};
struct PageScanned {
  std::string paper;
  core::Expected<scanner::ScannedPage> page;
};
struct PaymentPrompted {  // the driver asks the citizen to act: a QR to scan, a card to present
  payment::PaymentPrompt prompt;
};
struct Paid {
  core::Expected<payment::PaymentResult> result;
};
struct Submitted {
  core::Expected<SubmitOutcome> outcome;
};
struct Printed {
  core::Status status;
};
struct LookedUp {
  core::Expected<LookupResult> result;
};
struct TicketIssued {
  core::Expected<int> number;
  core::Status printed;
};
struct CardLooked {
  core::Expected<CardLook::Seen> seen;
};
}  // namespace event

using Event = std::variant<event::CardProgress, event::CardRead, event::PageScanned,
                           event::PaymentPrompted, event::Paid, event::Submitted, event::Printed,
                           event::LookedUp, event::TicketIssued, event::CardLooked>;

// ---- the session: everything about one citizen ----

struct FieldState {
  core::PersonalText value;
  bool from_card = false;  // filled from the chip: shown, not editable
  std::string problem;     // "form.required", ... after Next
};

struct Session : core::NotLoggable {
  Session() = default;
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  core::Uuid dossier_id;
  core::WallTime started_at;
  KeySource key_source = KeySource::kQr;
  // The last key the camera gave: when the card read with it fails, it is
  // not tried again until the card leaves the tray or another key is seen.
  core::PersonalText camera_key_tried;
  std::optional<idcard::CitizenIdentity> identity;
  std::string search;
  std::string category;
  const catalog::Procedure* procedure = nullptr;
  std::map<std::string, FieldState> fields;
  std::map<std::string, std::vector<scanner::ScannedPage>> pages;  // by paper code
  std::vector<catalog::FeeLine> fees;
  std::string payment_reference;                         // dossier::PaymentReference
  std::optional<payment::PaymentPrompt> payment_prompt;  // while a payment waits on the citizen
  core::MonoTime payment_prompt_at{};
  // The citizen chose to pay at the counter (the procedure allows it): the
  // fee is due there, the dossier goes without a payment.
  bool fee_at_counter = false;
  std::optional<payment::PaymentResult> payment;
  bool consent = false;
  core::WallTime consent_at;
  std::optional<SubmitOutcome> outcome;
  std::optional<printer::Receipt> receipt;
  int rating = 0;
  std::optional<dossier::Assistance> assisted_by;  // an officer helped (assisted mode)
};

// A citizen's call for an officer, as the screens show it.
enum class HelpState {
  kNone,      // no call
  kCalling,   // written for kiosk-agent; the gateway has not answered yet
  kOpen,      // the commune's officers see it on the dashboard
  kAnswered,  // an officer took it and is on the way (officer_name)
  kOffline,   // the gateway could not be reached: the citizen is told to go to the counter
};
struct Help {
  HelpState state = HelpState::kNone;
  std::string officer_name;                      // who answered, or who assists
  bool shown = false;                            // the help panel is over the screen
  bool pin_entry = false;                        // an officer is typing their PIN
  bool checking = false;                         // the PIN is with the gateway
  std::optional<dossier::Assistance> assisting;  // assisted mode
};

// How the kiosk addresses the citizen in Vietnamese, from the chip's sex:
// "Ông" (Nam), "Bà" (Nữ), or "Ông/Bà" before the card is read.
std::string Salutation(const Session* session);

// The dossier a finished session makes, as a value: the applicant from the
// chip (or typed, in assisted mode), the form, fees, payment and consent.
// Attachments are added on the worker, from the scanned pages.
dossier::Dossier DossierOf(const Session& session, const Settings& settings,
                           core::WallTime submitted_at);

// At start-up: removes what an older kiosk-app left in its work folder from
// a sealing cut short (plaintext attachments under "sealing-*"). Sealing
// itself no longer writes any. Returns how many were removed.
int SweepWorkDir(const std::filesystem::path& work_dir);

class Journey {
 public:
  Journey(const catalog::Catalog& catalog, Settings settings, Devices devices, SealingKeys keys,
          Executor& executor, const core::Clock& clock, core::RandomSource& random);
  ~Journey();
  Journey(const Journey&) = delete;
  // Replaces ImageOnlyAttachments; `writer` outlives the journey and is
  // used on the executor's thread.
  void SetAttachmentWriter(AttachmentWriter* writer) { attachments_ = writer; }
  Journey& operator=(const Journey&) = delete;

  // ---- what the screens draw ----
  Screen CurrentScreen() const { return screen_; }
  const Session* CurrentSession() const { return session_.get(); }
  const catalog::Catalog& Catalog() const { return catalog_; }
  const Settings& Config() const { return settings_; }
  const std::string& Language() const { return language_; }
  bool LargeText() const { return large_text_; }
  // The last problem to show the citizen ("card.wrong_key", "scanner.no_paper",
  // "papers.missing", ...); cleared by the next intent.
  const std::string& Message() const { return message_; }
  int Progress() const { return progress_; }  // card read, 0-100
  bool Busy() const { return busy_; }         // device work in flight
  // Seconds left before the session is wiped, while the idle warning shows.
  std::optional<int> IdleWarning() const;
  const std::optional<LookupResult>& Lookup() const { return lookup_; }
  std::optional<int> Ticket() const { return ticket_; }
  const std::string& PrintProblem() const { return print_problem_; }
  // Seconds the VietQR code on screen stays valid; none while no code shows.
  std::optional<int> PaymentSecondsLeft() const;
  std::vector<catalog::SearchHit> SearchResults() const;
  // The procedures this kiosk offers in the category chosen (all when none).
  std::vector<catalog::SearchHit> OfferedProcedures() const;
  // The steps of this citizen's dossier path, as the step indicator shows
  // them: the first screen of each (kIdentify, kChooseProcedure, ...). The
  // papers step is there when the procedure has papers to scan, the counter
  // step when it has anything done at the counter; before a procedure is
  // chosen, the papers step stands for both.
  std::vector<Screen> Path() const;
  catalog::Day Today() const;
  // Screens entered since the journey began (for the figures of a run).
  int ScreensVisited() const { return screens_visited_; }

  const Telemetry& Counters() const { return telemetry_; }
  // Help from staff (journey/src/help.cpp): available once a mailbox is set.
  void SetHelpLine(link::HelpMailbox* mailbox) { help_line_ = mailbox; }
  // Ratings go to the gateway through kiosk-agent (link/ratings.h).
  void SetRatingOutbox(link::RatingOutbox* ratings) { ratings_ = ratings; }
  // The camera above the card tray: while the identify screen shows, it
  // looks every kLookEvery, and a key it reads opens the card as a key
  // shown to the QR reader would. Five looks at a card it cannot read, and
  // the citizen is asked to turn the card over or place it again
  // ("card.turn_over").
  void SetCardLook(CardLook* look) { card_look_ = look; }
  static constexpr std::chrono::milliseconds kLookEvery{400};
  static constexpr int kLooksBeforeAdvice = 5;
  bool HelpAvailable() const { return help_line_ != nullptr; }
  const Help& HelpStatus() const { return help_; }
  // Whether this kiosk offers the procedure (Settings::enabled_procedures).
  bool Offered(const std::string& code) const;
  // Maintenance mode (an operator's command): no new citizen is served; one
  // already at the kiosk finishes. The attract screen shows "out of service".
  void SetOutOfService(bool out) { out_of_service_ = out; }
  bool OutOfService() const { return out_of_service_; }
  // A citizen is using the kiosk (updates wait until none is).
  bool InUse() const { return session_ != nullptr || screen_ != Screen::kAttract; }

  // ---- intents ----
  void Activity();  // any touch: the citizen is still there
  void SetLanguage(std::string language);
  void SetLargeText(bool on);  // "Chữ to": until the citizen leaves
  void Start();                // attract → identify
  void StartLookup();
  void TakeTicket();
  void IdentifyWith(KeySource source, std::string text);
  void SetCategory(std::string category);
  void SetSearch(std::string query);
  void ChooseProcedure(const std::string& code);
  bool SetField(const std::string& id, std::string value);
  void ScanPage(const std::string& paper);
  void RemoveLastPage(const std::string& paper);
  void Pay(const std::string& method);
  void CancelPayment();  // while a payment waits on the citizen
  void PayAtCounter();   // the fee is paid at the counter instead, where allowed
  void SetConsent(bool accepted);
  void Confirm();
  void Reprint();
  void Rate(int score);  // 1 = not satisfied, 2 = satisfied, 3 = very satisfied
  void LookupDossier(std::string text);
  void Next();
  void Back();
  void Cancel();                     // wipe and return to attract
  void CallHelp();                   // "Nhờ cán bộ hỗ trợ": call, and show the panel
  void HideHelp();                   // back to the screen; the call stays open
  void CancelHelp();                 // the citizen no longer needs an officer
  void StartOfficerPin();            // "Dành cho cán bộ": the PIN pad
  void OfficerPin(std::string pin);  // checked by the gateway through kiosk-agent
  void EndAssistance();              // the officer leaves; the citizen goes on alone

  // ---- the loop ----
  // Handles device results (from any thread via Post) and the idle timer.
  // Handles what device work reported, at most `max_events` of it (a
  // headless run draws between them), then the idle rules. Returns how many
  // events it handled.
  std::size_t Poll(std::size_t max_events = SIZE_MAX);
  void Post(Event event);

 private:
  void PollHelp();
  void PollCamera();
  void EndHelp();  // the citizen is gone: the call is withdrawn, assisted mode ends
  // Moves along the flow (flow.h); only Take calls Go.
  void Take(Step step);
  void Go(Screen screen);
  void Wipe();
  void Handle(event::CardProgress e);
  void Handle(event::CardRead e);
  void Handle(event::PageScanned e);
  void Handle(event::PaymentPrompted e);
  void Handle(event::Paid e);
  void Handle(event::Submitted e);
  void Handle(event::Printed e);
  void Handle(event::LookedUp e);
  void Handle(event::TicketIssued e);
  void Handle(event::CardLooked e);
  void Work(std::function<Event()> job);
  // Runs `job` on the device worker; its event comes back through Poll()
  // unless the session is wiped first. Work() is Dispatch() with the
  // journey busy meanwhile.
  void Dispatch(std::function<Event()> job);
  // Device work beside the device worker, which may be busy (an abort while
  // a payment waits) or outlive the session (a reversal): one thread, jobs in
  // order, finished when the journey ends. Never a thread per job.
  void Background(std::function<void()> job);
  void FillFromCard();
  bool ValidateForm();
  bool NeedsScanning() const;
  void EnterFees();
  void Submit();
  void Print();
  std::vector<std::pair<std::string, std::string>> Answers() const;

  const catalog::Catalog& catalog_;
  Settings settings_;
  catalog::WorkCalendar calendar_{settings_.calendar};
  Devices devices_;
  ImageOnlyAttachments image_only_;
  AttachmentWriter* attachments_ = &image_only_;
  SealingKeys keys_;
  Executor& executor_;
  const core::Clock& clock_;
  core::UuidV7Generator ids_;

  Screen screen_ = Screen::kAttract;
  std::unique_ptr<Session> session_;
  std::string language_;
  bool large_text_ = false;
  std::string message_;
  std::string print_problem_;
  int progress_ = 0;
  bool busy_ = false;
  std::uint64_t generation_ = 0;  // results of a wiped session are dropped
  core::MonoTime last_activity_;
  std::optional<LookupResult> lookup_;
  std::optional<int> ticket_;
  link::RatingOutbox* ratings_ = nullptr;
  int screens_visited_ = 1;
  Telemetry telemetry_;
  bool out_of_service_ = false;
  link::HelpMailbox* help_line_ = nullptr;
  Help help_;
  std::string help_call_id_;
  std::string help_attempt_;  // the PIN attempt waiting for its answer
  core::MonoTime help_polled_{};
  CardLook* card_look_ = nullptr;
  bool looking_ = false;  // a look is on the device worker
  core::MonoTime last_look_{};
  int unread_looks_ = 0;  // looks in a row at a card whose key was not read

  struct Inbox {
    std::mutex mutex;
    std::deque<std::pair<std::uint64_t, Event>> events;
  };
  std::shared_ptr<Inbox> inbox_ = std::make_shared<Inbox>();
  ThreadExecutor background_;  // last: finished first, while the rest still exists
};

// The queue-ticket counter: numbers start at 1 each day and survive restarts.
core::Expected<int> NextTicketNumber(const std::filesystem::path& file, const catalog::Day& day);

// The citizen's answer to "how satisfied are you?", appended durably to a
// log (no personal data: dossier id, code, score, time) for the agent.
core::Status AppendRating(const std::filesystem::path& file, const std::string& dossier_id,
                          const std::string& code, int score, core::WallTime at);

}  // namespace kiosk::journey
