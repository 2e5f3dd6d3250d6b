#include "test_prelude.h"

#include <sys/stat.h>

using kiosk::test::ProcessResult;
using kiosk::test::RunProcess;
using kiosk::test::TempDir;

namespace {

ProcessResult SelfTest(std::vector<std::string> args) {
  args.insert(args.begin(), KIOSK_SELFTEST_BIN);
  return RunProcess(args);
}

std::string Between(const std::string& text, const std::string& before, char end) {
  const auto start = text.find(before);
  if (start == std::string::npos) return "";
  const auto from = start + before.size();
  return text.substr(from, text.find(end, from) - from);
}

}  // namespace

TEST_GROUP(KioskSelfTest) { TempDir dir; };

TEST(KioskSelfTest, PassesOnEmbeddedDefaults) {
  auto r = SelfTest({});
  LONGS_EQUAL_TEXT(0, r.exit_code, r.err.c_str());
  CHECK(r.out.find("kiosk KIOSK-DEV-0001") != std::string::npos);
  CHECK(r.out.find("self-test PASSED") != std::string::npos);
  CHECK(r.out.find("FAIL") == std::string::npos);
  // Structured log lines go to stderr, not the report.
  CHECK(r.err.find("INFO selftest.done passed=true checks=9") != std::string::npos);
}

TEST(KioskSelfTest, DeviceKeyIsCreatedPrivateThenReloadedUnchanged) {
  const std::string key = (dir.Path() / "device-key.pem").string();
  auto first = SelfTest({"--device-key", key});
  LONGS_EQUAL_TEXT(0, first.exit_code, first.err.c_str());
  const std::string created = Between(first.out, "device key created: SHA-256 ", '\n');
  LONGS_EQUAL(64, created.size());

  struct stat st {};
  CHECK_EQUAL(0, stat(key.c_str(), &st));
  LONGS_EQUAL(0600, st.st_mode & 0777);
  CHECK_FALSE(std::filesystem::exists(key + ".tmp"));

  auto second = SelfTest({"--device-key", key});
  LONGS_EQUAL(0, second.exit_code);
  STRCMP_EQUAL(created.c_str(), Between(second.out, "device key loaded: SHA-256 ", '\n').c_str());
}

TEST(KioskSelfTest, CorruptDeviceKeyIsRefusedNotReplaced) {
  const auto key = dir.Path() / "device-key.pem";
  std::ofstream(key) << "-----BEGIN EC PRIVATE KEY-----\nnot a key\n-----END EC PRIVATE KEY-----\n";
  auto r = SelfTest({"--device-key", key.string()});
  LONGS_EQUAL(3, r.exit_code);
  CHECK(r.err.find("selftest.device_key_failed") != std::string::npos);
  // The technician must see the broken file, not find a new identity.
  std::ifstream in(key);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  CHECK(text.find("not a key") != std::string::npos);
}

TEST(KioskSelfTest, ConfigWithTyposIsRefusedWithEveryProblem) {
  const auto config = dir.Path() / "kiosk.toml";
  std::ofstream(config) << "[device]\nkiosk_idd = \"X\"\n[log]\nlevel = \"loud\"\n";
  auto r = SelfTest({"--config", config.string()});
  LONGS_EQUAL(2, r.exit_code);
  CHECK(r.err.find(config.string() + ":2:1: device.kiosk_idd: unknown key") != std::string::npos);
  CHECK(r.err.find(config.string() + ":4:9: log.level: must be one of") != std::string::npos);
}

TEST(KioskSelfTest, ExampleConfigIsUsedAndJsonIsValid) {
  auto r = SelfTest(
      {"--config", kiosk::test::DataPath("config/kiosk-selftest.example.toml").string(), "--json"});
  LONGS_EQUAL_TEXT(0, r.exit_code, r.err.c_str());
  auto json = nlohmann::json::parse(r.out, nullptr, false);
  CHECK_FALSE(json.is_discarded());
  STRCMP_EQUAL("QNM-TAMKY-0001", json["kiosk_id"].get<std::string>().c_str());
  CHECK_TRUE(json["passed"].get<bool>());
  LONGS_EQUAL(9, json["checks"].size());
  LONGS_EQUAL(36, json["run_id"].get<std::string>().size());
}

TEST(KioskSelfTest, UnknownArgumentIsAUsageError) {
  auto r = SelfTest({"--frobnicate"});
  LONGS_EQUAL(2, r.exit_code);
  CHECK(r.err.find("usage: kiosk-selftest") != std::string::npos);
}
