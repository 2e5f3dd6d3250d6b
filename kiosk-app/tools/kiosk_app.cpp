// kiosk-app: the citizen's kiosk application.
//
//   kiosk-app [--config FILE...] [--state DIR]                    (touch screen)
//   kiosk-app [--config FILE] [--state DIR] --headless --script FILE
//             [--screenshots DIR] [--orientation portrait|landscape]
//             [--clock 2026-11-30T09:00:00+07:00] [--seed N] [--report FILE]
//
// Headless runs a scripted journey (docs/kiosk-app-script.md) on SDL's dummy
// video driver with the software renderer, saves a PNG whenever the screen
// changes, and exits non-zero if the journey does not complete. Devices are
// chosen here, once, from the config: the chip reader over PC/SC, or (in
// development builds) a virtual card in-process; the scanner over SANE (or
// its fake), with scanned papers cleaned and OCR'd into searchable PDFs;
// the receipt printer over ESC/POS (USB, TCP or a file; or its fake); fees
// by card on a nexo terminal and by VietQR through the gateway (or the fake
// terminal). At start, payments a crash left open are settled first.

#include <malloc.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "kiosk/app/app_config.h"
#include "kiosk/app/relayed_payments.h"
#include "kiosk/catalog/catalog.h"
#include "kiosk/core/config.h"
#include "kiosk/core/dev_pki.h"
#include "kiosk/core/device_config.h"
#include "kiosk/core/files.h"
#include "kiosk/core/log.h"
#include "kiosk/core/pk.h"
#include "kiosk/core/sd_notify.h"
#include "kiosk/core/usage.h"
#include "kiosk/digitize/digitizer.h"
#include "kiosk/dossier/package.h"
#include "kiosk/i18n/translator.h"
#include "kiosk/idcard/reader.h"
#include "kiosk/journey/journey.h"
#include "kiosk/link/app_status.h"
#include "kiosk/link/flags.h"
#include "kiosk/link/remote_settings.h"
#include "kiosk/payment/card_terminal.h"
#include "kiosk/payment/vietqr_payments.h"
#include "kiosk/printer/escpos_printer.h"
#include "kiosk/scanner/sane_scanner.h"
#include "kiosk/ui/frontend.h"
#include "kiosk/ui/script.h"
#ifdef KIOSK_HAVE_SIMULATORS
#include "kiosk/idcard/sim/virtual_reader.h"
#include "kiosk/payment/fake_terminal.h"
#include "kiosk/printer/fake_printer.h"
#include "kiosk/scanner/fake_scanner.h"
#endif

namespace core = kiosk::core;
namespace klog = kiosk::core::log;
using namespace kiosk;  // NOLINT(google-build-using-namespace): main()

namespace {

using app::AppConfig;
using app::ReadConfig;
using app::Under;

// The app's side of the link with kiosk-agent: it writes the health snapshot
// every few seconds and follows the flags that take the kiosk out of
// service: maintenance, the door alarm, an update about to install.
class FleetLink {
 public:
  FleetLink(std::filesystem::path status, std::vector<std::filesystem::path> flags,
            kiosk::journey::Journey& journey)
      : status_(std::move(status)), flags_(std::move(flags)), journey_(journey) {}

  void Tick(bool force = false) {
    const auto now = std::chrono::steady_clock::now();
    if (!force && now - last_ < std::chrono::seconds(2)) return;
    last_ = now;
    const std::string reason = link::FirstRaisedFlag(flags_);
    const bool out = !reason.empty();
    if (out != journey_.OutOfService()) {
      klog::Info("app.maintenance", {{"out_of_service", out}, {"flag", reason}});
      journey_.SetOutOfService(out);
    }
    if (status_.empty()) return;
    link::AppStatus status;
    status.version = KIOSK_VERSION;
    status.peripherals = journey_.Counters().PeripheralStates();
    status.counters = journey_.Counters().CounterValues();
    status.errors.assign(journey_.Counters().recent_errors.begin(),
                         journey_.Counters().recent_errors.end());
    status.in_use = journey_.InUse();
    status.out_of_service = journey_.OutOfService();
    status.written_at = core::SystemClock().Now();
    if (auto written = link::WriteAppStatus(status_, status); !written) {
      klog::Warn("app.status_not_written", {{"error", written.GetError().Code()}});
    }
  }

 private:
  std::filesystem::path status_;
  std::vector<std::filesystem::path> flags_;
  kiosk::journey::Journey& journey_;
  std::chrono::steady_clock::time_point last_{};
};

// The fakes a development build may name in its config ("fake"); a release
// build has none to offer (the config refuses "fake" there, and the fakes'
// libraries are not linked: cmake/KioskLayers.cmake).
#ifdef KIOSK_HAVE_SIMULATORS
class DevelopmentFakes {
 public:
  DevelopmentFakes(const core::Clock& clock, std::filesystem::path printed)
      : terminal_(clock), printer_(std::move(printed)) {}
  scanner::Scanner& Scanner() { return scanner_; }
  payment::PaymentTerminal& Terminal() { return terminal_; }
  printer::ReceiptPrinter& Printer() { return printer_; }

 private:
  scanner::FakeScanner scanner_;
  payment::FakePaymentTerminal terminal_;
  printer::FakePrinter printer_;
};
#else
class DevelopmentFakes {
 public:
  DevelopmentFakes(const core::Clock&, const std::filesystem::path&) {}
  // "fake" is refused by the config here: these are never reached.
  scanner::Scanner& Scanner() { return scanner_; }
  printer::ReceiptPrinter& Printer() { return printer_; }

 private:
  scanner::AbsentScanner scanner_;
  printer::AbsentPrinter printer_;
};
#endif

// The papers' PDFs through the page pipeline and OCR (firmware/digitize).
// Tesseract (about 90 MB with Vietnamese) loads when the first paper is
// scanned, on the worker that scans: not before the first frame.
class DigitizedAttachments final : public kiosk::journey::AttachmentWriter {
 public:
  explicit DigitizedAttachments(kiosk::digitize::DigitizeOptions options)
      : options_(std::move(options)) {}
  core::Expected<kiosk::journey::AttachmentPdf> Write(
      const std::vector<kiosk::scanner::ScannedPage>& pages) override {
    std::lock_guard lock(mutex_);
    if (!digitizer_) {
      const auto started = std::chrono::steady_clock::now();
      auto created = kiosk::digitize::Digitizer::Create(options_);
      if (!created) return created.GetError();
      digitizer_.emplace(std::move(created).Value());
      klog::Info("app.ocr_loaded", {{"in", std::chrono::duration_cast<std::chrono::milliseconds>(
                                               std::chrono::steady_clock::now() - started)}});
    }
    std::vector<kiosk::digitize::SourcePage> sources;
    for (const auto& p : pages) {
      sources.push_back({p.pixels, p.jpeg, p.width, p.height, p.gray ? 1 : 3, p.dpi});
    }
    auto done = digitizer_->Digitize(sources);
    if (!done) return done.GetError();
    return kiosk::journey::AttachmentPdf{std::move(done->pdf), done->pages, std::move(done->text)};
  }

 private:
  kiosk::digitize::DigitizeOptions options_;
  std::mutex mutex_;
  std::optional<kiosk::digitize::Digitizer> digitizer_;
};

core::Expected<core::WallTime> ParseClock(const std::string& text) {
  // YYYY-MM-DDTHH:MM:SS+07:00
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, oh = 0, om = 0;
  char sign = '+';
  if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d%c%d:%d", &y, &mo, &d, &h, &mi, &s, &sign, &oh,
                  &om) != 9) {
    return core::Error::NeedsPerson("args.clock", "expected YYYY-MM-DDTHH:MM:SS+HH:MM");
  }
  const std::chrono::year_month_day day{std::chrono::year{y},
                                        std::chrono::month{static_cast<unsigned>(mo)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  auto t = core::WallTime{std::chrono::sys_days{day}} + std::chrono::hours(h) +
           std::chrono::minutes(mi) + std::chrono::seconds(s);
  const auto offset = std::chrono::hours(oh) + std::chrono::minutes(om);
  return sign == '-' ? t + offset : t - offset;
}

long ResidentKb(const char* key) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(key, 0) == 0) return std::stol(line.substr(std::strlen(key)));
  }
  return 0;
}

std::string Percentiles(std::vector<std::chrono::microseconds> times) {
  if (times.empty()) return "{}";
  std::sort(times.begin(), times.end());
  auto at = [&](double q) {
    const auto i = static_cast<std::size_t>(q * static_cast<double>(times.size()));
    return static_cast<double>(times[std::min(times.size() - 1, i)].count()) / 1000.0;
  };
  char text[96];
  std::snprintf(text, sizeof text, "{\"frames\": %zu, \"p50_ms\": %.2f, \"p99_ms\": %.2f}",
                times.size(), at(0.5), at(0.99));
  return text;
}

struct Args {
  std::vector<std::filesystem::path> config;  // later files override earlier ones
  std::string state = "/var/lib/kiosk";
  bool headless = false;
  std::string script;
  std::string screenshots;
  std::string orientation;
  std::string clock;
  std::string report;
  std::string lang = "vi";
  std::uint64_t seed = 0;
};

int Usage(bool asked = false) {
  std::fprintf(kiosk::core::UsageStream(asked),
               "usage: kiosk-app [--config FILE...] [--state DIR] [--headless --script FILE "
               "[--screenshots DIR] [--orientation portrait|landscape] [--clock ISO] "
               "[--seed N] [--lang vi|en] [--report FILE]]\n");
  return asked ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (kiosk::core::AsksForHelp(argc, argv)) return Usage(true);
  const auto started = std::chrono::steady_clock::now();
  Args args;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--config")
      args.config.emplace_back(value());
    else if (a == "--state")
      args.state = value();
    else if (a == "--headless")
      args.headless = true;
    else if (a == "--script")
      args.script = value();
    else if (a == "--screenshots")
      args.screenshots = value();
    else if (a == "--orientation")
      args.orientation = value();
    else if (a == "--clock")
      args.clock = value();
    else if (a == "--report")
      args.report = value();
    else if (a == "--lang")
      args.lang = value();
    else if (a == "--seed")
      args.seed = std::stoull(value());
    else
      return Usage();
  }
  if (args.headless != !args.script.empty()) return Usage();

  auto config = ReadConfig(args.config);
  if (!config) {
    std::fprintf(stderr, "kiosk-app: %s\n", config.GetError().ToString().c_str());
    return 2;
  }
  klog::Install(
      std::make_unique<klog::Logger>(klog::SinkForEnvironment("kiosk-app"), config->log.level));
  const std::filesystem::path state = args.state;
  std::error_code ec;
  std::filesystem::create_directories(state, ec);

  auto fail = [](const core::Error& e) {
    std::fprintf(stderr, "kiosk-app: %s\n", e.ToString().c_str());
    return 1;
  };
  auto catalog = catalog::Catalog::Load(config->catalog);
  if (!catalog) return fail(catalog.GetError());
  auto tr = i18n::Translator::Load(config->locale_dir, {"vi", "en"});
  if (!tr) return fail(tr.GetError());

  // Randomness: the DRBG in production; a seed makes a headless run repeatable.
  std::unique_ptr<core::RandomSource> random;
  std::unique_ptr<core::RandomSource> worker_random;
  if (args.seed != 0) {
    random = std::make_unique<core::DeterministicRandom>(args.seed);
    worker_random = std::make_unique<core::DeterministicRandom>(args.seed + 1);
  } else {
    auto a = core::Drbg::Create();
    auto b = core::Drbg::Create();
    if (!a || !b) return fail(a ? b.GetError() : a.GetError());
    random = std::move(a).Value();
    worker_random = std::move(b).Value();
  }

  core::FakeClock fake_clock;
  if (args.headless) {
    auto start = args.clock.empty() ? core::Expected<core::WallTime>(core::SystemClock().Now())
                                    : ParseClock(args.clock);
    if (!start) return fail(start.GetError());
    fake_clock = core::FakeClock(*start);
  }
  const core::Clock& clock =
      args.headless ? static_cast<const core::Clock&>(fake_clock) : core::SystemClock();

  auto outbox = dossier::Outbox::Open(Under(state, config->outbox_dir), core::SystemClock());
  if (!outbox) return fail(outbox.GetError());
  auto storage_key = dossier::LoadOrCreateStorageKey(Under(state, config->storage_key), *random);
  if (!storage_key) return fail(storage_key.GetError());
  // The sealing key, never the device key: that one is kiosk-agent's alone.
  auto sealing_key = core::LoadPrivateKeyFile(Under(state, config->sealing_key));
  if (!sealing_key) {
    return fail(std::move(sealing_key)
                    .GetError()
                    .WithContext("the sealing key is made by kiosk-provision (in development: "
                                 "kiosk-selftest --device-key FILE)"));
  }

  // The chip reader: the device's own, or a virtual card in development.
  std::optional<idcard::TrustStore> trust;
  if (!config->csca_dir.empty()) {
    auto loaded = idcard::TrustStore::LoadDirectory(Under(state, config->csca_dir));
    if (!loaded) return fail(loaded.GetError());
    trust = std::move(loaded).Value();
  }
  std::unique_ptr<idcard::IdCardReader> card_reader;
  if (config->card_reader == "pcsc") {
    card_reader = std::make_unique<idcard::PcscIdCardReader>(config->reader_name,
                                                             core::SystemClock(), *worker_random);
  } else {
#ifdef KIOSK_HAVE_SIMULATORS
    auto persona = idcard::sim::LoadPersona(config->persona);
    if (!persona) return fail(persona.GetError());
    auto pki = idcard::sim::LoadTestPki(Under(state, config->persona_pki));
    if (!pki) return fail(pki.GetError());
    auto reader = idcard::sim::VirtualIdCardReader::Create(*persona, *pki, core::SystemClock(),
                                                           *worker_random);
    if (!reader) return fail(reader.GetError());
    card_reader = std::move(reader).Value();
#else
    return fail(core::Error::NeedsPerson("config.invalid", "no virtual card in this build"));
#endif
  }
  // The scanner: SANE (a real device, or the pnm backend fed generated pages
  // in development), none, or (development builds) the fake.
  const auto absent = [](const std::string& device) { return device.empty() || device == "none"; };
  scanner::AbsentScanner absent_scanner;
  DevelopmentFakes fakes(clock, Under(state, config->printer_dir));
  std::unique_ptr<scanner::SaneScanner> sane_scanner;
  if (!absent(config->scanner) && config->scanner != "fake") {
    scanner::ScanSettings scan;
    scan.dpi = config->scan_dpi;
    scan.color = config->scan_color;
    scan.feeder = config->scan_feeder;
    for (const auto& option : config->sane_options) {
      const auto eq = option.find('=');
      if (eq == std::string::npos) {
        return fail(core::Error::NeedsPerson(
            "config.invalid", "scanner.sane_options: expected name=value, got " + option));
      }
      scan.options[option.substr(0, eq)] = option.substr(eq + 1);
    }
    auto opened =
        scanner::SaneScanner::Open(config->scanner == "sane" ? "" : config->scanner, scan);
    if (!opened) return fail(opened.GetError());
    sane_scanner = std::move(opened).Value();
  }
  scanner::Scanner& scanner = sane_scanner ? static_cast<scanner::Scanner&>(*sane_scanner)
                              : absent(config->scanner)
                                  ? static_cast<scanner::Scanner&>(absent_scanner)
                                  : fakes.Scanner();
  if (absent(config->scanner)) klog::Warn("scanner.absent", {{"why", "no [scanner] device"}});
  std::unique_ptr<DigitizedAttachments> digitized;
  if (config->ocr) {
    kiosk::digitize::DigitizeOptions options;
    options.ocr.languages = config->ocr_languages;
    digitized = std::make_unique<DigitizedAttachments>(options);
  }
  // ---- payment: the ledger first, then the drivers, then what a crash left open ----
  auto ledger = payment::PaymentLedger::Open(Under(state, config->payment_ledger));
  if (!ledger) return fail(ledger.GetError());
  payment::MethodRouter payments;
  std::optional<core::CertifiedKey> sale_identity;
  std::unique_ptr<core::RandomSource> terminal_random;
  std::unique_ptr<payment::NexoTerminal> card_terminal;
  std::unique_ptr<kiosk::app::RelayedPayments> relayed;
  std::unique_ptr<payment::VietQrPayments> vietqr;
  auto sealed = [&outbox](const std::string& reference) {
    auto found = outbox->FindByReference(reference.substr(reference.size() - 8));
    return found && found->has_value();
  };
  if (config->card_terminal == "nexo") {
    auto ca = core::LoadCertificateFile(Under(state, config->terminal_ca));
    auto cert = core::LoadCertificateFile(Under(state, config->sale_certificate));
    auto key = core::LoadPrivateKeyFile(Under(state, config->sale_key));
    if (!ca || !cert || !key) {
      return fail(!ca ? ca.GetError() : !cert ? cert.GetError() : key.GetError());
    }
    sale_identity.emplace(core::CertifiedKey{cert->front(), std::move(key).Value()});
    payment::NexoOptions o;
    o.host = config->terminal_host;
    o.port = static_cast<std::uint16_t>(config->terminal_port);
    o.tls.trusted = *ca;
    o.tls.identity = core::TlsIdentity{*cert, &sale_identity->key};
    o.tls.server_name = config->terminal_host == "127.0.0.1" ? "localhost" : config->terminal_host;
    o.sale_id = config->sale_id.empty() ? config->device.kiosk_id : config->sale_id;
    o.poi_id = config->poi_id;
    o.payment_timeout = std::chrono::seconds(config->card_timeout_s);
    // Service ids only: a stream of its own, so no other thread shares it.
    auto ids = core::Drbg::Create(core::AsBytes("kiosk-app nexo"));
    if (!ids) return fail(ids.GetError());
    terminal_random = std::move(ids).Value();
    card_terminal = std::make_unique<payment::NexoTerminal>(o, *ledger, clock, *terminal_random);
    auto report = card_terminal->Recover(sealed);
    if (!report) klog::Warn("payment.recovery_failed", {{"error", report.GetError().Code()}});
    payments.Add("card", *card_terminal);
  } else if (config->card_terminal == "fake") {
#ifdef KIOSK_HAVE_SIMULATORS
    payments.Add("card", fakes.Terminal());
#endif
  }
  if (std::find(config->payment_methods.begin(), config->payment_methods.end(), "vietqr") !=
      config->payment_methods.end()) {
    payment::VietQrOptions o;
    o.bank_bin = config->vietqr_bank_bin;
    o.account = config->vietqr_account;
    o.wait_timeout = std::chrono::seconds(config->vietqr_wait_s);
    relayed = std::make_unique<kiosk::app::RelayedPayments>(
        link::PaymentMailbox(Under(state, config->payment_mailbox)));
    vietqr = std::make_unique<payment::VietQrPayments>(o, *relayed, *ledger, clock);
    auto report = vietqr->Recover(sealed);
    if (!report) klog::Warn("payment.recovery_failed", {{"error", report.GetError().Code()}});
    payments.Add("vietqr", *vietqr);
  }

  // ---- the receipt printer ----
  const auto printed = Under(state, config->printer_dir);
  std::filesystem::create_directories(printed, ec);
  printer::AbsentPrinter absent_printer;
  std::unique_ptr<printer::EscPosPrinter> escpos;
  if (!absent(config->printer) && config->printer != "fake") {
    auto open = printer::TransportFor(config->printer);
    if (!open) return fail(open.GetError());
    auto paper = printer::PaperByName(config->paper);
    if (!paper) return fail(paper.GetError());
    auto renderer = printer::SlipRenderer::Open(*paper);
    if (!renderer) return fail(renderer.GetError());
    printer::EscPosPrinterOptions options;
    options.encode.native_qr = config->native_qr;
    escpos = std::make_unique<printer::EscPosPrinter>(*open, std::move(renderer).Value(), options);
    klog::Info("printer.configured",
               {{"device", config->printer}, {"status", printer::ToString(escpos->Status())}});
  }
  printer::ReceiptPrinter& printer = escpos ? static_cast<printer::ReceiptPrinter&>(*escpos)
                                     : absent(config->printer)
                                         ? static_cast<printer::ReceiptPrinter&>(absent_printer)
                                         : fakes.Printer();
  if (absent(config->printer)) klog::Warn("printer.absent", {{"why", "no [printer] device"}});

  journey::Settings settings;
  settings.kiosk_id = config->device.kiosk_id;
  settings.province = config->device.province_code;
  settings.agency_code = config->agency_code;
  settings.agency_name = config->agency_name;
  settings.site_name = config->device.site_name;
  for (const auto& code : config->procedures) {
    if (catalog->Find(code) == nullptr) {
      return fail(core::Error::NeedsPerson(
          "config.invalid", "site.procedures: no procedure " + code + " in the catalog"));
    }
    settings.enabled_procedures.insert(code);
  }
  // An operator's signed config (verified by kiosk-agent) may narrow or widen
  // the procedures offered; codes this catalog does not know are skipped.
  if (!config->remote_config.empty()) {
    auto applied = link::ReadRemoteSettings(Under(state, config->remote_config));
    if (applied && applied->enabled_procedures) {
      std::set<std::string> enabled;
      for (const auto& code : *applied->enabled_procedures) {
        if (catalog->Find(code) != nullptr) {
          enabled.insert(code);
        } else {
          klog::Warn("app.remote_procedure_unknown", {{"code", code}});
        }
      }
      if (!enabled.empty()) settings.enabled_procedures = enabled;
    }
  }
  for (const auto& h : config->holidays) {
    auto day = catalog::ParseDay(h);
    if (!day) return fail(day.GetError());
    settings.holidays.insert(*day);
  }
  settings.idle_timeout = std::chrono::seconds(config->idle_timeout_s);
  settings.idle_warning = std::chrono::seconds(config->idle_warning_s);
  settings.card_wait = std::chrono::milliseconds(config->card_wait_ms);
  settings.submit_wait = std::chrono::milliseconds(config->submit_wait_ms);
  settings.work_dir = Under(state, config->work_dir);
  std::filesystem::create_directories(settings.work_dir, ec);
  std::filesystem::permissions(settings.work_dir, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, ec);
  if (const int swept = journey::SweepWorkDir(settings.work_dir); swept > 0) {
    klog::Warn("app.swept_leftovers", {{"count", swept}});
  }
  settings.trust = trust ? &*trust : nullptr;
  settings.language = args.lang == "en" ? "en" : "vi";
  settings.payment_methods = config->payment_methods;

  journey::DeferredExecutor deferred;
  journey::ThreadExecutor threads;
  journey::Executor& executor = args.headless ? static_cast<journey::Executor&>(deferred) : threads;
  journey::Journey journey(
      *catalog, settings, journey::Devices{*card_reader, scanner, payments, printer, *outbox},
      journey::SealingKeys{*sealing_key, config->device.kiosk_id, *storage_key, *worker_random},
      executor, clock, *random);
  if (digitized) journey.SetAttachmentWriter(digitized.get());

  const std::string orientation = args.orientation.empty() ? config->orientation : args.orientation;
  ui::FrontendOptions options;
  options.headless = args.headless;
  options.width = orientation == "landscape" ? 1920 : 1080;
  options.height = orientation == "landscape" ? 1080 : 1920;
  auto frontend = ui::Frontend::Create(options, journey, *tr);
  if (!frontend) return fail(frontend.GetError());

  std::vector<std::filesystem::path> flags;
  if (!config->maintenance_file.empty()) flags.push_back(Under(state, config->maintenance_file));
  for (const auto& file : config->out_of_service_files) flags.push_back(Under(state, file));
  FleetLink fleet_link(config->status_file.empty() ? "" : Under(state, config->status_file),
                       std::move(flags), journey);
  fleet_link.Tick(true);
  if (!args.headless) {
    // Under systemd (Type=notify, WatchdogSec=): ready after the first frame,
    // then alive as long as frames keep coming. A hung frame loop stops the
    // pings and systemd restarts the app.
    const auto watchdog = core::WatchdogInterval();
    auto last_ping = std::chrono::steady_clock::now();
    bool first = true;
    while ((*frontend)->InteractiveFrame()) {
      if (first) {
        first = false;
        core::SdNotify("READY=1");
        // From power-on: what a citizen waits for after the hall opens.
        const auto uptime = core::ReadSmallFile("/proc/uptime", 256);
        klog::Info("app.first_frame",
                   {{"since_start_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::steady_clock::now() - started)
                                           .count()},
                    {"uptime_s", uptime ? uptime->substr(0, uptime->find(' ')) : "?"}});
      }
      journey.Poll();
      fleet_link.Tick();
      if (watchdog && std::chrono::steady_clock::now() - last_ping >= *watchdog) {
        core::SdNotify("WATCHDOG=1");
        last_ping = std::chrono::steady_clock::now();
      }
    }
    core::SdNotify("STOPPING=1");
    return 0;
  }

  std::ifstream script_file(args.script);
  if (!script_file)
    return fail(core::Error::NeedsPerson("args.script", "cannot read " + args.script));
  std::stringstream text;
  text << script_file.rdbuf();
  auto steps = ui::ParseScript(text.str());
  if (!steps) return fail(steps.GetError());
  ui::RunOptions run_options;
  run_options.screenshots = args.screenshots;
  if (!args.screenshots.empty()) std::filesystem::create_directories(args.screenshots, ec);
  ui::ScriptRunner runner(**frontend, journey, deferred, fake_clock, run_options);
  (*frontend)->Frame({});
  const auto cold_start = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  const long first_frame_rss_kb = ResidentKb("VmRSS:");  // before any paper is scanned
  auto ran = runner.Run(*steps);
  fleet_link.Tick(true);
  const auto& report = runner.Report();

  std::ostringstream json;
  json << "{\n  \"script\": \"" << args.script << "\",\n  \"orientation\": \"" << orientation
       << "\",\n  \"completed\": " << (ran ? "true" : "false")
       << ",\n  \"cold_start_to_first_frame_ms\": " << cold_start.count()
       << ",\n  \"first_frame_rss_kb\": " << first_frame_rss_kb << ",\n  \"taps\": " << report.taps
       << ",\n  \"keystrokes\": " << report.keystrokes
       << ",\n  \"card_to_receipt\": {\"taps\": " << report.card_to_receipt_taps
       << ", \"keystrokes\": " << report.card_to_receipt_keystrokes
       << ", \"screens\": " << report.screens << "}"
       << ",\n  \"scrolls\": " << report.scrolls << ",\n  \"frames\": " << report.frames
       << ",\n  \"rss_kb\": " << ResidentKb("VmRSS:")
       << ",\n  \"peak_rss_kb\": " << ResidentKb("VmHWM:") << ",\n  \"frame_times\": {";
  bool first = true;
  for (const auto& [screen, times] : report.frame_times) {
    json << (first ? "\n" : ",\n") << "    \"" << screen << "\": " << Percentiles(times);
    first = false;
  }
  json << "\n  }";
  if (!report.card_images.empty()) {
    json << ",\n  \"card_images\": [";
    for (std::size_t i = 0; i < report.card_images.size(); ++i) {
      json << (i ? ", " : "") << '"' << report.card_images[i] << '"';
    }
    json << "]";
  }
  if (!report.reference.empty()) {
    json << ",\n  \"dossier_code\": \"" << report.dossier_code << "\",\n  \"reference\": \""
         << report.reference << "\"";
  }
  json << "\n}\n";
  if (!args.report.empty()) std::ofstream(args.report) << json.str();
  std::cout << json.str();
  if (!ran) return fail(ran.GetError());
  return 0;
}
