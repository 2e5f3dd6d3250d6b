// kiosk-sim-printer: a network receipt printer on loopback (raw port, as a
// printer's 9100), for the demo and the tests. Every cut sheet is written as
// a PNG of the paper; DLE EOT status requests are answered.
//
//   kiosk-sim-printer --out DIR [--port N] [--width 576|384] [--paper-mm N]
//                     [--control FILE]
//
// The control file, re-read whenever it changes, sets faults by line:
//   paper_mm = 40        paper left on the roll (0: out; -1: endless)
//   cover = open|closed
//   offline = yes|no

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "kiosk/core/usage.h"
#include "kiosk/printer/escpos_sim.h"

namespace fs = std::filesystem;
namespace printer = kiosk::printer;

namespace {

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

constexpr double kDotsPerMm = 203.0 / 25.4;

struct Control {
  fs::path file;
  fs::file_time_type seen{};

  void Apply(printer::EscPosInterpreter& sim) {
    std::error_code ec;
    if (file.empty() || !fs::exists(file, ec)) return;
    const auto changed = fs::last_write_time(file, ec);
    if (ec || changed == seen) return;
    seen = changed;
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
      const auto eq = line.find('=');
      if (eq == std::string::npos) continue;
      auto trim = [](std::string s) {
        s.erase(0, s.find_first_not_of(" \t"));
        s.erase(s.find_last_not_of(" \t\r") + 1);
        return s;
      };
      const std::string key = trim(line.substr(0, eq));
      const std::string value = trim(line.substr(eq + 1));
      if (key == "paper_mm") {
        const int mm = std::stoi(value);
        sim.SetPaperLeft(mm < 0 ? -1 : static_cast<int>(mm * kDotsPerMm));
      } else if (key == "cover") {
        sim.SetCoverOpen(value == "open");
      } else if (key == "offline") {
        sim.SetOffline(value == "yes");
      }
      std::fprintf(stderr, "kiosk-sim-printer: %s = %s\n", key.c_str(), value.c_str());
    }
  }
};

int Usage(bool asked = false) {
  std::fprintf(kiosk::core::UsageStream(asked),
               "usage: kiosk-sim-printer --out DIR [--port N] [--width 576|384] [--paper-mm N]\n"
               "                         [--control FILE]\n");
  return asked ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (kiosk::core::AsksForHelp(argc, argv)) return Usage(true);
  const std::vector<std::string> args(argv + 1, argv + argc);
  fs::path out;
  int port = 0;
  int width = 576;
  int paper_mm = -1;
  Control control;
  for (std::size_t i = 0; i + 1 < args.size(); i += 2) {
    if (args[i] == "--out") {
      out = args[i + 1];
    } else if (args[i] == "--port") {
      port = std::stoi(args[i + 1]);
    } else if (args[i] == "--width") {
      width = std::stoi(args[i + 1]);
    } else if (args[i] == "--paper-mm") {
      paper_mm = std::stoi(args[i + 1]);
    } else if (args[i] == "--control") {
      control.file = args[i + 1];
    } else {
      return Usage();
    }
  }
  if (out.empty() || args.size() % 2 != 0 || (width != 576 && width != 384)) return Usage();
  fs::create_directories(out);

  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener, 4) != 0) {
    std::perror("kiosk-sim-printer: listen");
    return 1;
  }
  socklen_t length = sizeof address;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);

  printer::EscPosInterpreter sim(width);
  if (paper_mm >= 0) sim.SetPaperLeft(static_cast<int>(paper_mm * kDotsPerMm));
  sim.SetNearEndBelow(static_cast<int>(150 * kDotsPerMm));
  int sheets = 0;
  std::size_t errors_reported = 0;
  std::printf("kiosk-sim-printer: listening on 127.0.0.1:%u\n", ntohs(address.sin_port));
  std::fflush(stdout);

  while (!g_stop) {
    pollfd p{listener, POLLIN, 0};
    if (::poll(&p, 1, 200) != 1) continue;
    const int client = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    std::vector<std::uint8_t> buffer(64 * 1024);
    while (!g_stop) {
      pollfd c{client, POLLIN, 0};
      const int ready = ::poll(&c, 1, 200);
      if (ready <= 0) continue;  // nothing yet, or a signal: look at g_stop again
      const ssize_t n = ::recv(client, buffer.data(), buffer.size(), 0);
      if (n <= 0) break;
      control.Apply(sim);
      const auto reply = sim.Feed({buffer.data(), static_cast<std::size_t>(n)});
      if (!reply.empty()) (void)::send(client, reply.data(), reply.size(), MSG_NOSIGNAL);
      for (const auto& sheet : sim.TakeSheets()) {
        char name[32];
        std::snprintf(name, sizeof name, "sheet-%03d.png", ++sheets);
        const auto written = printer::WritePng(sheet, out / name);
        std::printf("kiosk-sim-printer: %s %dx%d dots%s\n", name, sheet.width, sheet.height,
                    written ? "" : " (not written)");
        std::fflush(stdout);
      }
      for (; errors_reported < sim.Errors().size(); ++errors_reported) {
        std::fprintf(stderr, "kiosk-sim-printer: %s\n", sim.Errors()[errors_reported].c_str());
      }
    }
    ::close(client);
  }
  ::close(listener);
  return 0;
}
