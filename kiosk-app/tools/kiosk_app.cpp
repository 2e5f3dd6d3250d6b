// kiosk-app: the citizen's kiosk application (usage: kiosk/app/app_args.h).
//
// On the touch screen it runs the journey until stopped, under systemd's
// watchdog. Headless, it runs a scripted journey (docs/kiosk-app-script.md)
// on SDL's dummy video driver, saves a PNG whenever the screen changes,
// prints a report (kiosk/app/run_report.h) and exits non-zero if the journey
// does not complete. The parts live in kiosk-app/app: the config, the
// devices, the journey's settings, the link with kiosk-agent.

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "kiosk/app/app_args.h"
#include "kiosk/app/app_config.h"
#include "kiosk/app/devices.h"
#include "kiosk/app/digitized_attachments.h"
#include "kiosk/app/fleet_link.h"
#include "kiosk/app/journey_settings.h"
#include "kiosk/app/run_report.h"
#include "kiosk/app/speech_out.h"
#include "kiosk/catalog/catalog.h"
#include "kiosk/core/files.h"
#include "kiosk/core/log.h"
#include "kiosk/core/pk.h"
#include "kiosk/core/sd_notify.h"
#include "kiosk/core/usage.h"
#include "kiosk/dossier/package.h"
#include "kiosk/i18n/translator.h"
#include "kiosk/input/suggest.h"
#include "kiosk/journey/journey.h"
#include "kiosk/ui/frontend.h"
#include "kiosk/ui/script.h"
#ifdef KIOSK_HAVE_SIMULATORS
#include "kiosk/camera/sim/sim_camera.h"
#include "kiosk/idcard/sim/virtual_reader.h"
#include "kiosk/payment/fake_terminal.h"
#include "kiosk/printer/fake_printer.h"
#include "kiosk/scanner/fake_scanner.h"
#endif

namespace core = kiosk::core;
namespace klog = kiosk::core::log;
using namespace kiosk;  // NOLINT(google-build-using-namespace): main()

namespace {

#ifdef KIOSK_HAVE_SIMULATORS
// What a development build may name in its config: the virtual card and the
// fakes. A release build links none of them (cmake/KioskLayers.cmake).
class Development final : public app::DevelopmentDevices {
 public:
  Development(const core::Clock& clock, std::filesystem::path printed)
      : terminal_(clock), printer_(std::move(printed)) {}
  core::Expected<std::unique_ptr<idcard::IdCardReader>> VirtualCard(
      const app::AppConfig& config, const std::filesystem::path& state,
      core::RandomSource& random) override {
    KIOSK_ASSIGN_OR_RETURN(const auto persona, idcard::sim::LoadPersona(config.persona));
    KIOSK_ASSIGN_OR_RETURN(const auto pki,
                           idcard::sim::LoadTestPki(app::Under(state, config.persona_pki)));
    KIOSK_ASSIGN_OR_RETURN(auto reader, idcard::sim::VirtualIdCardReader::Create(
                                            persona, pki, core::SystemClock(), random));
    return std::unique_ptr<idcard::IdCardReader>(std::move(reader));
  }
  scanner::Scanner& FakeScanner() override { return scanner_; }
  printer::ReceiptPrinter& FakePrinter() override { return printer_; }
  payment::PaymentTerminal& FakeTerminal() override { return terminal_; }
  payment::GatewayPayments& FakeBank() override { return bank_; }
  core::Expected<std::unique_ptr<camera::CardCamera>> SimCamera(
      const app::AppConfig& config, const std::filesystem::path& state) override {
    KIOSK_ASSIGN_OR_RETURN(const auto persona, idcard::sim::LoadPersona(config.persona));
    KIOSK_ASSIGN_OR_RETURN(auto camera, camera::sim::SimCamera::Create(
                                            persona, app::Under(state, config.camera_tray), 1));
    return std::unique_ptr<camera::CardCamera>(std::move(camera));
  }

 private:
  payment::FakeGatewayPayments bank_;
  scanner::FakeScanner scanner_;
  payment::FakePaymentTerminal terminal_;
  printer::FakePrinter printer_;
};
#endif

int Fail(const core::Error& e) {
  std::fprintf(stderr, "kiosk-app: %s\n", e.ToString().c_str());
  return 1;
}

// The touch screen until the frontend is closed. Under systemd
// (Type=notify, WatchdogSec=): ready after the first frame, then alive as
// long as frames keep coming; a hung frame loop stops the pings and
// systemd restarts the app.
int RunInteractive(ui::Frontend& frontend, journey::Journey& journey, app::FleetLink& fleet_link,
                   std::chrono::steady_clock::time_point started) {
  const auto watchdog = core::WatchdogInterval();
  auto last_ping = std::chrono::steady_clock::now();
  bool first = true;
  while (frontend.InteractiveFrame()) {
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

}  // namespace

int main(int argc, char** argv) {
  if (core::AsksForHelp(argc, argv)) {
    std::fputs(app::kAppUsage, stdout);
    return 0;
  }
  const auto started = std::chrono::steady_clock::now();
  auto parsed = app::ParseAppArgs(argc, argv);
  if (!parsed) {
    std::fprintf(stderr, "kiosk-app: %s\n%s", parsed.GetError().Message().c_str(), app::kAppUsage);
    return 2;
  }
  const app::AppArgs& args = *parsed;
  auto config = app::ReadConfig(args.config);
  if (!config) {
    std::fprintf(stderr, "kiosk-app: %s\n", config.GetError().ToString().c_str());
    return 2;
  }
  klog::Install(
      std::make_unique<klog::Logger>(klog::SinkForEnvironment("kiosk-app"), config->log.level));
  const std::filesystem::path& state = args.state;
  std::error_code ec;
  std::filesystem::create_directories(state, ec);

  auto catalog = catalog::Catalog::Load(config->catalog);
  if (!catalog) return Fail(catalog.GetError());
  auto tr = i18n::Translator::Load(config->locale_dir, {"vi", "en"});
  if (!tr) return Fail(tr.GetError());

  // Randomness: the DRBG in production; a seed makes a headless run repeatable.
  std::unique_ptr<core::RandomSource> random;
  std::unique_ptr<core::RandomSource> worker_random;
  if (args.seed != 0) {
    random = std::make_unique<core::DeterministicRandom>(args.seed);
    worker_random = std::make_unique<core::DeterministicRandom>(args.seed + 1);
  } else {
    auto a = core::Drbg::Create();
    auto b = core::Drbg::Create();
    if (!a || !b) return Fail(a ? b.GetError() : a.GetError());
    random = std::move(a).Value();
    worker_random = std::move(b).Value();
  }
  core::FakeClock fake_clock;
  if (args.headless) {
    auto start = args.clock.empty() ? core::Expected<core::WallTime>(core::SystemClock().Now())
                                    : app::ParseClock(args.clock);
    if (!start) return Fail(start.GetError());
    fake_clock = core::FakeClock(*start);
  }
  const core::Clock& clock =
      args.headless ? static_cast<const core::Clock&>(fake_clock) : core::SystemClock();

  auto outbox = dossier::Outbox::Open(app::Under(state, config->outbox_dir), core::SystemClock());
  if (!outbox) return Fail(outbox.GetError());
  auto storage_key =
      dossier::LoadOrCreateStorageKey(app::Under(state, config->storage_key), *random);
  if (!storage_key) return Fail(storage_key.GetError());
  // The sealing key, never the device key: that one is kiosk-agent's alone.
  auto sealing_key = core::LoadPrivateKeyFile(app::Under(state, config->sealing_key));
  if (!sealing_key) {
    return Fail(std::move(sealing_key)
                    .GetError()
                    .WithContext("the sealing key is made by kiosk-provision (in development: "
                                 "kiosk-selftest --device-key FILE)"));
  }

  auto sealed = [&outbox](const std::string& reference) {
    auto found = outbox->FindByReference(reference.substr(reference.size() - 8));
    return found && found->has_value();
  };
#ifdef KIOSK_HAVE_SIMULATORS
  Development development(clock, app::Under(state, config->printer_dir));
  app::DevelopmentDevices* dev = &development;
#else
  app::DevelopmentDevices* dev = nullptr;
#endif
  auto devices = app::KioskDevices::Open(*config, state, clock, *worker_random, sealed, dev);
  if (!devices) return Fail(devices.GetError());

  auto settings = app::JourneySettings(*config, *catalog, state);
  if (!settings) return Fail(settings.GetError());
  if (auto prepared = app::PrepareWorkDir(settings->work_dir); !prepared) {
    return Fail(prepared.GetError());
  }
  settings->trust = (*devices)->Trust();
  settings->language = args.lang;
  settings->large_text = config->large_text || args.large_text;

  journey::DeferredExecutor deferred;
  journey::ThreadExecutor threads;
  journey::Executor& executor = args.headless ? static_cast<journey::Executor&>(deferred) : threads;
  journey::Journey journey(
      *catalog, *settings,
      journey::Devices{(*devices)->CardReader(), (*devices)->Scanner(), (*devices)->Payments(),
                       (*devices)->Printer(), *outbox},
      journey::SealingKeys{*sealing_key, config->device.kiosk_id, *storage_key, *worker_random},
      executor, clock, *random);
  std::optional<app::DigitizedAttachments> digitized;
  if (config->ocr) {
    digitize::DigitizeOptions options;
    options.ocr.languages = config->ocr_languages;
    journey.SetAttachmentWriter(&digitized.emplace(options));
  }
  // Help from staff: calls kiosk-agent carries to the commune's officers.
  link::RatingOutbox ratings(app::Under(state, config->ratings));
  journey.SetRatingOutbox(&ratings);
  journey.SetCardLook((*devices)->CardCamera());
  std::optional<link::HelpMailbox> help_line;
  if (config->staff_help) {
    journey.SetHelpLine(&help_line.emplace(app::Under(state, config->help_mailbox)));
    (void)help_line->Withdraw();  // a call from before a restart has no citizen now
  }

  const std::string orientation = args.orientation.empty() ? config->orientation : args.orientation;
  const std::unique_ptr<voice::Speaker> speaker = app::OpenSpeech(*config, args);
  auto suggester = input::Suggester::Load(config->dictionary, config->names);
  if (!suggester) {
    core::log::Warn("keyboard.no_suggestions", {{"why", suggester.GetError().ToString()}});
  }
  ui::FrontendOptions options;
  options.headless = args.headless;
  options.speaker = speaker.get();
  options.suggester = suggester ? &*suggester : nullptr;
  options.width = orientation == "landscape" ? 1920 : 1080;
  options.height = orientation == "landscape" ? 1080 : 1920;
  auto frontend = ui::Frontend::Create(options, journey, *tr);
  if (!frontend) return Fail(frontend.GetError());

  std::vector<std::filesystem::path> flags;
  if (!config->maintenance_file.empty()) {
    flags.push_back(app::Under(state, config->maintenance_file));
  }
  for (const auto& file : config->out_of_service_files) flags.push_back(app::Under(state, file));
  app::FleetLink fleet_link(
      config->status_file.empty() ? "" : app::Under(state, config->status_file), std::move(flags),
      KIOSK_VERSION, journey, core::SystemClock());
  fleet_link.Tick(true);
  if (!args.headless) return RunInteractive(**frontend, journey, fleet_link, started);

  std::ifstream script_file(args.script);
  if (!script_file) {
    return Fail(core::Error::NeedsPerson("args.script", "cannot read " + args.script));
  }
  std::stringstream text;
  text << script_file.rdbuf();
  auto steps = ui::ParseScript(text.str());
  if (!steps) return Fail(steps.GetError());
  ui::RunOptions run_options;
  run_options.screenshots = args.screenshots;
  if (!args.screenshots.empty()) std::filesystem::create_directories(args.screenshots, ec);
  ui::ScriptRunner runner(**frontend, journey, deferred, fake_clock, run_options);
  (*frontend)->Frame({});
  app::RunFigures figures;
  figures.script = args.script;
  figures.orientation = orientation;
  figures.cold_start_to_first_frame = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  figures.first_frame_rss_kb = app::ResidentKb("VmRSS:");
  auto ran = runner.Run(*steps);
  fleet_link.Tick(true);
  figures.completed = static_cast<bool>(ran);
  figures.rss_kb = app::ResidentKb("VmRSS:");
  figures.peak_rss_kb = app::ResidentKb("VmHWM:");
  const std::string json = app::RunReportJson(figures, runner.Report());
  if (!args.report.empty()) std::ofstream(args.report) << json;
  std::cout << json;
  if (!ran) return Fail(ran.GetError());
  return 0;
}
