// What kiosk-provision leaves on the kiosk, without a gateway: the drop-ins
// both programs read, the record, the report, and the address parser.
#include "test_prelude.h"

#include <fstream>

#include "kiosk/agent/agent_config.h"
#include "kiosk/app/app_config.h"
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

// Each program reads its packaged config, then the drop-in: what provisioning
// decided must come out, whatever the packaged file sets and whether or not a
// value equals the compiled default (port 8443 does).
TEST(Provisioned, EachProgramReadsBackWhatProvisioningDecided) {
  auto k = Sample();
  CHECK(WriteProvisioned(dir.Path(), k).HasValue());
  auto agent =
      kiosk::agent::ReadConfig({kiosk::test::SourcePath("firmware/image/config/agent.toml"),
                                dir.Path() / "provisioned/agent.toml"});
  CHECK_TRUE(agent.HasValue());
  STRCMP_EQUAL("QNM-TAMKY-0001", agent->device.kiosk_id.c_str());
  STRCMP_EQUAL("UBND phường \"An Mỹ\"\n", agent->device.site_name.c_str());  // quotes, newline
  STRCMP_EQUAL("gw.example", agent->gateway_host.c_str());
  LONGS_EQUAL(8443, agent->gateway_port);
  CHECK(agent->key.ends_with("/device-key.pem"));
  CHECK(agent->sealing_statement.ends_with("/sealing-key.jws"));
  CHECK(agent->config_signer.ends_with("/config-signer.pem"));
  STRCMP_EQUAL("", agent->board_profile.c_str());                    // no profile: no board
  STRCMP_EQUAL("/var/lib/kiosk/outbox", agent->outbox_dir.c_str());  // the packaged file's

  auto app = kiosk::app::ReadConfig({kiosk::test::SourcePath("firmware/image/config/app.toml"),
                                     dir.Path() / "provisioned/app.toml"});
  CHECK_TRUE(app.HasValue());
  STRCMP_EQUAL("000.17.22.H56", app->agency_code.c_str());
  LONGS_EQUAL(2, app->procedures.size());
  CHECK(app->sealing_key.ends_with("/sealing-key.pem"));
  STRCMP_EQUAL("portrait", app->orientation.c_str());  // the default, unless a profile says
  STRCMP_EQUAL("", app->printer.c_str());
  STRCMP_EQUAL("sane", app->scanner.c_str());  // the packaged file's
}

TEST(Provisioned, TheDropInsHoldOnlyWhatProvisioningDecided) {
  CHECK(WriteProvisioned(dir.Path(), Sample()).HasValue());
  auto app = core::config::Document::Load(dir.Path() / "provisioned/app.toml").Value();
  core::config::Reader reader(app);
  CHECK_FALSE(reader.Table("display").Has("orientation"));
  CHECK_FALSE(reader.Table("scanner").Has("dpi"));
  CHECK_FALSE(reader.Table("paths").Has("catalog"));
  CHECK_TRUE(reader.Table("paths").Has("sealing_key"));
}

TEST(Provisioned, TheBoardProfileReachesTheAgentAndTheOrientationTheApp) {
  auto k = Sample();
  k.board_profile = "/usr/share/kiosk/boards/x86-minipc.toml";
  k.orientation = "landscape";
  k.printer = "usb:0416:5011";
  CHECK(WriteProvisioned(dir.Path(), k).HasValue());
  auto agent = kiosk::agent::ReadConfig({dir.Path() / "provisioned/agent.toml"}).Value();
  STRCMP_EQUAL("/usr/share/kiosk/boards/x86-minipc.toml", agent.board_profile.c_str());
  auto app = kiosk::app::ReadConfig({dir.Path() / "provisioned/app.toml"}).Value();
  STRCMP_EQUAL("landscape", app.orientation.c_str());
  STRCMP_EQUAL("usb:0416:5011", app.printer.c_str());
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
  // In the technician's words and Vietnam's time, not field names and UTC.
  CHECK(all.find("Đầu đọc thẻ căn cước: Đạt") != std::string::npos);
  CHECK(all.find("Máy in biên nhận: Không đạt") != std::string::npos);
  CHECK(all.find("Cài đặt lúc 11 giờ 16 phút, ngày 30/11/2026") != std::string::npos);
  CHECK(all.find("Hiệu lực đến ngày: 04/03/2029") != std::string::npos);
  CHECK(all.find("card_reader") == std::string::npos);
  CHECK(all.find("Z\n") == std::string::npos);
}

TEST(Provisioned, Addresses) {
  auto ok = ParseHostPort("gw.example:8443").Value();
  STRCMP_EQUAL("gw.example", ok.host.c_str());
  LONGS_EQUAL(8443, ok.port);
  CHECK_FALSE(ParseHostPort("gw.example").HasValue());
  CHECK_FALSE(ParseHostPort(":8443").HasValue());
  CHECK_FALSE(ParseHostPort("gw:0").HasValue());
  CHECK_FALSE(ParseHostPort("gw:65536").HasValue());
  CHECK_FALSE(ParseHostPort("gw:84x3").HasValue());
}
