#include "kiosk/journey/journey.h"

#include "kiosk/journey/slips.h"

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
    {Screen::kAtCounter, "at_counter", 5},
    {Screen::kFees, "fees", 6},
    {Screen::kConsent, "consent", 7},
    {Screen::kSubmitting, "submitting", 7},
    {Screen::kReceipt, "receipt", 8},
    {Screen::kRating, "rating", 0},
    {Screen::kGoodbye, "goodbye", 0},
    {Screen::kLookup, "lookup", 0},
    {Screen::kTicket, "ticket", 0},
};

// A citizen waiting for an officer, or helped by one, is not idle; a call
// nobody answers within ten minutes is.
bool HelpOnTheWay(const Help& help, std::chrono::steady_clock::duration idle) {
  if (help.assisting) return true;
  const bool waiting = help.state == HelpState::kCalling || help.state == HelpState::kOpen ||
                       help.state == HelpState::kAnswered;
  return waiting && idle < std::chrono::minutes(10);
}

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

}  // namespace

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

std::string Salutation(const Session* session) {
  if (session == nullptr || !session->identity) return "Ông/Bà";
  const std::string sex = session->identity->sex.Reveal();
  if (sex == "Nam") return "Ông";
  if (sex == "Nữ") return "Bà";
  return "Ông/Bà";
}

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
      large_text_(settings_.large_text),
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
  if (idle < settings_.idle_timeout || HelpOnTheWay(help_, idle)) return std::nullopt;
  const auto left = settings_.idle_timeout + settings_.idle_warning - idle;
  return static_cast<int>(
      std::max<std::int64_t>(0, std::chrono::ceil<std::chrono::seconds>(left).count()));
}

bool Journey::Offered(const std::string& code) const {
  return settings_.enabled_procedures.empty() || settings_.enabled_procedures.contains(code);
}

std::vector<catalog::SearchHit> Journey::OfferedProcedures() const {
  std::vector<catalog::SearchHit> hits;
  const std::string category = session_ ? session_->category : std::string();
  for (const auto& p : catalog_.Procedures()) {
    if ((category.empty() || p.category == category) && Offered(p.code)) hits.push_back({&p, 0});
  }
  return hits;
}

std::vector<catalog::SearchHit> Journey::SearchResults() const {
  if (!session_) return {};
  if (session_->search.empty()) return OfferedProcedures();
  auto hits = catalog::Search(catalog_, session_->search, session_->category);
  std::erase_if(hits, [this](const catalog::SearchHit& h) { return !Offered(h.procedure->code); });
  return hits;
}

std::vector<Screen> Journey::Path() const {
  std::vector<Screen> path{Screen::kIdentify, Screen::kChooseProcedure, Screen::kReviewForm};
  const catalog::Procedure* p = session_ ? session_->procedure : nullptr;
  if (p == nullptr || NeedsScanning()) path.push_back(Screen::kAttachPapers);
  if (p != nullptr && catalog::HasCounterStep(*p)) path.push_back(Screen::kAtCounter);
  path.insert(path.end(), {Screen::kFees, Screen::kConsent, Screen::kReceipt});
  return path;
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
  looking_ = false;  // a look in flight reports to a generation gone
  unread_looks_ = 0;
  lookup_.reset();
  ticket_.reset();
}

void Journey::Activity() { last_activity_ = clock_.Monotonic(); }

void Journey::SetLargeText(bool on) {
  Activity();
  large_text_ = on;
}

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
  Dispatch(std::move(job));
}

void Journey::Dispatch(std::function<Event()> job) {
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
  const std::string time_text = ClockText(clock_.Now(), settings_.utc_offset_hours);
  auto& printer = devices_.printer;
  const std::string site = settings_.site_name;
  const std::string counter = settings_.counter;
  Work([file, day, day_text, time_text, site, counter, &printer]() -> Event {
    auto number = NextTicketNumber(file, day);
    core::Status printed = core::Ok();
    if (number) {
      printed = printer.Print(
          printer::QueueTicket{*number, day_text, time_text, site, counter, *number - 1});
    }
    return event::TicketIssued{std::move(number), std::move(printed)};
  });
}

namespace {

// Today as the card's checks take it (an expired card, a QR's dates).
idcard::Date CardDate(const catalog::Day& today) {
  return {static_cast<int>(today.year()), static_cast<int>(unsigned(today.month())),
          static_cast<int>(unsigned(today.day()))};
}

}  // namespace

void Journey::IdentifyWith(KeySource source, std::string text) {
  Activity();
  if (screen_ != Screen::kIdentify || !session_ || busy_) return;
  message_.clear();
  const idcard::Date date = CardDate(Today());
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
  session_->search.clear();  // a category is browsed whole
}

void Journey::SetSearch(std::string query) {
  Activity();
  if (!session_) return;
  session_->search = std::move(query);
  if (!session_->search.empty()) session_->category.clear();  // searched everywhere
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
  if (!session_ || session_->procedure == nullptr) return false;
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
  session_->assisted_by = help_.assisting;
  const Session& s = *session_;
  auto dossier = std::make_shared<dossier::Dossier>(DossierOf(s, settings_, clock_.Now()));

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
  const std::string appointment = catalog::FormatLocalTime(
      catalog::DueAt(s.procedure->time_limit,
                     catalog::LocalTimeOf(clock_.Now(), settings_.utc_offset_hours), calendar_));

  message_.clear();
  Take(Step::kConfirmed);
  auto& outbox = devices_.outbox;
  const auto keys = keys_;
  const auto wait = settings_.submit_wait;
  auto* attachments = attachments_;
  const catalog::PageFormat format = s.procedure->page_format;
  Work([dossier, pending, &outbox, keys, wait, appointment, attachments, format]() -> Event {
    auto outcome = [&]() -> core::Expected<SubmitOutcome> {
      int n = 0;
      for (const auto& a : *pending) {
        KIOSK_ASSIGN_OR_RETURN(auto written, attachments->Write(a.pages, format));
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

void Journey::Print() {
  print_problem_.clear();
  auto receipt = std::make_shared<printer::Receipt>(ReceiptOf(*session_, settings_));
  std::shared_ptr<printer::FeeReceipt> fee_receipt;
  if (session_->payment)
    fee_receipt = std::make_shared<printer::FeeReceipt>(FeeReceiptOf(*session_, settings_));
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
  // To the gateway's figures, for a dossier that was sealed.
  if (ratings_ != nullptr && outcome) {
    auto sent =
        ratings_->Put({session_->dossier_id.ToString(), score, core::FormatRfc3339(clock_.Now())});
    if (!sent) core::log::Warn("journey.rating_not_queued", {{"error", sent.GetError().Code()}});
  }
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
      } else if (catalog::HasCounterStep(*session_->procedure)) {
        Take(Step::kToCounter);
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
      if (catalog::HasCounterStep(*session_->procedure)) {
        Take(Step::kToCounter);
      } else {
        EnterFees();
      }
      return;
    case Screen::kAtCounter:
      EnterFees();
      return;
    case Screen::kFees:
      if (catalog::TotalVnd(session_->fees) > 0 && !session_->payment &&
          !session_->fee_at_counter) {
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
    case Screen::kAtCounter:
      Take(NeedsScanning() ? Step::kBackToPapers : Step::kBack);
      return;
    case Screen::kFees:
      if (session_ && session_->payment) return;  // paid: the fee stays with this dossier
      if (catalog::HasCounterStep(*session_->procedure)) {
        Take(Step::kBackToCounter);
      } else {
        Take(NeedsScanning() ? Step::kBackToPapers : Step::kBack);
      }
      return;
    default:
      return;
  }
}

void Journey::Cancel() {
  Wipe();
  EndHelp();
  help_ = Help{};                  // the officer helped this citizen, not the next
  language_ = settings_.language;  // the next citizen starts in the kiosk's language
  large_text_ = settings_.large_text;
  Take(Step::kCancel);
}

std::size_t Journey::Poll(std::size_t max_events) {
  PollHelp();
  PollCamera();
  std::deque<std::pair<std::uint64_t, Event>> events;
  {
    std::lock_guard lock(inbox_->mutex);
    if (max_events >= inbox_->events.size()) {
      events.swap(inbox_->events);
    } else {
      for (std::size_t i = 0; i < max_events; ++i) {
        events.push_back(std::move(inbox_->events.front()));
        inbox_->events.pop_front();
      }
    }
  }
  for (auto& [generation, e] : events) {
    if (generation != generation_) continue;  // for a session already wiped
    std::visit([this](auto&& ev) { Handle(std::move(ev)); }, std::move(e));
  }
  // Idle: warn, then wipe. The goodbye screen returns by itself.
  const auto idle = clock_.Monotonic() - last_activity_;
  if (screen_ == Screen::kGoodbye && idle >= settings_.goodbye) {
    Cancel();
  } else if (!Waiting(screen_) && !busy_ && !HelpOnTheWay(help_, idle) &&
             idle >= settings_.idle_timeout + settings_.idle_warning) {
    core::log::Info("journey.idle_wipe", {{"screen", ToString(screen_)}});
    Cancel();
  }
  return events.size();
}

void Journey::PollCamera() {
  if (card_look_ == nullptr || looking_ || busy_ || screen_ != Screen::kIdentify || !session_) {
    return;
  }
  const auto now = clock_.Monotonic();
  if (now - last_look_ < kLookEvery) return;
  last_look_ = now;
  looking_ = true;
  const idcard::Date date = CardDate(Today());
  CardLook* look = card_look_;
  Dispatch([look, date]() -> Event { return event::CardLooked{look->Look(date)}; });
}

void Journey::Handle(event::CardLooked e) {
  looking_ = false;
  if (screen_ != Screen::kIdentify || !session_ || busy_) return;
  if (!e.seen) {
    if (e.seen.GetError().Code() == "card.not_in_view") {
      // An empty tray: the screen already asks for the card.
      unread_looks_ = 0;
      session_->camera_key_tried = core::PersonalText();
      return;
    }
    if (++unread_looks_ >= kLooksBeforeAdvice) {
      unread_looks_ = 0;
      message_ = "card.turn_over";
      core::log::Info("journey.card_not_read", {{"error", e.seen.GetError().Code()}});
    }
    return;
  }
  unread_looks_ = 0;
  // The card whose read just failed, still on the tray: not again until it
  // is lifted (a card placed again is read again).
  if (e.seen->text == session_->camera_key_tried) return;
  session_->camera_key_tried = e.seen->text.Clone();
  IdentifyWith(e.seen->source, e.seen->text.Reveal());
}

void Journey::Handle(event::CardProgress e) { progress_ = e.percent; }

void Journey::Handle(event::CardRead e) {
  busy_ = false;
  if (screen_ != Screen::kReadingCard || !session_) return;
  if (!e.identity) {
    message_ = e.identity.GetError().Code();
    ++telemetry_.card_reads_failed;
    telemetry_.Record(Device::kCardReader, e.identity.GetError());
    core::log::Info("journey.card_failed", {{"error", message_}});
    Take(Step::kCardFailed);
    return;
  }
  ++telemetry_.card_reads_ok;
  telemetry_.Record(Device::kCardReader, core::Ok());
  session_->identity.emplace(std::move(e.identity).Value());
  progress_ = 100;
  Take(Step::kCardRead);
}

void Journey::Handle(event::PageScanned e) {
  busy_ = false;
  if (screen_ != Screen::kAttachPapers || !session_) return;
  if (!e.page) {
    message_ = e.page.GetError().Code();
    telemetry_.Record(Device::kScanner, e.page.GetError());
    return;
  }
  telemetry_.Record(Device::kScanner, core::Ok());
  session_->pages[e.paper].push_back(std::move(e.page).Value());
}

void Journey::Handle(event::PaymentPrompted e) {
  if (screen_ != Screen::kFees || !session_) return;
  session_->payment_prompt = std::move(e.prompt);
  session_->payment_prompt_at = clock_.Monotonic();
}

std::optional<int> Journey::PaymentSecondsLeft() const {
  if (!session_ || !session_->payment_prompt || session_->payment_prompt->valid_for.count() <= 0) {
    return std::nullopt;
  }
  const auto shown = std::chrono::duration_cast<std::chrono::seconds>(clock_.Monotonic() -
                                                                      session_->payment_prompt_at);
  return static_cast<int>(
      std::max<std::int64_t>(0, (session_->payment_prompt->valid_for - shown).count()));
}

void Journey::PayAtCounter() {
  Activity();
  if (screen_ != Screen::kFees || !session_ || busy_ || session_->payment) return;
  if (!session_->procedure->pay_at_counter || catalog::TotalVnd(session_->fees) == 0) return;
  message_.clear();
  session_->fee_at_counter = true;
  Take(Step::kFeesSettled);
}

void Journey::Handle(event::Paid e) {
  busy_ = false;
  if (screen_ != Screen::kFees || !session_) return;
  const bool vietqr = session_->payment_prompt && session_->payment_prompt->method == "vietqr";
  session_->payment_prompt.reset();
  if (!e.result) {
    message_ = e.result.GetError().Code();
    // The code left the screen unpaid: the citizen may have transferred all
    // the same, and is told what becomes of that money.
    if (vietqr && message_ == "payment.timeout") message_ = "payment.vietqr_timeout";
    ++telemetry_.payments_declined;
    telemetry_.Record(Device::kPaymentTerminal, e.result.GetError());
    return;
  }
  ++telemetry_.payments_ok;
  telemetry_.Record(Device::kPaymentTerminal, core::Ok());
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
  telemetry_.Record(Device::kPrinter, e.status);
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
  telemetry_.Record(Device::kPrinter, e.printed);
}

core::Expected<AttachmentPdf> ImageOnlyAttachments::Write(
    const std::vector<scanner::ScannedPage>& pages, const catalog::PageFormat& format) {
  std::vector<dossier::PdfPage> pdf_pages;
  for (const auto& page : pages) {
    KIOSK_TRY(catalog::CheckScannedPage(format, page.dpi, !page.gray));
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
