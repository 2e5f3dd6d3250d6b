#include "kiosk/app/app_config.h"

#include <algorithm>

namespace kiosk::app {

std::string DefaultCatalog() { return KIOSK_DEFAULT_CATALOG; }
std::string DefaultLocaleDir() { return KIOSK_DEFAULT_LOCALE_DIR; }
std::string DefaultNamesList() { return KIOSK_DEFAULT_NAMES; }

namespace {

// Every key kiosk-app reads: run on a config::Reader it reads the files, on a
// config::Recorder it records the values (core/config_writer.h). `C` is
// AppConfig when reading, const AppConfig when recording.
template <class R, class C>
void Schema(R& reader, C& c) {
  core::ReadDeviceConfig(reader.Table("device"), c.device);
  core::ReadLogConfig(reader.Table("log"), c.log);
  auto site = reader.Table("site");
  site.Read("agency_code", c.agency_code);
  site.Read("agency_name", c.agency_name);
  site.Read("health_facilities", c.health_facilities);
  site.Read("counter", c.counter);
  site.Read("working_hours", c.working_hours);
  site.Read("hotline", c.hotline);
  site.Read("procedures", c.procedures);
  auto paths = reader.Table("paths");
  paths.Read("catalog", c.catalog);
  paths.Read("locale", c.locale_dir);
  paths.Read("dictionary", c.dictionary);
  paths.Read("names", c.names);
  paths.Read("outbox", c.outbox_dir);
  paths.Read("storage_key", c.storage_key);
  paths.Read("sealing_key", c.sealing_key);
  paths.Read("work", c.work_dir);
  paths.Read("printer_output", c.printer_dir);
  auto card = reader.Table("card");
  card.ReadOneOf("reader", c.card_reader, {"pcsc", "virtual"});
  card.Read("reader_name", c.reader_name);
  card.Read("csca", c.csca_dir);
  card.Read("persona", c.persona);
  card.Read("persona_pki", c.persona_pki);
  auto journey = reader.Table("journey");
  journey.Read("idle_timeout_s", c.idle_timeout_s, 10, 3600);
  journey.Read("idle_warning_s", c.idle_warning_s, 5, 600);
  journey.Read("card_wait_ms", c.card_wait_ms, 0, 600'000);
  journey.Read("submit_wait_ms", c.submit_wait_ms, 0, 600'000);
  reader.Table("calendar").Read("holidays", c.holidays);
  reader.Table("calendar").Read("working_days", c.working_days);
  reader.Table("display").ReadOneOf("orientation", c.orientation, {"portrait", "landscape"});
  reader.Table("display").Read("large_text", c.large_text);
  auto scan = reader.Table("scanner");
  scan.Read("device", c.scanner);
  scan.Read("dpi", c.scan_dpi, 75, 600);
  scan.Read("color", c.scan_color);
  scan.Read("feeder", c.scan_feeder);
  scan.Read("sane_options", c.sane_options);
  scan.Read("ocr", c.ocr);
  scan.Read("ocr_languages", c.ocr_languages);
  auto camera = reader.Table("camera");
  camera.Read("device", c.camera);
  camera.Read("tray", c.camera_tray);
  camera.Check(c.camera != "sim" || !c.persona.empty(), "device",
               "the simulated camera shows a test persona's card ([card] persona)");
  auto voice = reader.Table("voice");
  voice.Read("enabled", c.voice);
  voice.ReadOneOf("vietnamese", c.vietnamese_voice, {"vi", "vi-vn-x-central", "vi-vn-x-south"});
  voice.Read("volume_percent", c.voice_volume_percent, 0, 100);
  voice.Read("words_per_minute", c.voice_words_per_minute, 80, 400);
  auto print = reader.Table("printer");
  print.Read("device", c.printer);
  print.ReadOneOf("paper", c.paper, {"80mm", "58mm"});
  print.Read("native_qr", c.native_qr);
  auto pay = reader.Table("payment");
  pay.Read("methods", c.payment_methods);
  pay.Read("ledger", c.payment_ledger);
  for (const auto& m : c.payment_methods) {
    pay.Check(m == "card" || m == "vietqr", "methods", "payment methods are card and vietqr");
  }
  auto terminal = reader.Table("card_terminal");
  terminal.ReadOneOf("device", c.card_terminal, {"", "none", "fake", "nexo"});
  terminal.Read("host", c.terminal_host);
  terminal.Read("port", c.terminal_port, 1, 65535);
  terminal.Read("ca", c.terminal_ca);
  terminal.Read("certificate", c.sale_certificate);
  terminal.Read("key", c.sale_key);
  terminal.Read("sale_id", c.sale_id);
  terminal.Read("poi_id", c.poi_id);
  terminal.Read("card_timeout_s", c.card_timeout_s, 10, 600);
  terminal.Check(c.card_terminal != "nexo" || !c.terminal_ca.empty(), "ca",
                 "a nexo terminal needs its CA, the kiosk's certificate and key");
  const bool wants_card = std::find(c.payment_methods.begin(), c.payment_methods.end(), "card") !=
                          c.payment_methods.end();
  terminal.Check(!wants_card || (c.card_terminal != "" && c.card_terminal != "none"), "device",
                 "card payments need a terminal: device = \"nexo\" (or no \"card\" method)");
#ifndef KIOSK_HAVE_SIMULATORS
  // A kiosk build never stands a fake in for a device.
  terminal.Check(c.card_terminal != "fake", "device", "a fake terminal exists in development only");
  scan.Check(c.scanner != "fake", "device", "a fake scanner exists in development only");
  print.Check(c.printer != "fake", "device", "a fake printer exists in development only");
  camera.Check(c.camera != "sim", "device", "a simulated camera exists in development only");
#endif
  auto vietqr = reader.Table("vietqr");
  vietqr.Read("bank_bin", c.vietqr_bank_bin);
  vietqr.Read("account", c.vietqr_account);
  vietqr.Read("beneficiary", c.vietqr_beneficiary);
  vietqr.Read("bank_name", c.vietqr_bank_name);
  vietqr.Read("wait_s", c.vietqr_wait_s, 30, 900);
  vietqr.ReadOneOf("relay", c.vietqr_relay, {"agent", "fake"});
  vietqr.Read("mailbox", c.payment_mailbox);
  auto help = reader.Table("help");
  help.Read("enabled", c.staff_help);
  help.Read("mailbox", c.help_mailbox);
  auto fleet = reader.Table("fleet");
  fleet.Read("status_file", c.status_file);
  fleet.Read("maintenance_file", c.maintenance_file);
  fleet.Read("out_of_service_files", c.out_of_service_files);
  fleet.Read("remote_config", c.remote_config);
  fleet.Read("ratings", c.ratings);
  const bool wants_vietqr = std::find(c.payment_methods.begin(), c.payment_methods.end(),
                                      "vietqr") != c.payment_methods.end();
  vietqr.Check(!wants_vietqr || (!c.vietqr_bank_bin.empty() && !c.vietqr_account.empty()),
               "bank_bin", "VietQR needs the agency's bank_bin and account");
#ifndef KIOSK_HAVE_SIMULATORS
  vietqr.Check(c.vietqr_relay != "fake", "relay", "a fake bank exists in development only");
#endif
}

}  // namespace

core::Expected<AppConfig> ReadConfig(const std::vector<std::filesystem::path>& files) {
  AppConfig c;
  if (files.empty()) return c;  // the embedded defaults
  KIOSK_ASSIGN_OR_RETURN(auto doc, core::config::Document::LoadAll(files));
  core::config::Reader reader(doc);
  Schema(reader, c);
  KIOSK_TRY(reader.Finish());
  return c;
}

std::string WriteConfig(const AppConfig& config) {
  core::config::Recorder written, defaults;
  Schema(written, config);
  const AppConfig base;
  Schema(defaults, base);
  return written.Difference(defaults);
}

std::filesystem::path Under(const std::filesystem::path& state, const std::string& path) {
  return std::filesystem::path(path).is_absolute() ? std::filesystem::path(path) : state / path;
}

}  // namespace kiosk::app
