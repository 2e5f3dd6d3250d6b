#include <fstream>
#include "test_prelude.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

namespace kiosk::test {
namespace {

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

ProcessResult RunProcess(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  ProcessResult result;
  TempDir dir;
  const auto out_path = dir.Path() / "stdout";
  const auto err_path = dir.Path() / "stderr";

  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  const pid_t pid = fork();
  if (pid < 0) FAIL("fork failed");
  if (pid == 0) {
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (out < 0 || err < 0) _exit(127);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    execv(args[0], args.data());
    _exit(127);
  }

  // Poll for exit with a deadline; the child is killed if it overstays.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (true) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      result.timed_out = true;
      break;
    }
    const timespec pause{0, 5'000'000};
    nanosleep(&pause, nullptr);
  }
  if (!result.timed_out && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  result.out = ReadAll(out_path);
  result.err = ReadAll(err_path);
  return result;
}

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv,
                                     std::filesystem::path log)
    : log_(std::move(log)) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_ = fork();
  if (pid_ < 0) FAIL("fork failed");
  if (pid_ == 0) {
    const int out = open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (out < 0) _exit(127);
    dup2(out, STDOUT_FILENO);
    dup2(out, STDERR_FILENO);
    execv(args[0], args.data());
    _exit(127);
  }
}

BackgroundProcess::~BackgroundProcess() { Stop(); }

bool BackgroundProcess::Running() {
  if (pid_ <= 0) return false;
  if (waitpid(pid_, &status_, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

std::string BackgroundProcess::Log() const { return ReadAll(log_); }

bool BackgroundProcess::WaitForLog(std::string_view text, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (Log().find(text) != std::string::npos) return true;
    if (!Running()) return Log().find(text) != std::string::npos;
    const timespec pause{0, 10'000'000};
    nanosleep(&pause, nullptr);
  }
  return false;
}

void BackgroundProcess::Signal(int sig) {
  if (pid_ > 0) kill(pid_, sig);
}

int BackgroundProcess::Stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid_, &status_, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
    }
    const timespec pause{0, 5'000'000};
    nanosleep(&pause, nullptr);
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status_, 0);
  pid_ = -1;
  return -1;
}

std::filesystem::path SourcePath(std::string_view relative) {
  return std::filesystem::path(KIOSK_TEST_DATA_DIR).parent_path().parent_path() / relative;
}

void WriteFleetGatewayConfig(const std::filesystem::path& file, const std::filesystem::path& pki,
                             const std::filesystem::path& state, int heartbeat_interval_s,
                             int offline_after_s, const std::string& storage_lines) {
  std::ofstream(file) << "[listen]\naddress = \"127.0.0.1\"\nport = 0\n[operator]\nport = 0\n"
                      << "[tls]\ncertificate = \"" << (pki / "gateway.pem").string() << "\"\n"
                      << "key = \"" << (pki / "gateway-key.pem").string() << "\"\n"
                      << "device_ca = \"" << (pki / "device-ca.pem").string() << "\"\n"
                      << "[fleet]\nca_key = \"" << (pki / "device-ca-key.pem").string() << "\"\n"
                      << "config_key = \"" << (pki / "config-signer-key.pem").string() << "\"\n"
                      << "heartbeat_interval_s = " << heartbeat_interval_s << "\n"
                      << "offline_after_s = " << offline_after_s << "\n"
                      << "[storage]\ndir = \"" << state.string() << "\"\n"
                      << storage_lines;
}

std::string ListeningPort(const std::string& log, const std::string& label) {
  const auto at = log.find(label + "127.0.0.1:");
  if (at == std::string::npos) return "";
  const auto start = at + label.size() + 10;
  return log.substr(start, log.find('\n', start) - start);
}

SmallDisk::SmallDisk(const std::filesystem::path& path, int size_mb) : path_(path) {
  std::filesystem::create_directories(path);
  const std::string options = "size=" + std::to_string(size_mb) + "m,mode=0700";
  mounted_ = ::mount("tmpfs", path.c_str(), "tmpfs", 0, options.c_str()) == 0;
}

SmallDisk::~SmallDisk() {
  if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
}

void SmallDisk::Fill(const std::filesystem::path& file) const {
  std::ofstream out(file, std::ios::binary);
  const std::string block(16 * 1024, 'f');
  while (out.write(block.data(), static_cast<std::streamsize>(block.size()))) {
  }
}

std::uint16_t FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace kiosk::test
