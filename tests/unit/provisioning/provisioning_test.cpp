// What kiosk-provision leaves on the kiosk, without a gateway: the drop-ins
// both programs read, the record, the report, and the address parser.
#include "test_prelude.h"

#include <fstream>

#include "kiosk/core/config.h"
#include "kiosk/provisioning/provisioned.h"

namespace core = kiosk::core;
using namespace kiosk::provisioning;  // NOLINT(google-build-using-namespace): test file

namespace {
ProvisionedKiosk Sample() {
  ProvisionedKiosk k;
  k.kiosk_id = "QNM-TAMKY-0001";
  k.commune = "20314";
  k.agency = "000.17.22.H56";
  k.site_name = "UBND phường \"An Mỹ\"\n";
  k.board = "x86-minipc";
  k.procedures = {"1.001193", "2.000815"};
  k.enroll_gateway = {"gw.example", 8444};
  k.device_gateway = {"gw.example", 8443};
  k.certificate_serial = "1b53238ca535e5970000";
  k.key_fingerprint = std::string(64, 'a');
  k.valid_until = "2029-03-04T00:00:00.000Z";
  k.provisioned_at = "2026-11-30T04:16:10.585Z";
  k.self_test = {{"card_reader", "ok", "the card answered"}, {"printer", "failed", "paper out"}};
  return k;
}
}  // namespace

TEST_GROUP(Provisioned) { kiosk::test::TempDir dir; };

TEST(Provisioned, TheDropInsAreValidTomlForBothPrograms) {
  CHECK(WriteProvisioned(dir.Path(), Sample()).HasValue());
  auto agent = core::config::Document::Load(dir.Path() / "provisioned/agent.toml").Value();
  core::config::Reader reader(agent);
  std::string kiosk, site, host, key;
  int port = 0;
  reader.Table("device").Read("kiosk_id", kiosk);
  reader.Table("device").Read("site_name", site);
  reader.Table("gateway").Read("host", host);
  reader.Table("gateway").Read("port", port, 1, 65535);
  reader.Table("tls").Read("key", key);
  STRCMP_EQUAL("QNM-TAMKY-0001", kiosk.c_str());
  STRCMP_EQUAL("UBND phường \"An Mỹ\"\n", site.c_str());  // quotes and newline survive
  STRCMP_EQUAL("gw.example", host.c_str());
  LONGS_EQUAL(8443, port);
  CHECK(key.ends_with("/device-key.pem"));
  auto app = core::config::Document::Load(dir.Path() / "provisioned/app.toml").Value();
  core::config::Reader app_reader(app);
  std::vector<std::string> procedures;
  app_reader.Table("site").Read("procedures", procedures);
  LONGS_EQUAL(2, procedures.size());
  // Without a board profile neither program is told about one.
  std::string orientation = "unset";
  app_reader.Table("display").Read("orientation", orientation);
  STRCMP_EQUAL("unset", orientation.c_str());
}

TEST(Provisioned, TheBoardProfileReachesTheAgentAndTheOrientationTheApp) {
  auto k = Sample();
  k.board_profile = "/usr/share/kiosk/boards/x86-minipc.toml";
  k.orientation = "portrait";
  k.printer = "usb:0416:5011";
  CHECK(WriteProvisioned(dir.Path(), k).HasValue());
  auto agent = core::config::Document::Load(dir.Path() / "provisioned/agent.toml").Value();
  core::config::Reader reader(agent);
  std::string profile;
  reader.Table("board").Read("profile", profile);
  STRCMP_EQUAL("/usr/share/kiosk/boards/x86-minipc.toml", profile.c_str());
  auto app = core::config::Document::Load(dir.Path() / "provisioned/app.toml").Value();
  core::config::Reader app_reader(app);
  std::string orientation;
  app_reader.Table("display").Read("orientation", orientation);
  STRCMP_EQUAL("portrait", orientation.c_str());
  std::string printer;
  app_reader.Table("printer").Read("device", printer);
  STRCMP_EQUAL("usb:0416:5011", printer.c_str());
}

TEST(Provisioned, TheRecordRoundTripsAndADamagedOneNeverThrows) {
  CHECK(WriteProvisioned(dir.Path(), Sample()).HasValue());
  auto back = ReadProvisioned(dir.Path()).Value();
  STRCMP_EQUAL("20314", back.commune.c_str());
  LONGS_EQUAL(8444, back.enroll_gateway.port);
  LONGS_EQUAL(2, back.self_test.size());
  STRCMP_EQUAL("failed", back.self_test[1].state.c_str());
  std::ofstream(dir.Path() / "provisioned/kiosk.json")
      << R"({"kiosk_id":"QNM-TAMKY-0001","enroll_gateway":"a:1","device_gateway":"b:2",)"
      << R"("self_test":[{"name":7,"state":null},3],"procedures":[1,"1.001193"]})";
  auto damaged = ReadProvisioned(dir.Path()).Value();
  LONGS_EQUAL(1, damaged.self_test.size());
  STRCMP_EQUAL("", damaged.self_test[0].name.c_str());
  LONGS_EQUAL(1, damaged.procedures.size());
  std::ofstream(dir.Path() / "provisioned/kiosk.json") << "[]";
  STRCMP_EQUAL("provision.record", ReadProvisioned(dir.Path()).GetError().Code().c_str());
}

TEST(Provisioned, TheReportNamesTheKioskAndEveryCheck) {
  const auto slip = ProvisioningReport(Sample());
  std::string all;
  for (const auto& b : slip.blocks) all += b.text + "\n";
  CHECK(all.find("BIÊN BẢN CÀI ĐẶT KIOSK") != std::string::npos);
  CHECK(all.find("Mã kiosk: QNM-TAMKY-0001") != std::string::npos);
  CHECK(all.find("card_reader: ĐẠT") != std::string::npos);
  CHECK(all.find("printer: LỖI") != std::string::npos);
}

TEST(Provisioned, AddressesAndTomlStrings) {
  auto ok = ParseHostPort("gw.example:8443").Value();
  STRCMP_EQUAL("gw.example", ok.host.c_str());
  LONGS_EQUAL(8443, ok.port);
  CHECK_FALSE(ParseHostPort("gw.example").HasValue());
  CHECK_FALSE(ParseHostPort(":8443").HasValue());
  CHECK_FALSE(ParseHostPort("gw:0").HasValue());
  CHECK_FALSE(ParseHostPort("gw:65536").HasValue());
  CHECK_FALSE(ParseHostPort("gw:84x3").HasValue());
  STRCMP_EQUAL("\"a\\\"b\\\\c\\n\\u0001\"", TomlString("a\"b\\c\n\x01").c_str());
}
