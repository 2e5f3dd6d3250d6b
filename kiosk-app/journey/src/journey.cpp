#include "kiosk/journey/journey.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <thread>

#include "kiosk/core/log.h"
#include "kiosk/core/text.h"
#include "kiosk/dossier/image_pdf.h"
#include "kiosk/idcard/access_key.h"

namespace kiosk::journey {

namespace {

struct ScreenName {
  Screen screen;
  const char* name;
  int step;
};

constexpr ScreenName kScreens[] = {
    {Screen::kAttract, "attract", 0},
    {Screen::kIdentify, "identify", 1},
    {Screen::kReadingCard, "reading_card", 1},
    {Screen::kChooseProcedure, "choose_procedure", 2},
    {Screen::kReviewForm, "review_form", 3},
    {Screen::kAttachPapers, "attach_papers", 4},
    {Screen::kFees, "fees", 5},
    {Screen::kConsent, "consent", 6},
    {Screen::kSubmitting, "submitting", 6},
    {Screen::kReceipt, "receipt", 7},
    {Screen::kRating, "rating", 0},
    {Screen::kGoodbye, "goodbye", 0},
    {Screen::kLookup, "lookup", 0},
    {Screen::kTicket, "ticket", 0},
};

// Screens where the kiosk, not the citizen, is working: no idle timeout.
bool Waiting(Screen s) {
  return s == Screen::kAttract || s == Screen::kReadingCard || s == Screen::kSubmitting;
}

// Secure erase of the scanned pages, which std::vector would leave in the heap.
void WipeBytes(std::vector<std::uint8_t>& bytes) {
  volatile std::uint8_t* p = bytes.data();
  for (std::size_t i = 0; i < bytes.size(); ++i) p[i] = 0;
}

// A plaintext attachment in the private sealing folder.
// The plaintext of an attachment for sealing, moved out of `bytes` (wiped).
std::shared_ptr<const core::SecretBytes> InMemory(std::vector<std::uint8_t>& bytes) {
  auto content = std::make_shared<const core::SecretBytes>(core::ByteView(bytes));
  WipeBytes(bytes);
  return content;
}

void WipePages(std::map<std::string, std::vector<scanner::ScannedPage>>& pages) {
  for (auto& [paper, list] : pages) {
    for (auto& page : list) {
      WipeBytes(page.jpeg);
      WipeBytes(page.pixels);
    }
  }
  pages.clear();
}

const core::PersonalText* CardField(const idcard::CitizenIdentity& id, std::string_view source) {
  if (source == "id_number") return &id.id_number;
  if (source == "full_name") return &id.full_name;
  if (source == "birth_date") return &id.birth_date;
  if (source == "sex") return &id.sex;
  if (source == "nationality") return &id.nationality;
  if (source == "ethnicity") return &id.ethnicity;
  if (source == "religion") return &id.religion;
  if (source == "place_of_origin") return &id.place_of_origin;
  if (source == "residence") return &id.residence;
  if (source == "issue_date") return &id.issue_date;
  if (source == "father_name") return &id.father_name;
  if (source == "mother_name") return &id.mother_name;
  if (source == "spouse_name") return &id.spouse_name;
  if (source == "old_id_number") return &id.old_id_number;
  return nullptr;
}

std::string TwoDigits(unsigned v) {
  char b[4];
  std::snprintf(b, sizeof b, "%02u", v % 100);
  return b;
}

std::string DayText(const catalog::Day& d) {
  return TwoDigits(static_cast<unsigned>(d.day())) + "/" +
         TwoDigits(static_cast<unsigned>(d.month())) + "/" +
         std::to_string(static_cast<int>(d.year()));
}

// "09 giờ 05 phút, ngày 30/11/2026", in local time, as receipts write it.
std::string TimeText(core::WallTime t, int utc_offset_hours) {
  const auto local = t + std::chrono::hours(utc_offset_hours);
  const auto since = local - std::chrono::floor<std::chrono::days>(local);
  return TwoDigits(
             static_cast<unsigned>(std::chrono::duration_cast<std::chrono::hours>(since).count())) +
         " giờ " +
         TwoDigits(static_cast<unsigned>(
             std::chrono::duration_cast<std::chrono::minutes>(since).count() % 60)) +
         " phút, ngày " + DayText(catalog::Day{std::chrono::floor<std::chrono::days>(local)});
}

}  // namespace

const char* ToString(Screen screen) {
  for (const auto& s : kScreens) {
    if (s.screen == screen) return s.name;
  }
  return "?";
}

std::optional<Screen> ScreenFromString(std::string_view name) {
  for (const auto& s : kScreens) {
    if (name == s.name) return s.screen;
  }
  return std::nullopt;
}

int StepOf(Screen screen) {
  for (const auto& s : kScreens) {
    if (s.screen == screen) return s.step;
  }
  return 0;
}

// ---- executors ----

struct ThreadExecutor::Impl {
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<std::function<void()>> jobs;
  bool stopping = false;
  std::thread worker;
};

ThreadExecutor::ThreadExecutor() : impl_(std::make_unique<Impl>()) {
  impl_->worker = std::thread([impl = impl_.get()] {
    while (true) {
      std::function<void()> job;
      {
        std::unique_lock lock(impl->mutex);
        impl->wake.wait(lock, [&] { return impl->stopping || !impl->jobs.empty(); });
        if (impl->jobs.empty()) return;
        job = std::move(impl->jobs.front());
        impl->jobs.pop_front();
      }
      job();
    }
  });
}

ThreadExecutor::~ThreadExecutor() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->wake.notify_all();
  impl_->worker.join();
}

void ThreadExecutor::Run(std::function<void()> work) {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->jobs.push_back(std::move(work));
  }
  impl_->wake.notify_one();
}

// ---- session ----

Session::~Session() {
  WipePages(pages);
  core::WipeString(search);
}

// ---- journey ----

Journey::Journey(const catalog::Catalog& catalog, Settings settings, Devices devices,
                 SealingKeys keys, Executor& executor, const core::Clock& clock,
                 core::RandomSource& random)
    : catalog_(catalog),
      settings_(std::move(settings)),
      devices_(devices),
      keys_(keys),
      executor_(executor),
      clock_(clock),
      ids_(clock, random),
      language_(settings_.language),
      last_activity_(clock.Monotonic()) {}

Journey::~Journey() { Wipe(); }

void Journey::Background(std::function<void()> job) { background_.Run(std::move(job)); }

catalog::Day Journey::Today() const {
  const auto local = clock_.Now() + std::chrono::hours(settings_.utc_offset_hours);
  return catalog::Day{std::chrono::floor<std::chrono::days>(local)};
}

std::optional<int> Journey::IdleWarning() const {
  if (Waiting(screen_) || screen_ == Screen::kGoodbye) return std::nullopt;
  const auto idle = clock_.Monotonic() - last_activity_;
  if (idle < settings_.idle_timeout) return std::nullopt;
  const auto left = settings_.idle_timeout + settings_.idle_warning - idle;
  return static_cast<int>(
      std::max<std::int64_t>(0, std::chrono::ceil<std::chrono::seconds>(left).count()));
}

bool Journey::Offered(const std::string& code) const {
  return settings_.enabled_procedures.empty() || settings_.enabled_procedures.contains(code);
}

std::vector<catalog::SearchHit> Journey::SearchResults() const {
  if (!session_) return {};
  std::vector<catalog::SearchHit> hits;
  if (session_->search.empty()) {
    for (const auto& p : catalog_.Procedures()) {
      if (session_->category.empty() || p.category == session_->category) hits.push_back({&p, 0});
    }
  } else {
    hits = catalog::Search(catalog_, session_->search, session_->category);
  }
  std::erase_if(hits, [this](const catalog::SearchHit& h) { return !Offered(h.procedure->code); });
  return hits;
}

void Journey::Take(Step step) {
  const auto to = Destination(screen_, step);
  if (!to) {
    // A step the flow does not have from here: a fault of the journey's
    // code, never the citizen's. Stay, and say so.
    core::log::Error("journey.no_transition",
                     {{"screen", ToString(screen_)}, {"step", ToString(step)}});
    return;
  }
  Go(*to);
}

void Journey::Go(Screen screen) {
  if (screen != screen_) ++screens_visited_;
  screen_ = screen;
  last_activity_ = clock_.Monotonic();
}

void Telemetry::Error(const std::string& code) {
  if (code.empty()) return;
  recent_errors.push_back(code);
  while (recent_errors.size() > 10) recent_errors.pop_front();
}

namespace {
// A device's state from its last error code.
std::string DeviceState(const std::string& problem) {
  if (problem.empty()) return "ok";
  auto has = [&](const char* part) { return problem.find(part) != std::string::npos; };
  // What the citizen did (no paper on the glass, cancelled) is no device fault.
  if (has("no_paper") || has("cancelled")) return "ok";
  if (has("paper_out")) return "paper_out";
  if (has("near_end")) return "paper_near_end";
  if (has("cover_open")) return "cover_open";
  if (has("absent") || has("none") || has("unplugged") || has("gone")) return "absent";
  if (has("offline") || has("timeout") || has("no_service")) return "offline";
  return "error";
}
}  // namespace

std::map<std::string, std::string> Telemetry::PeripheralStates() const {
  return {
      {"card_reader", DeviceState(card_reader_problem)},
      {"scanner", DeviceState(scanner_problem)},
      {"printer", DeviceState(print_problem)},
      {"payment_terminal",
       payment_problem == "payment.offline" || payment_problem == "payment.timeout" ? "unreachable"
                                                                                    : "ok"}};
}

std::map<std::string, std::int64_t> Telemetry::CounterValues() const {
  return {{"journeys_started", journeys_started},     {"journeys_completed", journeys_completed},
          {"journeys_abandoned", journeys_abandoned}, {"card_reads_ok", card_reads_ok},
          {"card_reads_failed", card_reads_failed},   {"payments_ok", payments_ok},
          {"payments_declined", payments_declined}};
}

void Journey::Wipe() {
  if (session_ && !session_->outcome) ++telemetry_.journeys_abandoned;
  if (session_ && session_->payment && !session_->outcome) {
    // Paid, but the dossier was never sealed: the fee goes back (a card
    // reversal), or is left recorded for staff (a bank transfer).
    auto& terminal = devices_.payment;
    Background([&terminal, reference = session_->payment_reference] {
      auto released = terminal.Release(reference);
      if (!released) {
        core::log::Warn("journey.payment_not_released", {{"error", released.GetError().Code()}});
      }
    });
  }
  ++generation_;  // results of work for this session are dropped
  session_.reset();
  message_.clear();
  print_problem_.clear();
  progress_ = 0;
  busy_ = false;
  lookup_.reset();
  ticket_.reset();
}

void Journey::Activity() { last_activity_ = clock_.Monotonic(); }

void Journey::SetLanguage(std::string language) {
  Activity();
  language_ = language == "en" ? "en" : "vi";
}

void Journey::Start() {
  if (screen_ != Screen::kAttract && screen_ != Screen::kGoodbye) return;
  if (out_of_service_) return;
  Wipe();
  ++telemetry_.journeys_started;
  session_ = std::make_unique<Session>();
  auto id = ids_.Next();
  if (!id) {
    message_ = "kiosk.fault";
    return;
  }
  session_->dossier_id = *id;
  session_->payment_reference = dossier::PaymentReference(*id);
  session_->started_at = clock_.Now();
  screens_visited_ = 1;
  Take(Step::kStart);
}

void Journey::StartLookup() {
  if (screen_ != Screen::kAttract || out_of_service_) return;
  Wipe();
  Take(Step::kLookUp);
}

void Journey::Work(std::function<Event()> job) {
  busy_ = true;
  const std::uint64_t generation = generation_;
  std::weak_ptr<Inbox> inbox = inbox_;
  executor_.Run([job = std::move(job), generation, inbox] {
    Event result = job();
    if (auto box = inbox.lock()) {
      std::lock_guard lock(box->mutex);
      box->events.emplace_back(generation, std::move(result));
    }
  });
}

void Journey::Post(Event event) {
  std::lock_guard lock(inbox_->mutex);
  inbox_->events.emplace_back(generation_, std::move(event));
}

void Journey::TakeTicket() {
  if (screen_ != Screen::kAttract || busy_ || out_of_service_) return;
  Wipe();
  Take(Step::kTakeTicket);
  const auto file = settings_.work_dir / "queue-ticket";
  const auto day = Today();
  const std::string day_text = DayText(day);
  const auto now = clock_.Now() + std::chrono::hours(settings_.utc_offset_hours);
  const auto since_midnight = now - std::chrono::floor<std::chrono::days>(now);
  const auto hh = std::chrono::duration_cast<std::chrono::hours>(since_midnight).count();
  const auto mm = std::chrono::duration_cast<std::chrono::minutes>(since_midnight).count() % 60;
  const std::string time_text =
      TwoDigits(static_cast<unsigned>(hh)) + ":" + TwoDigits(static_cast<unsigned>(mm));
  auto& printer = devices_.printer;
  const std::string site = settings_.site_name;
  Work([file, day, day_text, time_text, site, &printer]() -> Event {
    auto number = NextTicketNumber(file, day);
    core::Status printed = core::Ok();
    if (number) printed = printer.Print(printer::QueueTicket{*number, day_text, time_text, site});
    return event::TicketIssued{std::move(number), std::move(printed)};
  });
}

void Journey::IdentifyWith(KeySource source, std::string text) {
  Activity();
  if (screen_ != Screen::kIdentify || !session_ || busy_) return;
  message_.clear();
  const auto today = Today();
  const idcard::Date date{static_cast<int>(today.year()), static_cast<int>(unsigned(today.month())),
                          static_cast<int>(unsigned(today.day()))};
  core::Expected<idcard::AccessKey> key = core::Error::Fatal("key.none", "no key");
  switch (source) {
    case KeySource::kQr:
      key = idcard::AccessKey::FromQr(text, date);
      break;
    case KeySource::kMrz:
      key = idcard::AccessKey::FromMrz(text);
      break;
    case KeySource::kIdNumber:
      key = idcard::AccessKey::FromIdNumber(text, "", "", date);
      break;
  }
  if (!key) {
    message_ = source == KeySource::kIdNumber ? "key.bad_id" : "key.unreadable";
    return;
  }
  session_->key_source = source;
  progress_ = 0;
  Take(Step::kCardPresented);
  auto shared_key = std::make_shared<idcard::AccessKey>(std::move(key).Value());
  auto& reader = devices_.card_reader;
  const auto wait = settings_.card_wait;
  const auto* trust = settings_.trust;
  std::weak_ptr<Inbox> inbox = inbox_;
  const std::uint64_t generation = generation_;
  Work([shared_key, &reader, wait, trust, inbox, generation]() -> Event {
    idcard::ReadOptions options;
    options.trust = trust;
    options.on_progress = [&](const idcard::ReadProgress& p) {
      if (auto box = inbox.lock()) {
        std::lock_guard lock(box->mutex);
        box->events.emplace_back(generation, event::CardProgress{p.percent});
      }
    };
    return event::CardRead{reader.Read(*shared_key, options, wait)};
  });
}

void Journey::SetCategory(std::string category) {
  Activity();
  if (!session_) return;
  session_->category = session_->category == category ? "" : std::move(category);
}

void Journey::SetSearch(std::string query) {
  Activity();
  if (!session_) return;
  session_->search = std::move(query);
}

void Journey::ChooseProcedure(const std::string& code) {
  Activity();
  if (screen_ != Screen::kChooseProcedure || !session_) return;
  const auto* procedure = catalog_.Find(code);
  if (procedure == nullptr || !Offered(code)) {
    message_ = "procedure.unknown";
    return;
  }
  message_.clear();
  session_->procedure = procedure;
  session_->fields.clear();
  WipePages(session_->pages);
  session_->fees.clear();
  session_->payment.reset();
  FillFromCard();
  Take(Step::kProcedureChosen);
}

void Journey::FillFromCard() {
  for (const auto& field : session_->procedure->form) {
    FieldState state;
    if (!field.card_source.empty() && session_->identity) {
      const auto* value = CardField(*session_->identity, field.card_source);
      if (value != nullptr && !value->Reveal().empty()) {
        state.value = value->Clone();
        state.from_card = true;
      }
    }
    if (!state.from_card && !field.default_value.empty()) {
      state.value = core::PersonalText(field.default_value);
    }
    session_->fields.emplace(field.id, std::move(state));
  }
}

bool Journey::SetField(const std::string& id, std::string value) {
  Activity();
  if (screen_ != Screen::kReviewForm || !session_) return false;
  auto it = session_->fields.find(id);
  if (it == session_->fields.end() || it->second.from_card) return false;
  auto nfc = core::NormalizeNfc(value);
  if (!nfc) return false;
  it->second.value = core::PersonalText(std::move(nfc).Value());
  it->second.problem.clear();
  message_.clear();
  return true;
}

bool Journey::ValidateForm() {
  bool ok = true;
  const auto today = Today();
  for (const auto& field : session_->procedure->form) {
    auto& state = session_->fields[field.id];
    auto problem = catalog::ValidateField(field, state.value.Reveal(), today);
    state.problem = problem ? problem->code : "";
    ok = ok && !problem;
  }
  return ok;
}

bool Journey::NeedsScanning() const {
  const auto& papers = session_->procedure->papers;
  return std::any_of(papers.begin(), papers.end(), [](const catalog::Paper& p) { return p.scan; });
}

void Journey::ScanPage(const std::string& paper) {
  Activity();
  if (screen_ != Screen::kAttachPapers || !session_ || busy_) return;
  message_.clear();
  auto& scanner = devices_.scanner;
  Work([paper, &scanner]() -> Event {
    return event::PageScanned{paper, scanner.ScanPage(nullptr)};
  });
}

void Journey::RemoveLastPage(const std::string& paper) {
  Activity();
  if (screen_ != Screen::kAttachPapers || !session_) return;
  auto it = session_->pages.find(paper);
  if (it == session_->pages.end() || it->second.empty()) return;
  std::map<std::string, std::vector<scanner::ScannedPage>> last;
  last[paper].push_back(std::move(it->second.back()));
  it->second.pop_back();
  WipePages(last);
}

std::vector<std::pair<std::string, std::string>> Journey::Answers() const {
  std::vector<std::pair<std::string, std::string>> answers;
  for (const auto& [id, state] : session_->fields) answers.emplace_back(id, state.value.Reveal());
  return answers;
}

void Journey::EnterFees() {
  session_->fees =
      catalog::SelectFees(*session_->procedure, Today(), settings_.province, Answers());
  Take(Step::kToFees);
}

void Journey::Pay(const std::string& method) {
  Activity();
  if (screen_ != Screen::kFees || !session_ || busy_ || session_->payment) return;
  const auto total = catalog::TotalVnd(session_->fees);
  if (total == 0) return;
  message_.clear();
  auto& terminal = devices_.payment;
  payment::PaymentRequest request{total, session_->payment_reference, method, {}};
  // The driver's prompt (a QR to scan, a card to present) reaches the screen
  // from the worker, for this session only.
  std::weak_ptr<Inbox> inbox = inbox_;
  request.prompt = [inbox, generation = generation_](const payment::PaymentPrompt& prompt) {
    if (auto box = inbox.lock()) {
      std::lock_guard lock(box->mutex);
      box->events.emplace_back(generation, event::PaymentPrompted{prompt});
    }
  };
  Work([request, &terminal]() -> Event { return event::Paid{terminal.Pay(request)}; });
}

void Journey::CancelPayment() {
  Activity();
  if (screen_ != Screen::kFees || !busy_) return;
  auto& terminal = devices_.payment;
  Background([&terminal] { terminal.Cancel(); });
}

void Journey::SetConsent(bool accepted) {
  Activity();
  if (screen_ != Screen::kConsent || !session_) return;
  session_->consent = accepted;
  session_->consent_at = clock_.Now();
  message_.clear();
}

void Journey::Confirm() {
  Activity();
  if (screen_ != Screen::kConsent || !session_ || busy_) return;
  if (!session_->consent) {
    message_ = "consent.required";
    return;
  }
  Submit();
}

void Journey::Submit() {
  const Session& s = *session_;
  auto dossier = std::make_shared<dossier::Dossier>();
  dossier->id = s.dossier_id;
  dossier->procedure_code = s.procedure->code;
  dossier->procedure_version = s.procedure->version;
  dossier->receiving_agency = settings_.agency_code;
  dossier->kiosk_id = settings_.kiosk_id;
  auto field = [&](const char* id) -> std::string {
    auto it = s.fields.find(id);
    return it == s.fields.end() ? std::string() : it->second.value.Reveal();
  };
  auto& applicant = dossier->applicant;
  if (s.identity) {
    applicant.id_number = s.identity->id_number.Clone();
    applicant.full_name = s.identity->full_name.Clone();
    applicant.birth_date = s.identity->birth_date.Clone();
    applicant.sex = s.identity->sex.Clone();
    applicant.residence = s.identity->residence.Clone();
    applicant.authenticity = s.identity->authenticity.Verdict();
    applicant.source = s.identity->authenticity.AnyFailed()
                           ? dossier::IdentitySource::kChipUnverified
                           : dossier::IdentitySource::kChipVerified;
  } else {
    applicant.id_number = core::PersonalText(field("applicant_id"));
    applicant.full_name = core::PersonalText(field("applicant_name"));
    applicant.source = dossier::IdentitySource::kTyped;
  }
  applicant.phone = core::PersonalText(field("phone"));
  for (const auto& f : s.procedure->form) {
    dossier->form.emplace_back(f.id, s.fields.at(f.id).value.Clone());
  }
  for (const auto& fee : s.fees) dossier->fees.push_back({fee.code, fee.amount_vnd});
  if (s.payment) {
    // Decision 766 DuocThanhToanTrucTuyen: 2, the province's own channel (the
    // agency's card terminal, or VietQR confirmed through the province gateway).
    dossier->payment = dossier::Payment{s.payment->method,   s.payment->transaction_reference,
                                        s.payment_reference, s.payment->amount_vnd,
                                        s.payment->paid_at,  2};
  }
  dossier->consent = {settings_.consent_version, s.consent_at};
  dossier->started_at = s.started_at;
  dossier->submitted_at = clock_.Now();

  // Attachments: one PDF per paper, made and sealed in memory: no page or
  // recognized text is ever written in the clear, so a crash or a power cut
  // while sealing leaves nothing of the citizen behind.
  struct PendingAttachment {
    std::string paper;
    std::vector<scanner::ScannedPage> pages;
  };
  auto pending = std::make_shared<std::vector<PendingAttachment>>();
  for (const auto& paper : s.procedure->papers) {
    auto it = s.pages.find(paper.code);
    if (it == s.pages.end() || it->second.empty()) continue;
    pending->push_back(PendingAttachment{paper.code, it->second});
  }

  // The appointment the kiosk can compute itself, for a provisional receipt.
  const auto local = clock_.Now() + std::chrono::hours(settings_.utc_offset_hours);
  const int hour = static_cast<int>(std::chrono::duration_cast<std::chrono::hours>(
                                        local - std::chrono::floor<std::chrono::days>(local))
                                        .count());
  const std::string appointment = catalog::FormatDay(
      catalog::AppointmentDay(s.procedure->time_limit, Today(), hour, settings_.holidays));

  message_.clear();
  Take(Step::kConfirmed);
  auto& outbox = devices_.outbox;
  const auto keys = keys_;
  const auto wait = settings_.submit_wait;
  auto* attachments = attachments_;
  Work([dossier, pending, &outbox, keys, wait, appointment, attachments]() -> Event {
    auto outcome = [&]() -> core::Expected<SubmitOutcome> {
      int n = 0;
      for (const auto& a : *pending) {
        KIOSK_ASSIGN_OR_RETURN(auto written, attachments->Write(a.pages));
        char stem[32];
        std::snprintf(stem, sizeof stem, "attachment-%02d", ++n);
        dossier::Attachment attachment;
        attachment.name = std::string(stem) + ".pdf";
        attachment.component_code = a.paper;
        attachment.pages = written.pages;
        attachment.has_ocr_text = !written.text.empty();
        attachment.size = written.pdf.size();
        attachment.content = InMemory(written.pdf);
        dossier->attachments.push_back(std::move(attachment));
        if (!written.text.empty()) {
          // The recognized text beside its PDF, for the back end to index.
          dossier::Attachment text;
          text.name = std::string(stem) + ".txt";
          text.component_code = a.paper;
          text.mime = "text/plain; charset=utf-8";
          text.has_ocr_text = true;
          text.size = written.text.size();
          text.content = std::make_shared<const core::SecretBytes>(core::AsBytes(written.text));
          core::WipeString(written.text);
          dossier->attachments.push_back(std::move(text));
        }
      }
      std::map<std::string, std::vector<scanner::ScannedPage>> copies;
      for (auto& a : *pending) copies[a.paper] = std::move(a.pages);
      WipePages(copies);
      auto sealed =
          outbox.Seal(*dossier, keys.signing_key, keys.key_id, keys.storage_key, keys.random);
      for (auto& a : dossier->attachments) a.content.reset();  // wiped with the last copy
      if (!sealed) return sealed.GetError();
      SubmitOutcome result;
      result.local_reference = dossier::LocalReference(sealed->id);
      result.appointment = appointment;
      KIOSK_ASSIGN_OR_RETURN(auto ack, outbox.WaitForAcknowledgement(sealed->id, wait));
      if (ack) {
        result.dossier_code = ack->dossier_code;
        result.lookup_secret = ack->lookup_secret;
        if (!ack->appointment.empty()) result.appointment = ack->appointment;
      }
      return result;
    }();
    return event::Submitted{std::move(outcome)};
  });
}

int SweepWorkDir(const std::filesystem::path& work_dir) {
  int removed = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(work_dir, ec)) {
    if (entry.path().filename().string().rfind("sealing-", 0) != 0) continue;
    std::error_code gone;
    std::filesystem::remove_all(entry.path(), gone);
    if (!gone) ++removed;
  }
  return removed;
}

printer::Receipt Journey::BuildReceipt() const {
  const Session& s = *session_;
  printer::Receipt r;
  r.agency = settings_.agency_name;
  r.dossier_code = s.outcome->dossier_code;
  r.local_reference = s.outcome->local_reference;
  r.provisional = s.outcome->dossier_code.empty();
  auto field = [&](const char* id) -> std::string {
    auto it = s.fields.find(id);
    return it == s.fields.end() ? std::string() : it->second.value.Reveal();
  };
  r.applicant_name = core::PersonalText(field("applicant_name"));
  r.applicant_address = core::PersonalText(field("applicant_residence"));
  r.applicant_phone = core::PersonalText(field("phone"));
  r.procedure_name = s.procedure->name.vi;
  r.procedure_code = s.procedure->code;
  for (const auto& paper : s.procedure->papers) {
    auto it = s.pages.find(paper.code);
    if (it != s.pages.end() && !it->second.empty()) {
      r.papers.push_back(paper.name.vi + " (" + std::to_string(it->second.size()) + " trang)");
    }
  }
  r.papers.insert(r.papers.begin(), "Tờ khai điện tử điền tại ki-ốt");
  r.time_limit = s.procedure->time_limit.text.vi;
  r.received_at = TimeText(s.started_at, settings_.utc_offset_hours);
  auto appointment = catalog::ParseDay(s.outcome->appointment);
  r.appointment = appointment ? "ngày " + DayText(*appointment) : s.outcome->appointment;
  r.return_method = settings_.return_method;
  for (const auto& fee : s.fees) {
    r.fees.push_back(fee.label.vi + ": " + catalog::FormatVnd(fee.amount_vnd));
  }
  r.fee_total = catalog::FormatVnd(catalog::TotalVnd(s.fees));
  if (s.payment) r.payment_reference = s.payment->transaction_reference;
  r.lookup_secret = s.outcome->lookup_secret.empty()
                        ? "-"
                        : dossier::PrintedLookupSecret(s.outcome->lookup_secret);
  r.lookup_url = settings_.lookup_url + "?" +
                 (r.provisional ? "ref=" + r.local_reference
                                : "code=" + r.dossier_code + "&secret=" + s.outcome->lookup_secret);
  return r;
}

printer::FeeReceipt Journey::BuildFeeReceipt() const {
  const Session& s = *session_;
  printer::FeeReceipt r;
  r.agency = settings_.agency_name;
  r.payer_name = core::PersonalText([&] {
    auto it = s.fields.find("applicant_name");
    return it == s.fields.end() ? std::string() : it->second.value.Reveal();
  }());
  r.dossier_reference = s.outcome && !s.outcome->dossier_code.empty()
                            ? s.outcome->dossier_code
                            : (s.outcome ? s.outcome->local_reference : s.payment_reference);
  r.procedure_name = s.procedure->name.vi;
  for (const auto& fee : s.fees)
    r.lines.push_back({fee.label.vi, catalog::FormatVnd(fee.amount_vnd)});
  const auto total = catalog::TotalVnd(s.fees);
  r.total = catalog::FormatVnd(total);
  r.total_in_words = catalog::VndInWords(total);
  r.method = s.payment->method == "vietqr" ? "Chuyển khoản VietQR" : "Thẻ ngân hàng";
  r.transaction_reference = s.payment->transaction_reference;
  r.paid_at = TimeText(s.payment->paid_at, settings_.utc_offset_hours);
  return r;
}

void Journey::Print() {
  print_problem_.clear();
  auto receipt = std::make_shared<printer::Receipt>(BuildReceipt());
  std::shared_ptr<printer::FeeReceipt> fee_receipt;
  if (session_->payment) fee_receipt = std::make_shared<printer::FeeReceipt>(BuildFeeReceipt());
  auto& printer = devices_.printer;
  Work([receipt, fee_receipt, &printer]() -> Event {
    if (printer.Status() == printer::PrinterStatus::kPaperOut) {
      return event::Printed{core::Error::NeedsPerson("printer.paper_out", "paper out")};
    }
    auto printed = printer.Print(*receipt);
    if (printed && fee_receipt) printed = printer.Print(*fee_receipt);
    return event::Printed{std::move(printed)};
  });
}

void Journey::Reprint() {
  Activity();
  if (screen_ != Screen::kReceipt || !session_ || !session_->outcome || busy_) return;
  Print();
}

void Journey::Rate(int score) {
  Activity();
  if (screen_ != Screen::kRating || !session_ || score < 1 || score > 3) return;
  session_->rating = score;
  const auto& outcome = session_->outcome;
  auto logged = AppendRating(settings_.work_dir / "ratings.jsonl", session_->dossier_id.ToString(),
                             outcome ? outcome->dossier_code : "", score, clock_.Now());
  if (!logged) core::log::Warn("journey.rating_not_saved", {{"error", logged.GetError().Code()}});
  Take(Step::kRated);
}

void Journey::LookupDossier(std::string text) {
  Activity();
  if (screen_ != Screen::kLookup || busy_) return;
  message_.clear();
  lookup_.reset();
  // The receipt's QR holds the look-up URL; a citizen may also type the code
  // or the kiosk reference.
  std::string code = std::string(core::TrimAscii(text));
  std::string reference;
  if (auto q = code.find('?'); q != std::string::npos) {
    const std::string query = code.substr(q + 1);
    code.clear();
    std::size_t start = 0;
    while (start <= query.size()) {
      const auto end = std::min(query.find('&', start), query.size());
      const std::string pair = query.substr(start, end - start);
      if (pair.rfind("code=", 0) == 0) code = pair.substr(5);
      if (pair.rfind("ref=", 0) == 0) reference = pair.substr(4);
      start = end + 1;
    }
  } else if (!dossier::LocalReferenceSuffix(code).empty()) {
    reference = code;
    code.clear();
  }
  if (code.empty() && reference.empty()) {
    message_ = "lookup.unreadable";
    return;
  }
  auto& outbox = devices_.outbox;
  Work([code, reference, &outbox]() -> Event {
    auto found = code.empty() ? outbox.FindByReference(reference) : outbox.FindByCode(code);
    if (!found) return event::LookedUp{found.GetError()};
    LookupResult result;
    if (*found) {
      result.found = true;
      result.code = (*found)->dossier_code;
      result.reference = dossier::LocalReference((*found)->id);
      result.state = dossier::ToString((*found)->state);
      result.appointment = (*found)->appointment;
    } else {
      result.code = code;
      result.reference = reference;
    }
    return event::LookedUp{std::move(result)};
  });
}

void Journey::Next() {
  Activity();
  if (!session_ || busy_) {
    if (screen_ == Screen::kTicket || screen_ == Screen::kLookup) Cancel();
    return;
  }
  message_.clear();
  switch (screen_) {
    case Screen::kReviewForm:
      if (!ValidateForm()) {
        message_ = "form.invalid";
        return;
      }
      if (NeedsScanning()) {
        Take(Step::kToPapers);
      } else {
        EnterFees();
      }
      return;
    case Screen::kAttachPapers:
      for (const auto& paper : session_->procedure->papers) {
        if (!paper.scan || !paper.required) continue;
        auto it = session_->pages.find(paper.code);
        if (it == session_->pages.end() || it->second.empty()) {
          message_ = "papers.missing";
          return;
        }
      }
      EnterFees();
      return;
    case Screen::kFees:
      if (catalog::TotalVnd(session_->fees) > 0 && !session_->payment) {
        message_ = "fees.unpaid";
        return;
      }
      Take(Step::kFeesSettled);
      return;
    case Screen::kReceipt:
      Take(Step::kReceiptTaken);
      return;
    case Screen::kRating:
    case Screen::kGoodbye:
      Cancel();
      return;
    default:
      return;
  }
}

void Journey::Back() {
  Activity();
  if (busy_) return;
  message_.clear();
  switch (screen_) {
    case Screen::kIdentify:
    case Screen::kLookup:
    case Screen::kTicket:
      Cancel();
      return;
    case Screen::kChooseProcedure:
    case Screen::kReviewForm:
    case Screen::kAttachPapers:
    case Screen::kConsent:
      Take(Step::kBack);
      return;
    case Screen::kFees:
      if (session_ && session_->payment) return;  // paid: the fee stays with this dossier
      Take(NeedsScanning() ? Step::kBackToPapers : Step::kBack);
      return;
    default:
      return;
  }
}

void Journey::Cancel() {
  Wipe();
  language_ = settings_.language;  // the next citizen starts in the kiosk's language
  Take(Step::kCancel);
}

void Journey::Poll() {
  std::deque<std::pair<std::uint64_t, Event>> events;
  {
    std::lock_guard lock(inbox_->mutex);
    events.swap(inbox_->events);
  }
  for (auto& [generation, e] : events) {
    if (generation != generation_) continue;  // for a session already wiped
    std::visit([this](auto&& ev) { Handle(std::move(ev)); }, std::move(e));
  }
  // Idle: warn, then wipe. The goodbye screen returns by itself.
  const auto idle = clock_.Monotonic() - last_activity_;
  if (screen_ == Screen::kGoodbye && idle >= settings_.goodbye) {
    Cancel();
  } else if (!Waiting(screen_) && !busy_ &&
             idle >= settings_.idle_timeout + settings_.idle_warning) {
    core::log::Info("journey.idle_wipe", {{"screen", ToString(screen_)}});
    Cancel();
  }
}

void Journey::Handle(event::CardProgress e) { progress_ = e.percent; }

void Journey::Handle(event::CardRead e) {
  busy_ = false;
  if (screen_ != Screen::kReadingCard || !session_) return;
  if (!e.identity) {
    message_ = e.identity.GetError().Code();
    ++telemetry_.card_reads_failed;
    telemetry_.Error(message_);
    const bool device = message_.rfind("reader.", 0) == 0 || message_.rfind("pcsc.", 0) == 0;
    telemetry_.card_reader_problem = device ? message_ : "";
    core::log::Info("journey.card_failed", {{"error", message_}});
    Take(Step::kCardFailed);
    return;
  }
  ++telemetry_.card_reads_ok;
  telemetry_.card_reader_problem.clear();
  session_->identity.emplace(std::move(e.identity).Value());
  progress_ = 100;
  Take(Step::kCardRead);
}

void Journey::Handle(event::PageScanned e) {
  busy_ = false;
  if (screen_ != Screen::kAttachPapers || !session_) return;
  if (!e.page) {
    message_ = e.page.GetError().Code();
    telemetry_.scanner_problem = message_;
    telemetry_.Error(message_);
    return;
  }
  telemetry_.scanner_problem.clear();
  session_->pages[e.paper].push_back(std::move(e.page).Value());
}

void Journey::Handle(event::PaymentPrompted e) {
  if (screen_ != Screen::kFees || !session_) return;
  session_->payment_prompt = std::move(e.prompt);
}

void Journey::Handle(event::Paid e) {
  busy_ = false;
  if (screen_ != Screen::kFees || !session_) return;
  session_->payment_prompt.reset();
  if (!e.result) {
    message_ = e.result.GetError().Code();
    ++telemetry_.payments_declined;
    telemetry_.Error(message_);
    telemetry_.payment_problem = message_;
    return;
  }
  ++telemetry_.payments_ok;
  telemetry_.payment_problem.clear();
  session_->payment = std::move(e.result).Value();
  Take(Step::kFeesSettled);
}

void Journey::Handle(event::Submitted e) {
  busy_ = false;
  if (screen_ != Screen::kSubmitting || !session_) return;
  if (!e.outcome) {
    // Not sealed: nothing was submitted. The citizen can try again.
    message_ = e.outcome.GetError().Code();
    telemetry_.Error(message_);
    core::log::Warn("journey.seal_failed", {{"error", message_}});
    Take(Step::kSubmitFailed);
    return;
  }
  session_->outcome = std::move(e.outcome).Value();
  ++telemetry_.journeys_completed;
  if (session_->payment) {
    // Sealed with the dossier: the fee is never given back now.
    auto committed = devices_.payment.Commit(session_->payment_reference);
    if (!committed) {
      core::log::Warn("journey.payment_not_committed", {{"error", committed.GetError().Code()}});
    }
  }
  Take(Step::kSubmitted);
  Print();
}

void Journey::Handle(event::Printed e) {
  busy_ = false;
  print_problem_ = e.status ? "" : e.status.GetError().Code();
  telemetry_.print_problem = print_problem_;
  telemetry_.Error(print_problem_);
}

void Journey::Handle(event::LookedUp e) {
  busy_ = false;
  if (screen_ != Screen::kLookup) return;
  if (!e.result) {
    message_ = "lookup.failed";
    return;
  }
  lookup_ = std::move(e.result).Value();
}

void Journey::Handle(event::TicketIssued e) {
  busy_ = false;
  if (screen_ != Screen::kTicket) return;
  if (!e.number) {
    message_ = "ticket.failed";
    return;
  }
  ticket_ = *e.number;
  if (!e.printed) print_problem_ = e.printed.GetError().Code();
}

// ---- persistence helpers ----

namespace {

core::Status WriteDurably(const std::filesystem::path& file, const std::string& text, bool append) {
  const std::filesystem::path target =
      append ? file : std::filesystem::path(file.string() + ".tmp");
  const int fd =
      ::open(target.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0600);
  if (fd < 0) return core::Error::Retryable("io.error", "cannot open " + target.string());
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return core::Error::Retryable("io.error", "cannot write " + target.string());
  if (!append) {
    std::error_code ec;
    std::filesystem::rename(target, file, ec);
    if (ec) return core::Error::Retryable("io.error", "cannot replace " + file.string());
  }
  return core::Ok();
}

}  // namespace

core::Expected<int> NextTicketNumber(const std::filesystem::path& file, const catalog::Day& day) {
  const std::string today = catalog::FormatDay(day);
  int last = 0;
  {
    std::ifstream in(file);
    std::string stored_day;
    int stored = 0;
    if (in >> stored_day >> stored && stored_day == today) last = stored;
  }
  KIOSK_TRY(WriteDurably(file, today + " " + std::to_string(last + 1) + "\n", false));
  return last + 1;
}

core::Status AppendRating(const std::filesystem::path& file, const std::string& dossier_id,
                          const std::string& code, int score, core::WallTime at) {
  const std::string line = "{\"dossier\":\"" + dossier_id + "\",\"code\":\"" + code +
                           "\",\"score\":" + std::to_string(score) + ",\"at\":\"" +
                           core::FormatRfc3339(at) + "\"}\n";
  return WriteDurably(file, line, true);
}

core::Expected<AttachmentPdf> ImageOnlyAttachments::Write(
    const std::vector<scanner::ScannedPage>& pages) {
  std::vector<dossier::PdfPage> pdf_pages;
  for (const auto& page : pages) {
    dossier::PdfPage p;
    if (!page.jpeg.empty()) {
      p.image = page.jpeg;
    } else {
      const std::size_t expected = static_cast<std::size_t>(page.width) *
                                   static_cast<std::size_t>(page.height) * (page.gray ? 1u : 3u);
      if (page.pixels.size() != expected) {
        return core::Error::Fatal("scanner.bad_page", "a scanned page has no image");
      }
      KIOSK_ASSIGN_OR_RETURN(p.image, scanner::EncodeJpeg(page.pixels.data(), page.width,
                                                          page.height, page.gray ? 1 : 3, 80));
    }
    p.width = page.width;
    p.height = page.height;
    p.dpi = page.dpi;
    p.gray = page.gray;
    pdf_pages.push_back(std::move(p));
  }
  AttachmentPdf out;
  KIOSK_ASSIGN_OR_RETURN(out.pdf, dossier::WriteImagePdf(pdf_pages));
  out.pages = static_cast<int>(pages.size());
  return out;
}

}  // namespace kiosk::journey
