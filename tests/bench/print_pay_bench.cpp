// Figures for the printer and payments (no assertions; timings vary):
//  - each slip on 80 and 58 mm paper: bytes of the ESC/POS job (native QR
//    and QR as raster), time to lay out and encode, time from "print" to the
//    last byte sent over TCP to kiosk-sim-printer, and with the status
//    exchanges before and after; an estimate over USB full speed;
//  - payment round trips per transaction with the nexo driver against
//    kiosk-sim-payterm: approved, a lost answer, a reversal, declined; and
//    the wall time of each;
//  - VietQR round trips (register, polls) with kiosk-gateway and kiosk-sim-bank.
//
//   bench_print_pay [--runs N]
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <fstream>
#include <sstream>
#include "kiosk/agent/payment_relay.h"
#include "kiosk/app/relayed_payments.h"
#include "kiosk/core/clock.h"
#include "kiosk/core/dev_pki.h"
#include "kiosk/core/log.h"
#include "kiosk/payment/card_terminal.h"
#include "kiosk/payment/vietqr_payments.h"
#include "kiosk/printer/escpos_printer.h"
#include "kiosk/printer/escpos_sim.h"
#include "kiosk/printer/samples.h"

namespace core = kiosk::core;
namespace printer = kiosk::printer;
namespace payment = kiosk::payment;
namespace agent = kiosk::agent;
namespace app = kiosk::app;
using Clock = std::chrono::steady_clock;

namespace {

// A simulator in the background, its output in a file; stopped by its PID.
class Process {
 public:
  Process(const std::vector<std::string>& argv, std::filesystem::path log) : log_(std::move(log)) {
    std::fflush(stdout);  // or the child repeats what is buffered
    pid_ = ::fork();
    if (pid_ == 0) {
      std::FILE* out = std::freopen(log_.c_str(), "w", stdout);
      if (out != nullptr) ::dup2(::fileno(stdout), ::fileno(stderr));
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
  }
  ~Process() { Stop(); }
  void Wait() {
    if (pid_ > 0) ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  void Stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  std::string Log() const {
    std::ifstream in(log_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  // The port of the "listening on 127.0.0.1:PORT" line; 0 after 10 s without one.
  std::uint16_t Port() const {
    for (int i = 0; i < 200; ++i) {
      const std::string log = Log();
      const auto at = log.find("listening on 127.0.0.1:");
      if (at != std::string::npos) {
        return static_cast<std::uint16_t>(std::stoi(log.substr(at + 23)));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return 0;
  }

 private:
  std::filesystem::path log_;
  pid_t pid_ = -1;
};

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

void Printing(int runs, const std::filesystem::path& dir) {
  std::printf("\n== printing (median of %d runs; kiosk-sim-printer over TCP on loopback)\n", runs);
  std::printf("%-12s %-5s %10s %12s %10s %10s %12s %12s\n", "slip", "paper", "bytes", "bytes(rQR)",
              "encode ms", "send ms", "print+st ms", "USB-FS est ms");
  for (const char* paper_name : {"80mm", "58mm"}) {
    Process sim({KIOSK_SIM_PRINTER_BIN, "--out", (dir / paper_name).string(), "--port", "0",
                 "--width", std::string(paper_name) == "80mm" ? "576" : "384"},
                dir / (std::string(paper_name) + ".log"));
    const std::uint16_t port = sim.Port();
    if (port == 0) return;
    auto paper = printer::PaperByName(paper_name);
    struct Job {
      const char* name;
      printer::Slip slip;
    };
    const std::vector<Job> jobs = {
        {"receipt", printer::LayoutReceipt(printer::SampleReceipt())},
        {"provisional", printer::LayoutReceipt(printer::SampleReceipt(true))},
        {"fee-receipt", printer::LayoutFeeReceipt(printer::SampleFeeReceipt())},
        {"ticket", printer::LayoutTicket(printer::SampleTicket())}};
    auto open = printer::TransportFor("tcp:127.0.0.1:" + std::to_string(port));
    printer::EscPosPrinter device(*open, std::move(printer::SlipRenderer::Open(*paper)).Value());
    auto renderer = printer::SlipRenderer::Open(*paper);
    for (const auto& job : jobs) {
      std::vector<double> encode, send, whole;
      std::size_t bytes = 0, raster_bytes = 0;
      for (int i = 0; i < runs; ++i) {
        const auto t0 = Clock::now();
        auto encoded = renderer->Encode(job.slip, {});
        encode.push_back(Ms(Clock::now() - t0));
        bytes = encoded->size();
        printer::EncodeOptions raster;
        raster.native_qr = false;
        raster_bytes = renderer->Encode(job.slip, raster)->size();
        const auto t1 = Clock::now();
        if (!device.PrintSlip(job.slip)) return;
        whole.push_back(Ms(Clock::now() - t1));
        send.push_back(device.LastJob().seconds_to_last_byte * 1000);
      }
      // USB full speed: 64-byte bulk packets, at most 19 per 1 ms frame.
      const double usb_ms = static_cast<double>(bytes) / (64.0 * 19.0);
      std::printf("%-12s %-5s %10zu %12zu %10.1f %10.2f %12.1f %12.1f\n", job.name, paper_name,
                  bytes, raster_bytes, Median(encode), Median(send), Median(whole), usb_ms);
    }
    sim.Stop();
  }
  std::printf(
      "(send ms: from the first to the last byte written; print+st ms adds layout, "
      "encoding and the DLE EOT status exchanges before and after)\n");
}

struct Terminal {
  std::unique_ptr<Process> sim;
  std::optional<core::CertifiedKey> sale;
  std::vector<core::Certificate> ca;
  std::uint16_t port = 0;

  bool Start(const std::filesystem::path& dir, const std::string& scenarios) {
    Process({KIOSK_SIM_PAYTERM_BIN, "--make-pki", (dir / "pki").string()}, dir / "pki.log").Wait();
    sim = std::make_unique<Process>(
        std::vector<std::string>{KIOSK_SIM_PAYTERM_BIN, "--pki", (dir / "pki").string(), "--port",
                                 "0", "--scenarios", scenarios, "--card-delay-ms", "0"},
        dir / "term.log");
    port = sim->Port();
    if (port == 0) return false;
    sale.emplace(core::LoadCertifiedKey(dir / "pki", "sale").Value());
    ca = core::LoadCertificateFile(dir / "pki" / "terminal-ca.pem").Value();
    return true;
  }

  payment::NexoOptions Options() const {
    payment::NexoOptions o;
    o.port = port;
    o.tls.trusted = ca;
    o.tls.identity = core::TlsIdentity{{sale->certificate}, &sale->key};
    o.tls.server_name = "localhost";
    o.sale_id = "KIOSK-BENCH";
    o.poi_id = "SIM-POI-01";
    o.payment_timeout = std::chrono::seconds(10);
    o.status_interval = std::chrono::milliseconds(100);
    return o;
  }
};

void Payments(int runs, const std::filesystem::path& dir) {
  std::printf("\n== card payments (nexo over mutual TLS to kiosk-sim-payterm, card at once)\n");
  std::printf("%-34s %12s %12s\n", "transaction", "round trips", "median ms");
  struct Case {
    const char* name;
    const char* scenario;
    bool release;
  };
  const Case cases[] = {{"approved", "approve", false},
                        {"answer lost, status asked", "drop", false},
                        {"approved, then reversed", "approve", true},
                        {"declined", "decline", false}};
  int n = 0;
  for (const auto& c : cases) {
    const auto where = dir / ("pay-" + std::to_string(n++));
    std::filesystem::create_directories(where);
    Terminal terminal;
    std::string scenarios;
    for (int i = 0; i < runs; ++i) scenarios += std::string(i ? "," : "") + c.scenario;
    if (!terminal.Start(where, scenarios)) return;
    auto ledger = payment::PaymentLedger::Open(where / "payments.db");
    core::RealClock clock;
    auto random = core::Drbg::Create();
    payment::NexoTerminal driver(terminal.Options(), *ledger, clock, **random);
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i) {
      const std::string reference = "DVC" + std::to_string(100000 + i);
      const auto t0 = Clock::now();
      auto paid = driver.Pay({7000, reference, "card", {}});
      if (paid && c.release) (void)driver.Release(reference);
      ms.push_back(Ms(Clock::now() - t0));
    }
    std::printf("%-34s %12.2f %12.1f\n", c.name, static_cast<double>(driver.RoundTrips()) / runs,
                Median(ms));
  }
}

void VietQr(int runs, const std::filesystem::path& dir) {
  std::printf("\n== VietQR (kiosk-gateway and kiosk-sim-bank on loopback, bank answers at once)\n");
  const auto where = dir / "vietqr";
  std::filesystem::create_directories(where);
  Process({KIOSK_DEVCA_BIN, "init", (where / "pki").string()}, where / "devca.log").Wait();
  Process({KIOSK_DEVCA_BIN, "device", (where / "pki").string(), "QNM-BENCH-0001"}, where / "d.log")
      .Wait();
  Process({KIOSK_SIM_BANK_BIN, "--make-pki", (where / "bank").string()}, where / "b.log").Wait();
  std::ofstream(where / "gateway.toml")
      << "[listen]\naddress = \"127.0.0.1\"\nport = 0\n"
      << "[tls]\ncertificate = \"" << (where / "pki/gateway.pem").string() << "\"\n"
      << "key = \"" << (where / "pki/gateway-key.pem").string() << "\"\n"
      << "device_ca = \"" << (where / "pki/device-ca.pem").string() << "\"\n"
      << "[bank]\nca = \"" << (where / "bank/bank-ca.pem").string() << "\"\n"
      << "key_file = \"" << (where / "bank/notify.key").string() << "\"\n"
      << "[storage]\ndir = \"" << (where / "gw").string() << "\"\n";
  Process gateway({KIOSK_GATEWAY_BIN, "--config", (where / "gateway.toml").string()},
                  where / "gateway.log");
  const std::uint16_t port = gateway.Port();
  if (port == 0) return;
  Process bank({KIOSK_SIM_BANK_BIN, "--pki", (where / "bank").string(), "--gateway",
                "127.0.0.1:" + std::to_string(port), "--gateway-ca",
                (where / "pki/gateway-ca.pem").string(), "--delay-ms", "0"},
               where / "bank.log");
  auto device = core::LoadCertifiedKey(where / "pki/devices/QNM-BENCH-0001", "device");
  payment::VietQrOptions o;
  o.bank_bin = "970415";
  o.account = "113000123456";
  o.poll_interval = std::chrono::milliseconds(250);
  // As on a kiosk: the app's asks through the mailbox, kiosk-agent's relay to the gateway.
  core::TlsOptions tls;
  tls.trusted = core::LoadCertificateFile(where / "pki/gateway-ca.pem").Value();
  tls.identity = core::TlsIdentity{{device->certificate}, &device->key};
  tls.server_name = "localhost";
  agent::PaymentRelay relay(
      kiosk::link::PaymentMailbox(where / "mailbox"),
      [&tls, port](const core::HttpRequest& r) {
        return core::HttpsRequest("127.0.0.1", port, tls, r, 64 * 1024);
      },
      std::chrono::milliseconds(250));
  agent::PaymentRelayThread relay_thread(relay, std::chrono::milliseconds(50));
  app::RelayedPayments relayed(kiosk::link::PaymentMailbox(where / "mailbox"));
  auto ledger = payment::PaymentLedger::Open(where / "payments.db");
  core::RealClock clock;
  payment::VietQrPayments qr(o, relayed, *ledger, clock);
  std::vector<double> ms;
  int paid = 0;
  for (int i = 0; i < runs; ++i) {
    char reference[32];
    std::snprintf(reference, sizeof reference, "DVC%020d", 5000 + i);
    const auto t0 = Clock::now();
    if (qr.Pay({7000, reference, "vietqr", {}})) ++paid;
    ms.push_back(Ms(Clock::now() - t0));
  }
  std::printf("%-34s %12s %12s\n", "transaction", "round trips", "median ms");
  std::printf("%-34s %12.2f %12.1f   (%d of %d paid; polls every %lld ms)\n",
              "shown, paid, confirmed", static_cast<double>(qr.RoundTrips()) / runs, Median(ms),
              paid, runs, static_cast<long long>(o.poll_interval.count()));
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 20;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--runs" && i + 1 < argc) runs = std::max(1, std::stoi(argv[++i]));
    // --benchmark_* flags from scripts/bench are not ours.
  }
  core::log::ScopedCapture quiet(core::log::Level::kError);
  char pattern[] = "/tmp/bench-print-pay.XXXXXX";
  const std::filesystem::path dir = ::mkdtemp(pattern);
  Printing(runs, dir);
  Payments(runs, dir);
  VietQr(runs, dir);
  std::filesystem::remove_all(dir);
  return 0;
}
