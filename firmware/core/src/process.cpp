#include "kiosk/core/process.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

extern char** environ;

namespace kiosk::core {

std::string ProcessResult::Summary() const {
  std::string text = exit_code >= 0 ? "exit " + std::to_string(exit_code)
                                    : "killed by signal " + std::to_string(signal);
  std::string_view out = output;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.remove_suffix(1);
  const auto nl = out.rfind('\n');
  if (nl != std::string_view::npos) out.remove_prefix(nl + 1);
  if (out.size() > 300) out = out.substr(out.size() - 300);
  if (!out.empty()) text += ": " + std::string(out);
  return text;
}

Expected<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                   const std::function<void()>& tick, std::size_t keep_output) {
  if (argv.empty()) return Error::Fatal("process.empty", "no program to run");
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return Error::Retryable("process.pipe_failed", std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    return Error::Retryable("process.spawn_failed", argv[0] + ": " + std::strerror(rc));
  }
  ProcessResult result;
  std::array<char, 4096> buf{};
  auto last_tick = std::chrono::steady_clock::now();
  for (;;) {
    pollfd pfd{fds[0], POLLIN, 0};
    const int ready = ::poll(&pfd, 1, 1000);
    if (ready > 0) {
      const auto n = ::read(fds[0], buf.data(), buf.size());
      if (n == 0) break;
      if (n > 0) {
        result.output.append(buf.data(), static_cast<std::size_t>(n));
        if (result.output.size() > keep_output) {
          result.output.erase(0, result.output.size() - keep_output);
        }
      } else if (errno != EINTR) {
        break;
      }
    }
    if (tick && std::chrono::steady_clock::now() - last_tick >= std::chrono::seconds(1)) {
      tick();
      last_tick = std::chrono::steady_clock::now();
    }
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return Error::Retryable("process.wait_failed", std::strerror(errno));
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  return result;
}

}  // namespace kiosk::core
