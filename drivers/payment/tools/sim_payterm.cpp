// kiosk-sim-payterm: a card terminal on loopback that speaks nexo Sale-to-POI
// JSON over HTTPS with client certificates, for the demo and the tests.
//
//   kiosk-sim-payterm --make-pki DIR
//       terminal-ca, terminal (CN=localhost), sale-ca and sale (the kiosk)
//   kiosk-sim-payterm --pki DIR [--port N] [--scenarios approve,drop,...]
//                     [--then approve] [--card-delay-ms 300] [--card-timeout-ms 60000]
//                     [--journal FILE]
//       prints "kiosk-sim-payterm: listening on 127.0.0.1:PORT", serves until SIGTERM

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "kiosk/core/dev_pki.h"
#include "kiosk/core/http.h"
#include "kiosk/core/tls.h"
#include "kiosk/core/usage.h"
#include "kiosk/payment/terminal_sim.h"

namespace core = kiosk::core;
namespace payment = kiosk::payment;

namespace {

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

int Usage(bool asked = false) {
  std::fprintf(kiosk::core::UsageStream(asked),
               "usage: kiosk-sim-payterm --make-pki DIR\n"
               "       kiosk-sim-payterm --pki DIR [--port N] [--scenarios a,b,...] [--then S]\n"
               "                         [--card-delay-ms N] [--card-timeout-ms N] "
               "[--journal FILE]\n"
               "scenarios: approve decline timeout card-removed drop busy\n");
  return asked ? 0 : 2;
}

core::Status MakePki(const std::string& dir, core::RandomSource& random) {
  KIOSK_ASSIGN_OR_RETURN(auto terminal_ca, core::MakeDevCa("Kiosk Dev Terminal CA", random));
  KIOSK_ASSIGN_OR_RETURN(auto terminal, core::MakeDevLeaf(terminal_ca, "localhost", random));
  KIOSK_ASSIGN_OR_RETURN(auto sale_ca, core::MakeDevCa("Kiosk Dev Sale System CA", random));
  KIOSK_ASSIGN_OR_RETURN(auto sale, core::MakeDevLeaf(sale_ca, "KIOSK-SALE-01", random));
  KIOSK_TRY(core::WriteCertifiedKey(dir, "terminal-ca", terminal_ca));
  KIOSK_TRY(core::WriteCertifiedKey(dir, "terminal", terminal));
  KIOSK_TRY(core::WriteCertifiedKey(dir, "sale-ca", sale_ca));
  return core::WriteCertifiedKey(dir, "sale", sale);
}

}  // namespace

int main(int argc, char** argv) {
  if (kiosk::core::AsksForHelp(argc, argv)) return Usage(true);
  const std::vector<std::string> args(argv + 1, argv + argc);
  std::string pki;
  int port = 0;
  payment::TerminalSimOptions options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool has_value = i + 1 < args.size();
    if (a == "--make-pki" && has_value) {
      auto random = core::Drbg::Create(core::AsBytes("kiosk-sim-payterm"));
      auto made = random ? MakePki(args[i + 1], **random) : core::Status(random.GetError());
      if (!made) {
        std::fprintf(stderr, "kiosk-sim-payterm: %s\n", made.GetError().ToString().c_str());
        return 1;
      }
      return 0;
    } else if (a == "--pki" && has_value) {
      pki = args[++i];
    } else if (a == "--port" && has_value) {
      port = std::stoi(args[++i]);
    } else if ((a == "--scenarios" || a == "--then") && has_value) {
      std::stringstream list(args[++i]);
      std::string name;
      while (std::getline(list, name, ',')) {
        auto scenario = payment::ScenarioFrom(name);
        if (!scenario) {
          std::fprintf(stderr, "kiosk-sim-payterm: %s\n", scenario.GetError().Message().c_str());
          return 2;
        }
        if (a == "--then") {
          options.then = *scenario;
        } else {
          options.scenarios.push_back(*scenario);
        }
      }
    } else if (a == "--card-delay-ms" && has_value) {
      options.card_delay = std::chrono::milliseconds(std::stoi(args[++i]));
    } else if (a == "--card-timeout-ms" && has_value) {
      options.card_timeout = std::chrono::milliseconds(std::stoi(args[++i]));
    } else if (a == "--journal" && has_value) {
      options.journal = args[++i];
    } else {
      return Usage();
    }
  }
  if (pki.empty() || port < 0 || port > 65535) return Usage();

  auto identity = core::LoadCertifiedKey(pki, "terminal");
  auto sale_ca = core::LoadCertificateFile(std::string(pki) + "/sale-ca.pem");
  if (!identity || !sale_ca) {
    std::fprintf(stderr, "kiosk-sim-payterm: cannot load the PKI in %s (run --make-pki)\n",
                 pki.c_str());
    return 1;
  }
  core::TlsOptions tls;
  tls.trusted = *sale_ca;
  tls.identity = core::TlsIdentity{{identity->certificate}, &identity->key};
  tls.io_timeout = std::chrono::seconds(10);
  auto server = core::TlsServer::Listen("127.0.0.1", static_cast<std::uint16_t>(port), tls);
  if (!server) {
    std::fprintf(stderr, "kiosk-sim-payterm: %s\n", server.GetError().ToString().c_str());
    return 1;
  }
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);
  payment::TerminalSimulator terminal(options);
  std::printf("kiosk-sim-payterm: listening on 127.0.0.1:%u\n", server->Port());
  std::fflush(stdout);
  while (!g_stop) {
    auto connection = server->Accept(std::chrono::milliseconds(200));
    if (!connection) continue;
    std::thread([&terminal, c = std::move(connection).Value()]() mutable {
      auto request = core::ReadHttpRequest(c, 1 << 20);
      if (request) {
        if (auto message = payment::nexo::ParseRequest(request->body)) {
          std::printf("kiosk-sim-payterm: %s %s\n",
                      payment::nexo::ToString(message->header.category),
                      message->header.category == payment::nexo::Category::kPayment
                          ? message->sale_transaction.id.c_str()
                          : message->referenced_service_id.c_str());
          std::fflush(stdout);
        }
        bool drop = false;
        auto response = terminal.Handle(*request, drop);
        if (!drop) (void)core::WriteHttpResponse(c, response);
      }
      c.Close();
    }).detach();
  }
  // Connection threads may still wait for a card: end without running static
  // destructors under them.
  std::fflush(stdout);
  std::_Exit(0);
}
