#pragma once

// kiosk-app's configuration: the TOML files it reads (the packaged defaults,
// then what kiosk-provision wrote for this kiosk), checked all at once, as a
// type the program and its tests share. Devices the config does not name
// are absent; fakes exist only in development builds.

#include <filesystem>
#include <string>
#include <vector>

#include "kiosk/core/config.h"
#include "kiosk/core/device_config.h"
#include "kiosk/core/error.h"
#include "kiosk/core/log.h"

namespace kiosk::app {

// Where the catalog and the compiled translations are when the config does
// not say: the tree in a development build, the packages' paths in a release.
std::string DefaultCatalog();
std::string DefaultLocaleDir();
std::string DefaultNamesList();

struct AppConfig {
  core::DeviceConfig device;
  core::LogConfig log;
  std::string agency_code = "000.00.00.H00";
  std::string agency_name = "UBND phường thử nghiệm";
  // The commune's hospitals and health stations, offered as places of birth.
  std::vector<std::string> health_facilities;
  std::string counter;        // "Quầy số 2, Bộ phận một cửa UBND phường An Mỹ"
  std::string working_hours;  // as the receipt prints it
  std::string hotline;
  std::vector<std::string> procedures;  // offered here; empty: the whole catalog
  std::string catalog = DefaultCatalog();
  std::string locale_dir = DefaultLocaleDir();
  // The keyboard's suggestions: Debian's Vietnamese dictionary and the names list.
  std::string dictionary = "/usr/share/hunspell/vi_VN.dic";
  std::string names = DefaultNamesList();
  std::string outbox_dir = "outbox";
  std::string storage_key = "storage.key";
  std::string sealing_key = "sealing-key.pem";  // signs manifests (dossier/sealing_key.h)
  std::string work_dir = "work";
  std::string card_reader = "pcsc";  // or "virtual" (development builds)
  std::string reader_name;
  std::string csca_dir;
  std::string persona;  // virtual reader
  std::string persona_pki;
  std::string printer_dir = "printed";
  int idle_timeout_s = 90;
  int idle_warning_s = 20;
  int card_wait_ms = 20'000;
  int submit_wait_ms = 15'000;
  // [calendar]: the year's decisions beyond the Labour Code's holidays
  // (catalog/calendar.h): extra days off, and weekend days worked instead.
  std::vector<std::string> holidays;
  std::vector<std::string> working_days;
  std::string orientation = "portrait";
  bool large_text = false;  // [display]: each citizen starts with "Chữ to" on
  // Devices: "" (or "none") when the kiosk has none: it says what it cannot
  // do. "fake" exists in development builds only (tests, the demo).
  std::string scanner;  // "sane" (the first found) or a SANE device name
  int scan_dpi = 300;
  bool scan_color = true;  // the digitization rule asks for colour pages
  bool scan_feeder = false;
  std::vector<std::string> sane_options;  // "name=value", device specific
  // [camera]: the camera above the card tray, which reads the card's QR or
  // MRZ: a V4L2 device ("/dev/video0"), or "sim" (development builds: the
  // virtual card's persona photographed; `camera_tray` names the file that
  // says which side lies on the tray).
  std::string camera;
  std::string camera_tray = "camera-tray";
  bool ocr = true;
  std::string ocr_languages = "vie+eng";
  // [voice]: spoken prompts (espeak-ng); the province picks the Vietnamese
  // voice: "vi" (Northern), "vi-vn-x-central" (Central), "vi-vn-x-south".
  bool voice = true;
  std::string vietnamese_voice = "vi";
  int voice_volume_percent = 80;
  int voice_words_per_minute = 150;
  // [printer]
  std::string printer;  // usb:VVVV:PPPP, tcp:HOST:PORT, file:PATH
  std::string paper = "80mm";
  bool native_qr = true;
  // [payment]
  std::vector<std::string> payment_methods;  // none: no fee is taken here
  std::string payment_ledger = "payments.db";
  // [card_terminal]
  std::string card_terminal;  // "nexo"
  std::string terminal_host = "127.0.0.1";
  int terminal_port = 8443;
  std::string terminal_ca, sale_certificate, sale_key, sale_id, poi_id;
  int card_timeout_s = 90;
  // [vietqr]
  std::string vietqr_bank_bin, vietqr_account;
  std::string vietqr_beneficiary;  // the account holder, shown beside the code
  std::string vietqr_bank_name;    // "Vietcombank"
  int vietqr_wait_s = 180;
  // "agent": the transfers are confirmed through kiosk-agent and the
  // gateway; "fake" (development builds): a bank that is paid at once.
  std::string vietqr_relay = "agent";
  std::string payment_mailbox = "payments";  // asks kiosk-agent carries to the gateway
  // [help]: "Nhờ cán bộ hỗ trợ" on every screen; the calls kiosk-agent carries
  bool staff_help = true;
  std::string help_mailbox = "help";
  // [fleet]: the snapshot kiosk-agent reports, the flag it sets (app_status.h)
  std::string status_file;
  std::string maintenance_file;
  // more flags that take the kiosk out of service while they exist: the
  // door alarm (board/), an update waiting to install (updater.h)
  std::vector<std::string> out_of_service_files;
  std::string remote_config;        // settings the agent verified (commands.h): enabled_procedures
  std::string ratings = "ratings";  // the citizens' ratings kiosk-agent carries (link/ratings.h)
};

// Later files override earlier ones key by key; no files: the defaults.
// "config.invalid" names every problem with its file, line and key.
core::Expected<AppConfig> ReadConfig(const std::vector<std::filesystem::path>& files);

// The TOML of what `config` sets apart from the defaults, through the same
// schema ReadConfig reads (core/config_writer.h): what kiosk-provision writes
// to provisioned/app.toml. ReadConfig of the defaults' file, then this one,
// gives `config` back.
std::string WriteConfig(const AppConfig& config);

// A configured path: absolute as given, else under the state folder.
std::filesystem::path Under(const std::filesystem::path& state, const std::string& path);

}  // namespace kiosk::app
