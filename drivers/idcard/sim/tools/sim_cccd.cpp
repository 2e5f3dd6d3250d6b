// sim-cccd: a virtual CCCD behind the real pcscd, through vsmartcard's vpcd.
//
//   sim-cccd --make-pki DIR [--seed N]
//   sim-cccd --persona FILE --pki DIR --dump-files DIR   (the card's files, raw)
//   sim-cccd --persona FILE --pki DIR [--port 35963] [--remove-after N]
//            [--reinsert-after-ms MS] [--log-apdus]
//
// pcscd's vpcd driver listens (DEVICENAME /dev/null:0x8C7B) and we connect to
// it on 127.0.0.1:--port: a connection is a card in the reader, closing it
// takes the card out. vpcd listens on every interface, so tests run pcscd and
// this simulator inside a private network namespace (scripts/pcscd-sandbox);
// the reversed mode that would bind loopback only makes Debian 12's vpcd
// (3.3) abort pcscd as soon as a card is removed. Signals: SIGUSR1 removes
// the card, SIGUSR2 puts it back, SIGTERM stops. Development and test only.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/clock.h"
#include "kiosk/core/encoding.h"
#include "kiosk/core/random.h"
#include "kiosk/core/usage.h"
#include "kiosk/idcard/sim/persona.h"
#include "kiosk/idcard/sim/virtual_card.h"

namespace sim = kiosk::idcard::sim;
namespace core = kiosk::core;

namespace {

volatile std::sig_atomic_t g_stop = 0;
volatile std::sig_atomic_t g_remove = 0;
volatile std::sig_atomic_t g_insert = 0;

void OnSignal(int sig) {
  if (sig == SIGUSR1) g_remove = 1;
  if (sig == SIGUSR2) g_insert = 1;
  if (sig == SIGTERM || sig == SIGINT) g_stop = 1;
}

int Connect(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  // Answers are small and must go out at once, not wait for Nagle.
  int yes = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
  return fd;
}

bool ReadExact(int fd, std::uint8_t* out, std::size_t n) {
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = ::recv(fd, out + got, n - got, 0);
    if (r <= 0) return false;
    got += static_cast<std::size_t>(r);
  }
  // Acknowledge at once: measured, a delayed ACK here holds vpcd's next
  // command back by the 40 ms delayed-ACK timer (44 ms per APDU instead of <1).
  int yes = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &yes, sizeof yes);
  return true;
}

bool SendFrame(int fd, const core::Bytes& payload) {
  core::Bytes frame{static_cast<std::uint8_t>(payload.size() >> 8),
                    static_cast<std::uint8_t>(payload.size() & 0xFF)};
  frame.insert(frame.end(), payload.begin(), payload.end());
  return ::send(fd, frame.data(), frame.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(frame.size());
}

struct Options {
  std::string persona;
  std::string pki;
  std::string make_pki;
  std::string dump_files;
  std::uint64_t seed = 7;
  std::uint16_t port = 35963;
  std::optional<std::size_t> remove_after;
  std::optional<int> reinsert_after_ms;
  bool log_apdus = false;
};

int Usage(bool asked = false) {
  std::fprintf(kiosk::core::UsageStream(asked),
               "usage: sim-cccd --make-pki DIR [--seed N]\n"
               "       sim-cccd --persona FILE --pki DIR --dump-files DIR\n"
               "       sim-cccd --persona FILE --pki DIR [--port N] [--remove-after N]\n"
               "                [--reinsert-after-ms MS] [--log-apdus]\n");
  return asked ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (kiosk::core::AsksForHelp(argc, argv)) return Usage(true);
  Options o;
  std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool has_value = i + 1 < args.size();
    if (a == "--log-apdus") {
      o.log_apdus = true;
    } else if (!has_value) {
      return Usage();
    } else if (a == "--persona") {
      o.persona = args[++i];
    } else if (a == "--pki") {
      o.pki = args[++i];
    } else if (a == "--dump-files") {
      o.dump_files = args[++i];
    } else if (a == "--make-pki") {
      o.make_pki = args[++i];
    } else if (a == "--seed") {
      o.seed = std::stoull(args[++i]);
    } else if (a == "--port") {
      o.port = static_cast<std::uint16_t>(std::stoi(args[++i]));
    } else if (a == "--remove-after") {
      o.remove_after = std::stoul(args[++i]);
    } else if (a == "--reinsert-after-ms") {
      o.reinsert_after_ms = std::stoi(args[++i]);
    } else {
      return Usage();
    }
  }

  if (!o.make_pki.empty()) {
    auto pki = sim::GenerateTestPki(o.seed, core::SystemClock().Now());
    auto written = pki ? sim::WriteTestPki(*pki, o.make_pki) : core::Status(pki.GetError());
    if (!written) {
      std::fprintf(stderr, "sim-cccd: %s\n", written.GetError().ToString().c_str());
      return 1;
    }
    std::printf("sim-cccd: test PKI written to %s (CSCA folder: %s/csca)\n", o.make_pki.c_str(),
                o.make_pki.c_str());
    return 0;
  }
  if (o.persona.empty() || o.pki.empty()) return Usage();

  auto persona = sim::LoadPersona(o.persona);
  if (!persona) {
    std::fprintf(stderr, "sim-cccd: %s\n", persona.GetError().ToString().c_str());
    return 2;
  }
  auto pki = sim::LoadTestPki(o.pki);
  if (!pki) {
    std::fprintf(stderr, "sim-cccd: %s\n", pki.GetError().ToString().c_str());
    return 2;
  }
  auto random = core::Drbg::Create(core::AsBytes("sim-cccd"));
  if (!random) return 1;
  auto built = sim::BuildCard(*persona, *pki, **random);
  if (!built) {
    std::fprintf(stderr, "sim-cccd: %s\n", built.GetError().ToString().c_str());
    return 2;
  }
  if (!o.dump_files.empty()) {
    std::filesystem::create_directories(o.dump_files);
    for (const auto& [fid, bytes] : built->files) {
      char name[16];
      std::snprintf(name, sizeof name, "%04X.bin", fid);
      std::ofstream out(std::filesystem::path(o.dump_files) / name, std::ios::binary);
      out.write(reinterpret_cast<const char*>(bytes.data()),
                static_cast<std::streamsize>(bytes.size()));
    }
    std::printf("sim-cccd: %zu files written to %s\n", built->files.size(), o.dump_files.c_str());
    return 0;
  }
  sim::VirtualCard card(std::move(built->files), std::move(built->secrets), built->quirks,
                        **random);

  std::signal(SIGUSR1, OnSignal);
  std::signal(SIGUSR2, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);

  std::printf("sim-cccd: %s ready; connecting to vpcd on 127.0.0.1:%u\n", persona->name.c_str(),
              o.port);
  std::fflush(stdout);

  bool present = true;
  bool announced = false;
  int client = -1;
  std::size_t apdus = 0;
  std::optional<std::chrono::steady_clock::time_point> reinsert_at;
  auto next_connect = std::chrono::steady_clock::now();
  auto remove_card = [&](const char* why) {
    if (client >= 0) ::close(client);
    client = -1;
    present = false;
    card.PowerOff();
    std::printf("sim-cccd: card removed (%s)\n", why);
    std::fflush(stdout);
    if (o.reinsert_after_ms) {
      reinsert_at =
          std::chrono::steady_clock::now() + std::chrono::milliseconds(*o.reinsert_after_ms);
    }
  };

  while (!g_stop) {
    if (g_remove) {
      g_remove = 0;
      if (present) remove_card("signal");
    }
    if (g_insert || (reinsert_at && std::chrono::steady_clock::now() >= *reinsert_at)) {
      g_insert = 0;
      reinsert_at.reset();
      if (!present) {
        present = true;
        std::printf("sim-cccd: card inserted\n");
        std::fflush(stdout);
      }
    }
    if (present && client < 0) {
      // pcscd may not be up yet: try again every 100 ms.
      if (std::chrono::steady_clock::now() >= next_connect) {
        client = Connect(o.port);
        next_connect = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
        if (client >= 0) {
          card.PowerOn();
          announced = false;
        }
      }
    }
    pollfd fd{client, POLLIN, 0};
    if (::poll(&fd, client >= 0 ? 1 : 0, 50) <= 0 || client < 0) continue;
    if (fd.revents & (POLLIN | POLLHUP | POLLERR)) {
      std::uint8_t header[2];
      if (!ReadExact(client, header, 2)) {
        ::close(client);
        client = -1;
        continue;
      }
      const std::size_t length = (std::size_t{header[0]} << 8) | header[1];
      core::Bytes message(length);
      if (!ReadExact(client, message.data(), length)) {
        ::close(client);
        client = -1;
        continue;
      }
      if (length == 1) {
        switch (message[0]) {
          case 0x00:  // power off
            card.PowerOff();
            break;
          case 0x01:  // power on
          case 0x02:  // reset
            card.PowerOn();
            break;
          case 0x04:  // ATR
            SendFrame(client, sim::VirtualCard::Atr());
            // vpcd asks for the ATR once it has taken our connection: only
            // now does pcscd know the card is there.
            if (!announced) {
              announced = true;
              std::printf("sim-cccd: card in the reader\n");
              std::fflush(stdout);
            }
            break;
          default:
            break;
        }
        continue;
      }
      const core::Bytes response = card.Process(message);
      ++apdus;
      if (o.log_apdus) {
        std::printf("> %s\n< %s\n", core::HexEncode(message).c_str(),
                    core::HexEncode(response).c_str());
        std::fflush(stdout);
      }
      if (o.remove_after && apdus == *o.remove_after) {
        o.remove_after.reset();
        remove_card("after a set number of commands");
        continue;
      }
      SendFrame(client, response);
    }
  }
  if (client >= 0) ::close(client);
  return 0;
}
