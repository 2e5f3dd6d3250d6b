#include "test_prelude.h"

#include "kiosk/core/config.h"
#include "kiosk/core/config_writer.h"
#include "kiosk/core/device_config.h"

using namespace kiosk::core;  // NOLINT(google-build-using-namespace): test file

namespace {

struct TestConfig {
  DeviceConfig device;
  LogConfig log;
  int heartbeat_seconds = 60;
  double brightness = 0.8;
  bool kiosk_mode = true;
  std::string renderer = "software";
  std::vector<std::string> languages{"vi"};
};

Expected<TestConfig> ReadTestConfig(std::string_view text) {
  auto doc = config::Document::Parse(text, "kiosk.toml");
  if (!doc) return std::move(doc).GetError();
  TestConfig c;
  config::Reader reader(*doc);
  ReadDeviceConfig(reader.Table("device"), c.device);
  ReadLogConfig(reader.Table("log"), c.log);
  auto ui = reader.Table("ui");
  ui.Read("heartbeat_seconds", c.heartbeat_seconds, 5, 3600);
  ui.Read("brightness", c.brightness, 0.0, 1.0);
  ui.Read("kiosk_mode", c.kiosk_mode);
  ui.ReadOneOf("renderer", c.renderer, {"software", "opengl"});
  ui.Read("languages", c.languages);
  KIOSK_TRY(reader.Finish());
  return c;
}

std::string Problems(std::string_view text) {
  auto r = ReadTestConfig(text);
  if (r) return "";
  return r.GetError().Message();
}

}  // namespace

TEST_GROUP(Config){};

TEST(Config, EmptyDocumentGivesTheDefaults) {
  auto c = ReadTestConfig("");
  CHECK_TRUE(c.HasValue());
  STRCMP_EQUAL("KIOSK-DEV-0001", c->device.kiosk_id.c_str());
  LONGS_EQUAL(60, c->heartbeat_seconds);
  CHECK(c->log.level == log::Level::kInfo);
}

TEST(Config, ValuesOverrideDefaults) {
  auto c = ReadTestConfig(R"(
[device]
kiosk_id = "QNM-TAMKY-07"
site_name = "UBND phường An Mỹ"
province_code = "49"

[log]
level = "debug"

[ui]
heartbeat_seconds = 30
brightness = 1
kiosk_mode = false
renderer = "opengl"
languages = ["vi", "en"]
)");
  CHECK_TRUE(c.HasValue());
  STRCMP_EQUAL("QNM-TAMKY-07", c->device.kiosk_id.c_str());
  STRCMP_EQUAL("UBND phường An Mỹ", c->device.site_name.c_str());
  LONGS_EQUAL(30, c->heartbeat_seconds);
  DOUBLES_EQUAL(1.0, c->brightness, 0);
  CHECK_FALSE(c->kiosk_mode);
  STRCMP_EQUAL("opengl", c->renderer.c_str());
  LONGS_EQUAL(2, c->languages.size());
  CHECK(c->log.level == log::Level::kDebug);
}

TEST(Config, UnknownKeyIsNamedWithFileAndLine) {
  STRCMP_EQUAL("kiosk.toml:3:1: ui.heartbeat_secs: unknown key",
               Problems("[ui]\nheartbeat_seconds = 10\nheartbeat_secs = 5\n").c_str());
}

TEST(Config, UnknownTableIsNamed) {
  STRCMP_EQUAL("kiosk.toml:1:2: printer: unknown key",
               Problems("[printer]\nmodel = \"x\"\n").c_str());
}

TEST(Config, OutOfRangeValueIsNamedWithFileLineAndKey) {
  STRCMP_EQUAL("kiosk.toml:2:21: ui.heartbeat_seconds: must be between 5 and 3600, got 0",
               Problems("[ui]\nheartbeat_seconds = 0\n").c_str());
}

TEST(Config, WrongTypeIsNamed) {
  STRCMP_EQUAL("kiosk.toml:2:14: ui.kiosk_mode: must be true or false, got a string",
               Problems("[ui]\nkiosk_mode = \"yes\"\n").c_str());
  STRCMP_EQUAL("kiosk.toml:1:6: ui: must be a table, got an integer", Problems("ui = 5\n").c_str());
}

TEST(Config, ValueOutsideTheAllowedSetIsNamed) {
  STRCMP_EQUAL(
      "kiosk.toml:1:15: ui.renderer: must be one of \"software\", \"opengl\", got \"vulkan\"",
      Problems("ui.renderer = \"vulkan\"\n").c_str());
}

TEST(Config, EveryProblemIsReportedAtOnce) {
  const std::string problems = Problems(
      "[device]\nkiosk_id = \"bad id\"\nprovince_code = \"4\"\n[log]\nlevel = \"loud\"\n[ui]\nx = "
      "1\n");
  CHECK(problems.find("device.kiosk_id: must be 3 to 64") != std::string::npos);
  CHECK(problems.find("device.province_code: must be two digits") != std::string::npos);
  CHECK(problems.find("log.level: must be one of") != std::string::npos);
  CHECK(problems.find("ui.x: unknown key") != std::string::npos);
}

TEST(Config, SyntaxErrorNamesFileLineAndColumn) {
  auto r = ReadTestConfig("[ui]\nbrightness = = 1\n");
  CHECK_FALSE(r.HasValue());
  STRCMP_EQUAL("config.syntax", r.GetError().Code().c_str());
  CHECK(r.GetError().Message().rfind("kiosk.toml:2:", 0) == 0);
}

TEST(Config, ArrayWithAWrongElementIsRejected) {
  CHECK(Problems("[ui]\nlanguages = [\"vi\", 3]\n")
            .find("ui.languages: must be an array of strings") != std::string::npos);
}

TEST(Config, RequiredKeyMustBePresent) {
  auto doc = config::Document::Parse("[a]\n", "r.toml");
  config::Reader reader(*doc);
  reader.Table("a").Require("token");
  auto s = reader.Finish();
  CHECK_FALSE(s.HasValue());
  CHECK(s.GetError().Message().find("a.token: is required") != std::string::npos);
}

TEST(Config, MissingFileIsAClearError) {
  auto r = config::Document::Load("/nonexistent/kiosk.toml");
  STRCMP_EQUAL("config.unreadable", r.GetError().Code().c_str());
  CHECK(r.GetError().Class() == ErrorClass::kNeedsPerson);
}

TEST(Config, CheckedInExampleConfigLoads) {
  auto doc = config::Document::Load(kiosk::test::DataPath("config/kiosk-selftest.example.toml"));
  CHECK_TRUE(doc.HasValue());
  DeviceConfig device;
  LogConfig log_config;
  config::Reader reader(*doc);
  ReadDeviceConfig(reader.Table("device"), device);
  ReadLogConfig(reader.Table("log"), log_config);
  auto s = reader.Finish();
  if (!s) FAIL(s.GetError().ToString().c_str());
  STRCMP_EQUAL("QNM-TAMKY-0001", device.kiosk_id.c_str());
}

// ---- the writer: the same schema recorded (core/config_writer.h) ----

namespace {
struct Sample {
  std::string name = "kiosk";
  int port = 8443;
  bool on = false;
  double ratio = 0.5;
  std::vector<std::string> list;
  std::string nested = "x";
};
template <class R, class C>
void SampleSchema(R& root, C& c) {
  auto a = root.Table("a");
  a.Read("name", c.name);
  a.Read("port", c.port, 1, 65535);
  a.Read("on", c.on);
  a.Read("ratio", c.ratio, 0.0, 1.0);
  root.Table("b").Read("list", c.list);
  root.Table("b").Table("deep").ReadOneOf("nested", c.nested, {"x", "y"});
}
}  // namespace

TEST_GROUP(ConfigWriter){};

TEST(ConfigWriter, WritesWhatDiffersAndReadsBackTheSame) {
  Sample c;
  c.name = "tab\tquote\"back\\slash\x01";
  c.on = true;
  c.ratio = 0.25;
  c.list = {"a", "b"};
  c.nested = "y";
  kiosk::core::config::Recorder now, base;
  SampleSchema(now, static_cast<const Sample&>(c));
  const Sample defaults;
  SampleSchema(base, defaults);
  const std::string text = now.Difference(base);
  CHECK_TEXT(text.find("port") == std::string::npos, text.c_str());  // unchanged
  CHECK_TEXT(text.find("[b.deep]") != std::string::npos, text.c_str());
  auto doc = kiosk::core::config::Document::Parse(text, "written.toml");
  CHECK_TEXT(doc.HasValue(), text.c_str());
  kiosk::core::config::Reader reader(*doc);
  Sample back;
  SampleSchema(reader, back);
  CHECK_TRUE(reader.Finish().HasValue());
  STRCMP_EQUAL(c.name.c_str(), back.name.c_str());
  CHECK_TRUE(back.on);
  DOUBLES_EQUAL(0.25, back.ratio, 0);
  LONGS_EQUAL(2, back.list.size());
  STRCMP_EQUAL("y", back.nested.c_str());
  STRCMP_EQUAL("", base.Difference(base).c_str());
}

TEST(ConfigWriter, QuotesTomlStrings) {
  STRCMP_EQUAL("\"a\\\"b\\\\c\\n\\u0001\"",
               kiosk::core::config::QuoteToml("a\"b\\c\n\x01").c_str());
  STRCMP_EQUAL("\"Tam Kỳ\"", kiosk::core::config::QuoteToml("Tam Kỳ").c_str());
}
