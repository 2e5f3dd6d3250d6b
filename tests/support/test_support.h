#pragma once

// Helpers shared by the test suites of every module.

#include <filesystem>
#include <string>
#include <string_view>

#include "kiosk/core/bytes.h"

namespace kiosk::test {

// Absolute path of a file under tests/data.
inline std::filesystem::path DataPath(std::string_view relative) {
  return std::filesystem::path(KIOSK_TEST_DATA_DIR) / relative;
}

// Reads a whole test data file; fails the current test if it is missing.
std::string ReadDataFile(std::string_view relative);

// Hex with optional spaces and newlines, as test vectors are printed.
core::Bytes Hex(std::string_view text);

// A fresh empty directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& Path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace kiosk::test
