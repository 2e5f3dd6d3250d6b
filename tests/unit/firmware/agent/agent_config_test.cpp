// kiosk-agent's configuration as a type (firmware/agent/agent_config.h).
#include "test_prelude.h"

#include <fstream>

#include "kiosk/agent/agent_config.h"

using kiosk::agent::ReadConfig;

TEST_GROUP(AgentConfig) {
  kiosk::test::TempDir dir;
  std::filesystem::path Write(const std::string& name, const std::string& text) {
    const auto path = dir.Path() / name;
    std::ofstream(path) << text;
    return path;
  }
};

TEST(AgentConfig, TheGatewayAndTheDeviceIdentityAreRequired) {
  auto c = ReadConfig({Write("empty.toml", "")});
  CHECK_FALSE(c.HasValue());
  const std::string why = c.GetError().Message();
  CHECK_TEXT(why.find("gateway.ca") != std::string::npos, why.c_str());
  CHECK_TEXT(why.find("tls.certificate") != std::string::npos, why.c_str());
  CHECK_TEXT(why.find("tls.key") != std::string::npos, why.c_str());
}

TEST(AgentConfig, WhatProvisioningWritesIsReadOverThePackagedDefaults) {
  auto c = ReadConfig({Write("agent.toml",
                             "[outbox]\ndir = \"/var/lib/kiosk/outbox\"\n"
                             "[payments]\nmailbox = \"/var/lib/kiosk/payments\"\n"),
                       Write("provisioned.toml",
                             "[device]\nkiosk_id = \"QNM-TAMKY-0001\"\n"
                             "[gateway]\nhost = \"gw.example\"\nport = 8443\nca = \"ca.pem\"\n"
                             "[outbox]\nsealing_statement = \"sealing-key.jws\"\n"
                             "[tls]\ncertificate = \"device.pem\"\nkey = \"device-key.pem\"\n")});
  CHECK_TEXT(c.HasValue(), c ? "" : c.GetError().ToString().c_str());
  STRCMP_EQUAL("/var/lib/kiosk/outbox", c->outbox_dir.c_str());
  STRCMP_EQUAL("sealing-key.jws", c->sealing_statement.c_str());
  STRCMP_EQUAL("/var/lib/kiosk/payments", c->payment_mailbox.c_str());
  STRCMP_EQUAL("gw.example", c->gateway_host.c_str());
  LONGS_EQUAL(1000, c->payment_poll_ms);
  CHECK_FALSE(c->updates);
}

TEST(AgentConfig, OutOfRangeAndUnknownKeysAreRefused) {
  const std::string identity =
      "[gateway]\nca = \"ca.pem\"\n[tls]\ncertificate = \"d.pem\"\nkey = \"k.pem\"\n";
  CHECK_FALSE(ReadConfig({Write("a.toml", identity + "[payments]\npoll_ms = 5\n")}).HasValue());
  CHECK_FALSE(ReadConfig({Write("b.toml", identity + "[heartbeat]\ninterval_s = 0\n")}).HasValue());
  CHECK_FALSE(ReadConfig({Write("c.toml", identity + "[upload]\nspeed = 3\n")}).HasValue());
}

// WriteConfig goes through the schema ReadConfig reads: every field set away
// from its default comes back, and nothing else is written.
TEST(AgentConfig, WhatIsWrittenReadsBackTheSame) {
  kiosk::agent::AgentConfig c;
  c.device.kiosk_id = "QNM-TAMKY-0009";
  c.device.site_name = "UBND xã \"Tam Thăng\"";
  c.gateway_host = "gw.qnam.example";
  c.gateway_port = 9443;
  c.gateway_ca = "/var/lib/kiosk/gateway-ca.pem";
  c.certificate = "/var/lib/kiosk/device.pem";
  c.key = "/var/lib/kiosk/device-key.pem";
  c.heartbeat_interval_s = 30;
  c.thermal_zones = {"/sys/class/thermal/thermal_zone0/temp"};
  c.health.disk_path = "/var/lib/kiosk";
  c.commands.journal = "/var/lib/kiosk/commands.json";
  c.hardware_watchdog = true;
  c.update.install = {"rauc", "install", "--ignore-compatible"};
  c.update.chunk_bytes = 1 << 20;
  const std::string text = kiosk::agent::WriteConfig(c);
  auto back = ReadConfig({Write("written.toml", text)});
  CHECK_TEXT(back.HasValue(), text.c_str());
  STRCMP_EQUAL("UBND xã \"Tam Thăng\"", back->device.site_name.c_str());
  LONGS_EQUAL(9443, back->gateway_port);
  LONGS_EQUAL(30, back->heartbeat_interval_s);
  LONGS_EQUAL(1, back->thermal_zones.size());
  STRCMP_EQUAL("/var/lib/kiosk", back->health.disk_path.c_str());
  STRCMP_EQUAL("/var/lib/kiosk/commands.json", back->commands.journal.c_str());
  CHECK_TRUE(back->hardware_watchdog);
  LONGS_EQUAL(3, back->update.install.size());
  LONGS_EQUAL(1 << 20, back->update.chunk_bytes);
  CHECK_TEXT(text.find("idle_poll_ms") == std::string::npos, text.c_str());  // a default
  CHECK_TEXT(text.find("[upload]") == std::string::npos, text.c_str());
}
