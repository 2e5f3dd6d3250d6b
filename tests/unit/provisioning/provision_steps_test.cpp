// kiosk-provision's parts without a gateway: the command line, the
// technician's answers (given, asked, refused), the record of an enrolled
// kiosk and what its board decides, and the identity files written and wiped.
#include "test_prelude.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "kiosk/core/dev_pki.h"
#include "kiosk/core/encoding.h"
#include "kiosk/core/files.h"
#include "kiosk/core/random.h"
#include "kiosk/dossier/sealing_key.h"
#include "kiosk/provisioning/identity.h"
#include "kiosk/provisioning/provisioned.h"
#include "kiosk/provisioning/technician.h"

namespace core = kiosk::core;
namespace fs = std::filesystem;
using namespace kiosk::provisioning;  // NOLINT(google-build-using-namespace): test file

namespace {

Options Parsed(std::initializer_list<const char*> args) {
  std::vector<const char*> argv{"kiosk-provision"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto options = ParseOptions(static_cast<int>(argv.size()), argv.data());
  CHECK_TRUE_TEXT(options.HasValue(), options ? "" : options.GetError().ToString().c_str());
  return *options;
}

std::string Code(const core::Expected<Options>& e) { return e ? "" : e.GetError().Code(); }

mode_t ModeOf(const fs::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 07777;
}

}  // namespace

TEST_GROUP(ProvisionOptions){};

TEST(ProvisionOptions, StepsValuesAndFlags) {
  const auto o = Parsed({"--kiosk-id", "QNM-TAMKY-0001", "--scanner-option", "mode=Color",
                         "--scanner-option", "resolution=300", "--yes", "self-test"});
  STRCMP_EQUAL("self-test", o.step.c_str());
  STRCMP_EQUAL("QNM-TAMKY-0001", o.values.at("kiosk-id").c_str());
  LONGS_EQUAL(2, o.scanner_options.size());
  CHECK_TRUE(o.yes);
  CHECK_FALSE(o.help);
  CHECK_TRUE(Parsed({"--help"}).help);
  STRCMP_EQUAL("all", Parsed({}).step.c_str());
}

TEST(ProvisionOptions, AnOptionWithoutItsValueOrAnUnknownStepIsUsage) {
  const char* missing[] = {"kiosk-provision", "--kiosk-id"};
  STRCMP_EQUAL("args.usage", Code(ParseOptions(2, missing)).c_str());
  const char* unknown[] = {"kiosk-provision", "enroll"};
  STRCMP_EQUAL("args.usage", Code(ParseOptions(2, unknown)).c_str());
}

TEST(ProvisionOptions, TheSelfTestSettingsComeFromTheFlagsAndAWaitMustBeANumber) {
  auto s = SelfTestSettingsFrom(Parsed({"--reader", "none", "--printer", "file:/tmp/p",
                                        "--card-wait-ms", "1500", "--scanner-option", "a=b"}));
  CHECK_TRUE(s.HasValue());
  STRCMP_EQUAL("none", s->reader.c_str());
  STRCMP_EQUAL("file:/tmp/p", s->printer.c_str());
  STRCMP_EQUAL("sane", s->scanner.c_str());
  LONGS_EQUAL(1500, s->card_wait.count());
  LONGS_EQUAL(1, s->scanner_options.size());
  for (const char* bad : {"3s", "", "-1", "abc"}) {
    auto refused = SelfTestSettingsFrom(Parsed({"--card-wait-ms", bad}));
    CHECK_FALSE(refused.HasValue());
    STRCMP_EQUAL("args.card_wait_ms", refused.GetError().Code().c_str());
  }
}

TEST_GROUP(Technician){};

TEST(Technician, GivenValuesAreNeverAskedFor) {
  Options o = Parsed({"--kiosk-id", "QNM-TAMKY-0001"});
  std::istringstream in("SHOULD-NOT-BE-READ\n");
  std::ostringstream out;
  Technician t(o, in, out, true);
  STRCMP_EQUAL("QNM-TAMKY-0001", t.Get("kiosk-id", "Kiosk id")->c_str());
  STRCMP_EQUAL("", out.str().c_str());
}

TEST(Technician, AMissingValueIsAskedAndAnEmptyAnswerTakesTheFallback) {
  Options o;
  std::istringstream in("20314\n\n");
  std::ostringstream out;
  Technician t(o, in, out, true);
  STRCMP_EQUAL("20314", t.Get("commune", "Commune code")->c_str());
  STRCMP_EQUAL("UBND 20314", t.Get("site-name", "Site name", "UBND 20314")->c_str());
  CHECK_TRUE(out.str().find("Commune code: ") != std::string::npos);
  CHECK_TRUE(out.str().find("[UBND 20314]") != std::string::npos);
  // Asked once: the answer is remembered.
  STRCMP_EQUAL("20314", t.Or("commune", "").c_str());
  // The terminal closed: missing, not an empty value.
  auto token = t.Get("token", "Token");
  CHECK_FALSE(token.HasValue());
  STRCMP_EQUAL("args.missing", token.GetError().Code().c_str());
}

TEST(Technician, WithYesNothingIsAskedAndEveryConfirmationIsYes) {
  Options o = Parsed({"--yes"});
  std::istringstream in("20314\nn\n");
  std::ostringstream out;
  Technician t(o, in, out, true);
  auto commune = t.Get("commune", "Commune code");
  CHECK_FALSE(commune.HasValue());
  STRCMP_EQUAL("args.missing", commune.GetError().Code().c_str());
  STRCMP_EQUAL("fallback", t.Get("site-name", "Site", "fallback")->c_str());
  CHECK_TRUE(t.Confirm("Enroll anyway?"));
  STRCMP_EQUAL("", out.str().c_str());
}

TEST(Technician, ConfirmationIsOnlyAnExplicitYes) {
  Options o;
  std::istringstream in("y\nno\n\n");
  std::ostringstream out;
  Technician t(o, in, out, true);
  CHECK_TRUE(t.Confirm("Q1"));
  CHECK_FALSE(t.Confirm("Q2"));
  CHECK_FALSE(t.Confirm("Q3"));
  CHECK_FALSE(t.Confirm("Q4"));  // end of input
}

TEST(Technician, TheAnswersAreCheckedBeforeAnythingIsSent) {
  Options o = Parsed({"--kiosk-id", "QNM-TAMKY-0001", "--commune", "20314", "--token", "T",
                      "--gateway", "gw.example:8444", "--device-gateway", "gw.example:8443",
                      "--gateway-ca", "/ca.pem", "--procedures", "1.001193,,2.000815", "--yes"});
  std::istringstream in;
  std::ostringstream out;
  Technician t(o, in, out, false);
  auto a = GatherAnswers(t);
  CHECK_TRUE_TEXT(a.HasValue(), a ? "" : a.GetError().ToString().c_str());
  STRCMP_EQUAL("UBND 20314", a->site_name.c_str());
  LONGS_EQUAL(8444, a->enroll_gateway.port);
  LONGS_EQUAL(8443, a->device_gateway.port);
  STRCMP_EQUAL("49", a->province.c_str());
  LONGS_EQUAL(2, a->procedures.size());

  o.values["kiosk-id"] = "qnm tamky";
  auto bad_id = GatherAnswers(t);
  STRCMP_EQUAL("args.kiosk_id", bad_id.GetError().Code().c_str());
  o.values["kiosk-id"] = "QNM-TAMKY-0001";
  o.values["gateway"] = "gw.example";
  auto bad_address = GatherAnswers(t);
  STRCMP_EQUAL("args.address", bad_address.GetError().Code().c_str());
  o.values.erase("gateway");
  auto missing = GatherAnswers(t);
  STRCMP_EQUAL("args.missing", missing.GetError().Code().c_str());
}

TEST_GROUP(ProvisionRecord) {
  std::unique_ptr<core::Drbg> random;
  std::optional<core::CertifiedKey> ca, leaf;
  void setup() override {
    random = std::move(core::Drbg::Create(core::AsBytes("provision-steps")).Value());
    ca = std::move(core::MakeDevCa("Device CA", *random).Value());
    leaf = std::move(core::MakeDevLeaf(*ca, "QNM-TAMKY-0001", *random).Value());
  }
  Enrollment Enrolled() {
    Enrollment e;
    e.chain = {leaf->certificate, ca->certificate};
    e.agency = "000.17.22.H56";
    e.commune = "20314";
    e.config_signer_pem = "-----BEGIN PUBLIC KEY-----\n...\n";
    return e;
  }
  Answers Given() {
    Answers a;
    a.kiosk_id = "QNM-TAMKY-0001";
    a.commune = "20314";
    a.site_name = "UBND phường An Mỹ";
    a.enroll_gateway = {"gw.example", 8444};
    a.device_gateway = {"gw.example", 8443};
    return a;
  }
};

TEST(ProvisionRecord, TheGatewaysAnswerAndTheTechniciansMakeTheRecord) {
  Enrollment e = Enrolled();
  e.commune = "";  // an older gateway: the technician's commune stands
  const core::WallTime now{std::chrono::seconds{1796012170}};  // 2026-11-30T04:16:10Z
  const auto k = RecordOf(Given(), e, std::string(64, 'a'), "none", now);
  STRCMP_EQUAL("QNM-TAMKY-0001", k.kiosk_id.c_str());
  STRCMP_EQUAL("20314", k.commune.c_str());
  STRCMP_EQUAL("000.17.22.H56", k.agency.c_str());
  STRCMP_EQUAL(leaf->certificate.SerialHex().c_str(), k.certificate_serial.c_str());
  STRCMP_EQUAL(core::FormatRfc3339(leaf->certificate.NotAfter()).c_str(), k.valid_until.c_str());
  STRCMP_EQUAL("2026-11-30T04:16:10.000Z", k.provisioned_at.c_str());
  STRCMP_EQUAL("", k.printer.c_str());
  e.commune = "20315";
  STRCMP_EQUAL("20315", RecordOf(Given(), e, "", "none", now).commune.c_str());
}

TEST(ProvisionRecord, TheBoardDecidesTheOrientationAndThePrinterUnlessOneWasTested) {
  kiosk::board::BoardProfile portrait;
  portrait.name = "x86-minipc";
  portrait.display_width = 1920;
  portrait.display_height = 1080;
  portrait.display_rotation = 90;
  portrait.usb.push_back({"printer", 0x0fe6, 0x811e, "ICS Thermal Printer"});
  const auto now = core::SystemClock().Now();
  auto k = RecordOf(Given(), Enrolled(), "", "none", now);
  ApplyBoard(k, portrait, "boards/x86-minipc.toml");
  STRCMP_EQUAL("portrait", k.orientation.c_str());
  STRCMP_EQUAL("usb:0fe6:811e", k.printer.c_str());
  STRCMP_EQUAL("x86-minipc", k.board.c_str());
  CHECK_TRUE(fs::path(k.board_profile).is_absolute());

  auto tested = RecordOf(Given(), Enrolled(), "", "tcp:127.0.0.1:9100", now);
  portrait.display_rotation = 0;
  ApplyBoard(tested, portrait, "x86-minipc.toml");
  STRCMP_EQUAL("landscape", tested.orientation.c_str());
  STRCMP_EQUAL("tcp:127.0.0.1:9100", tested.printer.c_str());
}

TEST(ProvisionRecord, TheIdentityIsWrittenWithItsModesAndTheSealingKeyIsVouchedFor) {
  kiosk::test::TempDir dir;
  const fs::path state = dir.Path() / "state";
  auto device_key = core::PrivateKey::GenerateP256(*random).Value();
  const Enrollment e = Enrolled();
  const std::vector<core::Certificate> pinned{ca->certificate};
  auto written =
      WriteIdentity(state, {device_key, e, pinned, "QNM-TAMKY-0001", 1764476170}, *random);
  CHECK_TRUE_TEXT(written.HasValue(), written ? "" : written.GetError().ToString().c_str());
  LONGS_EQUAL(0600, ModeOf(state / "device-key.pem"));
  LONGS_EQUAL(0600, ModeOf(state / "sealing-key.pem"));
  LONGS_EQUAL(0644, ModeOf(state / "device.pem"));
  LONGS_EQUAL(2, core::LoadCertificateFile(state / "device.pem")->size());
  LONGS_EQUAL(1, core::LoadCertificateFile(state / "gateway-ca.pem")->size());
  auto reloaded = core::LoadPrivateKeyFile(state / "device-key.pem");
  CHECK_TRUE(reloaded.HasValue());
  STRCMP_EQUAL(device_key.Public()->Fingerprint()->c_str(),
               reloaded->Public()->Fingerprint()->c_str());
  // The statement binds kiosk-app's sealing key to this kiosk, under the device key.
  auto statement = core::ReadSmallFile(state / "sealing-key.jws");
  CHECK_TRUE(statement.HasValue());
  std::string text = *statement;
  while (!text.empty() && text.back() == '\n') text.pop_back();
  auto sealing =
      kiosk::dossier::VerifySealingStatement(text, *device_key.Public(), "QNM-TAMKY-0001");
  CHECK_TRUE(sealing.HasValue());
  auto sealing_private = core::LoadPrivateKeyFile(state / "sealing-key.pem");
  STRCMP_EQUAL(sealing->Fingerprint()->c_str(), sealing_private->Public()->Fingerprint()->c_str());
  CHECK_FALSE(kiosk::dossier::VerifySealingStatement(text, *device_key.Public(), "QNM-OTHER-0002")
                  .HasValue());

  // Decommissioned: no key, certificate or statement is left to speak for it.
  WipeIdentity(state);
  for (const char* gone : {"device-key.pem", "sealing-key.pem", "device.pem", "sealing-key.jws",
                           "config-signer.pem"}) {
    CHECK_FALSE_TEXT(fs::exists(state / gone), gone);
  }
  CHECK_TRUE(fs::exists(state / "gateway-ca.pem"));
}

TEST(ProvisionRecord, NotRootNothingIsHandedOver) {
  if (::geteuid() == 0) return;  // as root on a machine without the kiosk's users: also false
  kiosk::test::TempDir dir;
  std::vector<std::string> failures;
  CHECK_FALSE(HandOver(dir.Path(), failures));
  CHECK_TRUE(failures.empty());
}
