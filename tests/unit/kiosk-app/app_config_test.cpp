// kiosk-app's configuration as a type (kiosk-app/app/app_config.h).
#include "test_prelude.h"

#include <fstream>

#include "kiosk/app/app_config.h"

using kiosk::app::ReadConfig;

TEST_GROUP(AppConfig) {
  kiosk::test::TempDir dir;
  std::filesystem::path Write(const std::string& name, const std::string& text) {
    const auto path = dir.Path() / name;
    std::ofstream(path) << text;
    return path;
  }
};

TEST(AppConfig, TheDefaultsNameNoDeviceAndTakeNoFee) {
  auto c = ReadConfig({}).Value();
  STRCMP_EQUAL("", c.scanner.c_str());
  STRCMP_EQUAL("", c.printer.c_str());
  STRCMP_EQUAL("", c.card_terminal.c_str());
  CHECK(c.payment_methods.empty());
  STRCMP_EQUAL("sealing-key.pem", c.sealing_key.c_str());  // never the device key
  STRCMP_EQUAL("payments", c.payment_mailbox.c_str());
  CHECK_FALSE(c.catalog.empty());
}

TEST(AppConfig, LaterFilesOverrideEarlierOnesKeyByKey) {
  auto c = ReadConfig({Write("a.toml", "[printer]\ndevice = \"usb:0416:5011\"\npaper = \"58mm\"\n"),
                       Write("b.toml", "[printer]\ndevice = \"tcp:10.0.0.9:9100\"\n")})
               .Value();
  STRCMP_EQUAL("tcp:10.0.0.9:9100", c.printer.c_str());
  STRCMP_EQUAL("58mm", c.paper.c_str());
}

TEST(AppConfig, WhatCannotWorkIsRefusedAtStart) {
  const auto refused = [&](const std::string& text, const char* names) {
    auto c = ReadConfig({Write("c.toml", text)});
    CHECK_TEXT(!c.HasValue(), text.c_str());
    if (!c) {
      STRCMP_EQUAL("config.invalid", c.GetError().Code().c_str());
      CHECK_TEXT(c.GetError().Message().find(names) != std::string::npos,
                 c.GetError().Message().c_str());
    }
  };
  refused("[payment]\nmethods = [\"card\"]\n", "card_terminal.device");  // no terminal
  refused("[card_terminal]\ndevice = \"nexo\"\n", "card_terminal.ca");
  refused("[payment]\nmethods = [\"vietqr\"]\n", "vietqr.bank_bin");
  refused("[payment]\nmethods = [\"cash\"]\n", "payment.methods");
  refused("[printer]\ncolour = \"red\"\n", "printer.colour");  // a key nobody reads
}

// WriteConfig goes through the schema ReadConfig reads: every field set away
// from its default comes back, and nothing else is written.
TEST(AppConfig, WhatIsWrittenReadsBackTheSame) {
  kiosk::app::AppConfig c;
  c.device.kiosk_id = "QNM-TAMKY-0009";
  c.agency_code = "000.17.22.H56";
  c.procedures = {"1.001193", "2.000815"};
  c.idle_timeout_s = 120;
  c.orientation = "landscape";
  c.scanner = "sane";
  c.scan_color = false;
  c.sane_options = {"mode=Gray", "source=ADF"};
  c.printer = "usb:0416:5011";
  c.paper = "58mm";
  c.native_qr = false;
  c.out_of_service_files = {"tamper.json"};
  const std::string text = kiosk::app::WriteConfig(c);
  auto back = ReadConfig({Write("written.toml", text)});
  CHECK_TEXT(back.HasValue(), text.c_str());
  STRCMP_EQUAL("QNM-TAMKY-0009", back->device.kiosk_id.c_str());
  LONGS_EQUAL(2, back->procedures.size());
  LONGS_EQUAL(120, back->idle_timeout_s);
  STRCMP_EQUAL("landscape", back->orientation.c_str());
  CHECK_FALSE(back->scan_color);
  LONGS_EQUAL(2, back->sane_options.size());
  STRCMP_EQUAL("58mm", back->paper.c_str());
  CHECK_FALSE(back->native_qr);
  LONGS_EQUAL(1, back->out_of_service_files.size());
  CHECK_TEXT(text.find("catalog") == std::string::npos, text.c_str());  // a default
  STRCMP_EQUAL("", kiosk::app::WriteConfig(kiosk::app::AppConfig{}).c_str());
}
