#pragma once

// Helpers shared by the test suites of every module.

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

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

// The outcome of running a program to completion.
struct ProcessResult {
  int exit_code = -1;  // -1 if killed by a signal or by the deadline
  bool timed_out = false;
  std::string out;
  std::string err;
};

// Runs argv[0] (a path) with the given arguments, capturing stdout and
// stderr; kills it if it outlives `timeout`.
ProcessResult RunProcess(const std::vector<std::string>& argv,
                         std::chrono::milliseconds timeout = std::chrono::seconds(60));

// A program running in the background for the length of a test (a server, a
// simulator), its output in a log file. Stopped by its PID when destroyed.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string>& argv, std::filesystem::path log);
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  int Pid() const { return pid_; }
  bool Running();
  // Polls the log until it contains `text`; false at the deadline.
  bool WaitForLog(std::string_view text, std::chrono::milliseconds timeout);
  std::string Log() const;
  void Signal(int sig);
  // SIGTERM, then SIGKILL after `grace`; returns the exit status (-1 if killed).
  int Stop(std::chrono::milliseconds grace = std::chrono::seconds(3));

 private:
  int pid_ = -1;
  std::filesystem::path log_;
  int status_ = -1;
};

// A kiosk-gateway config with both listeners on free loopback ports and the
// fleet desk on the PKI that `kiosk-devca init PKI` made; state under STATE.
void WriteFleetGatewayConfig(const std::filesystem::path& file, const std::filesystem::path& pki,
                             const std::filesystem::path& state, int heartbeat_interval_s,
                             int offline_after_s = 300, const std::string& storage_lines = "");
// The port kiosk-gateway printed after `label` ("listening on ",
// "operator listening on "), or "" if it has not.
std::string ListeningPort(const std::string& log, const std::string& label);

// A real small disk for full-disk tests: a tmpfs of `size_mb` mounted at
// `path` (created), unmounted on destruction. Needs root, as CI has;
// Mounted() says whether it worked.
class SmallDisk {
 public:
  SmallDisk(const std::filesystem::path& path, int size_mb);
  ~SmallDisk();
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;
  bool Mounted() const { return mounted_; }
  // Writes `file` until the disk is full.
  void Fill(const std::filesystem::path& file) const;

 private:
  std::filesystem::path path_;
  bool mounted_ = false;
};

// A TCP port on loopback that was free a moment ago, for a server under test.
std::uint16_t FreePort();

// The repository root, for scripts/.
std::filesystem::path SourcePath(std::string_view relative);

}  // namespace kiosk::test
