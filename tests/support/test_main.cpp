#include "test_prelude.h"

#include <CppUTest/CommandLineTestRunner.h>
#include <CppUTest/TestRegistry.h>
#include <CppUTestExt/MockSupportPlugin.h>

#include <unistd.h>

#include "kiosk/core/encoding.h"
#include "kiosk/core/log.h"

namespace kiosk::test {

std::string ReadDataFile(std::string_view relative) {
  const auto path = DataPath(relative);
  std::ifstream in(path, std::ios::binary);
  if (!in) FAIL(("missing test data file " + path.string()).c_str());
  return std::string(std::istreambuf_iterator<char>(in), {});
}

core::Bytes Hex(std::string_view text) {
  std::string compact;
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) compact += c;
  }
  auto bytes = core::HexDecode(compact);
  if (!bytes) FAIL(("bad hex in a test vector: " + std::string(text)).c_str());
  return bytes.ValueOr({});
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "kiosk-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) FAIL("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace kiosk::test

int main(int argc, char** argv) {
  // Created before any test runs, so that its allocation is not counted as a
  // leak of the first test that logs.
  kiosk::core::log::Default();
  MockSupportPlugin mock_plugin;
  TestRegistry::getCurrentRegistry()->installPlugin(&mock_plugin);
  return CommandLineTestRunner::RunAllTests(argc, argv);
}
