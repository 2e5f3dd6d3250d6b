#include "test_prelude.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <thread>

#include <nlohmann/json.hpp>

#include "kiosk/core/dev_pki.h"
#include "kiosk/payment/card_terminal.h"
#include "test_support.h"

using namespace kiosk;  // NOLINT(google-build-using-namespace): test file
using payment::TxState;
using test::BackgroundProcess;
using test::TempDir;

namespace {

// A terminal simulator process playing `scenarios`, and a driver talking to it.
struct Bench {
  TempDir dir;
  std::unique_ptr<BackgroundProcess> sim;
  std::uint16_t port = 0;
  std::optional<core::CertifiedKey> sale;
  std::vector<core::Certificate> terminal_ca;
  std::optional<payment::PaymentLedger> ledger;
  core::FakeClock clock;
  core::DeterministicRandom random{7};

  void Start(const std::string& scenarios, const std::string& extra = "") {
    auto made =
        test::RunProcess({KIOSK_SIM_PAYTERM_BIN, "--make-pki", (dir.Path() / "pki").string()});
    LONGS_EQUAL(0, made.exit_code);
    std::vector<std::string> argv = {KIOSK_SIM_PAYTERM_BIN,
                                     "--pki",
                                     (dir.Path() / "pki").string(),
                                     "--port",
                                     "0",
                                     "--scenarios",
                                     scenarios,
                                     "--card-delay-ms",
                                     "200",
                                     "--journal",
                                     Journal().string()};
    if (!extra.empty()) {
      argv.push_back("--card-delay-ms");
      argv.push_back(extra);
    }
    sim = std::make_unique<BackgroundProcess>(argv, dir.Path() / "sim.log");
    CHECK(sim->WaitForLog("listening on", std::chrono::seconds(10)));
    const std::string log = sim->Log();
    port = static_cast<std::uint16_t>(std::stoi(log.substr(log.rfind(':') + 1)));
    auto s = core::LoadCertifiedKey(dir.Path() / "pki", "sale");
    CHECK(s.HasValue());
    sale.emplace(std::move(s).Value());
    terminal_ca = core::LoadCertificateFile(dir.Path() / "pki" / "terminal-ca.pem").Value();
    OpenLedger();
  }

  void OpenLedger() {
    ledger.reset();
    auto l = payment::PaymentLedger::Open(dir.Path() / "payments.db");
    CHECK(l.HasValue());
    ledger.emplace(std::move(l).Value());
  }

  payment::NexoOptions Options() const {
    payment::NexoOptions o;
    o.port = port;
    o.tls.trusted = terminal_ca;
    o.tls.identity = core::TlsIdentity{{sale->certificate}, &sale->key};
    o.tls.server_name = "localhost";
    o.sale_id = "KIOSK-SALE-01";
    o.poi_id = "SIM-POI-01";
    o.payment_timeout = std::chrono::seconds(5);
    o.status_attempts = 10;
    o.status_interval = std::chrono::milliseconds(200);
    return o;
  }

  std::filesystem::path Journal() const { return dir.Path() / "journal.jsonl"; }

  // What the simulated card really paid for `reference`: charges minus reversals.
  long NetCharged(const std::string& reference) const {
    std::ifstream in(Journal());
    std::string line;
    long net = 0;
    while (std::getline(in, line)) {
      const auto j = nlohmann::json::parse(line);
      if (j["sale_transaction_id"].get<std::string>().rfind(reference + "-", 0) != 0) continue;
      const auto event = j["event"].get<std::string>();
      if (event == "charged") net += j["amount_vnd"].get<long>();
      if (event == "reversed") net -= j["amount_vnd"].get<long>();
    }
    return net;
  }

  int Events(const std::string& event) const {
    std::ifstream in(Journal());
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      if (nlohmann::json::parse(line)["event"] == event) ++n;
    }
    return n;
  }

  TxState StateOf(const std::string& reference) const {
    auto records = ledger->ForReference(reference);
    CHECK(records.HasValue());
    CHECK(!records->empty());
    return records->back().state;
  }
};

payment::PaymentRequest Fee(const std::string& reference, std::int64_t amount = 10000) {
  return {amount, reference, "card", {}};
}

}  // namespace

// clang-format off
TEST_GROUP(CardTerminal) {
  std::unique_ptr<Bench> bench;
  void setup() override { bench = std::make_unique<Bench>(); }
  void teardown() override { bench.reset(); }
};
// clang-format on

TEST(CardTerminal, ApprovedPaymentIsRecordedThenCommitted) {
  bench->Start("approve");
  payment::NexoTerminal terminal(bench->Options(), *bench->ledger, bench->clock, bench->random);
  std::string prompted;
  auto request = Fee("DVC01");
  request.prompt = [&](const payment::PaymentPrompt& p) { prompted = p.method; };
  auto paid = terminal.Pay(request);
  CHECK(paid.HasValue());
  STRCMP_EQUAL("card", prompted.c_str());
  STRCMP_EQUAL("card", paid->method.c_str());
  CHECK(paid->transaction_reference.rfind("SIMPOI", 0) == 0);
  LONGS_EQUAL(10000, paid->amount_vnd);
  CHECK(bench->StateOf("DVC01") == TxState::kApproved);
  LONGS_EQUAL(1, terminal.RoundTrips());
  CHECK(terminal.Commit("DVC01").HasValue());
  CHECK(bench->StateOf("DVC01") == TxState::kCommitted);
  LONGS_EQUAL(10000, bench->NetCharged("DVC01"));
  // Paying the same dossier again returns the same payment, without a charge.
  auto again = terminal.Pay(Fee("DVC01"));
  CHECK(again.HasValue());
  STRCMP_EQUAL(paid->transaction_reference.c_str(), again->transaction_reference.c_str());
  LONGS_EQUAL(1, bench->Events("charged"));
}

TEST(CardTerminal, DeclinedThenApprovedOnASecondAttempt) {
  bench->Start("decline,approve");
  payment::NexoTerminal terminal(bench->Options(), *bench->ledger, bench->clock, bench->random);
  auto first = terminal.Pay(Fee("DVC02"));
  CHECK_FALSE(first.HasValue());
  STRCMP_EQUAL("payment.declined", first.GetError().Code().c_str());
  CHECK(first.GetError().Class() == core::ErrorClass::kNeedsPerson);
  auto second = terminal.Pay(Fee("DVC02"));
  CHECK(second.HasValue());
  auto records = bench->ledger->ForReference("DVC02");
  LONGS_EQUAL(2, records->size());
  STRCMP_EQUAL("DVC02-1", (*records)[0].sale_transaction_id.c_str());
  CHECK((*records)[0].state == TxState::kDeclined);
  CHECK((*records)[1].state == TxState::kApproved);
  LONGS_EQUAL(10000, bench->NetCharged("DVC02"));
}

TEST(CardTerminal, CardRemovedAndBusy) {
  bench->Start("card-removed,busy");
  payment::NexoTerminal terminal(bench->Options(), *bench->ledger, bench->clock, bench->random);
  STRCMP_EQUAL("payment.card_removed", terminal.Pay(Fee("DVC03")).GetError().Code().c_str());
  auto busy = terminal.Pay(Fee("DVC03"));
  STRCMP_EQUAL("payment.offline", busy.GetError().Code().c_str());
  CHECK(busy.GetError().Class() == core::ErrorClass::kRetryable);
  CHECK(bench->StateOf("DVC03") == TxState::kNotCharged);
  LONGS_EQUAL(0, bench->NetCharged("DVC03"));
}

TEST(CardTerminal, NoCardInTimeIsAbortedByTheKiosk) {
  bench->Start("timeout");
  auto options = bench->Options();
  options.payment_timeout = std::chrono::milliseconds(800);
  payment::NexoTerminal terminal(options, *bench->ledger, bench->clock, bench->random);
  auto paid = terminal.Pay(Fee("DVC04"));
  STRCMP_EQUAL("payment.timeout", paid.GetError().Code().c_str());
  CHECK(bench->StateOf("DVC04") == TxState::kDeclined);
  LONGS_EQUAL(1, bench->Events("aborted"));
  LONGS_EQUAL(0, bench->NetCharged("DVC04"));
}

TEST(CardTerminal, TheCitizenCancelsWhileTheTerminalWaits) {
  bench->Start("timeout");
  payment::NexoTerminal terminal(bench->Options(), *bench->ledger, bench->clock, bench->random);
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    terminal.Cancel();
  });
  auto paid = terminal.Pay(Fee("DVC05"));
  canceller.join();
  STRCMP_EQUAL("payment.cancelled", paid.GetError().Code().c_str());
  LONGS_EQUAL(1, bench->Events("aborted"));
}

TEST(CardTerminal, ALostAnswerIsAskedForNotPaidAgain) {
  bench->Start("drop,approve");
  payment::NexoTerminal terminal(bench->Options(), *bench->ledger, bench->clock, bench->random);
  auto paid = terminal.Pay(Fee("DVC06"));
  CHECK(paid.HasValue());
  CHECK(bench->StateOf("DVC06") == TxState::kApproved);
  CHECK(terminal.RoundTrips() >= 2);  // the payment, then its status
  LONGS_EQUAL(1, bench->Events("charged"));
  auto again = terminal.Pay(Fee("DVC06"));
  CHECK(again.HasValue());
  LONGS_EQUAL(1, bench->Events("charged"));
  LONGS_EQUAL(10000, bench->NetCharged("DVC06"));
}

TEST(CardTerminal, ReleasingAnAbandonedJourneyReversesThePayment) {
  bench->Start("approve");
  payment::NexoTerminal terminal(bench->Options(), *bench->ledger, bench->clock, bench->random);
  CHECK(terminal.Pay(Fee("DVC07")).HasValue());
  CHECK(terminal.Release("DVC07").HasValue());
  CHECK(bench->StateOf("DVC07") == TxState::kReversed);
  LONGS_EQUAL(0, bench->NetCharged("DVC07"));
  CHECK(terminal.Release("DVC07").HasValue());  // nothing left to give back
  LONGS_EQUAL(1, bench->Events("reversed"));
}

TEST(CardTerminal, AnUnreachableTerminalChargesNothing) {
  bench->Start("approve");
  auto options = bench->Options();
  bench->sim->Stop();
  payment::NexoTerminal terminal(options, *bench->ledger, bench->clock, bench->random);
  auto paid = terminal.Pay(Fee("DVC08"));
  STRCMP_EQUAL("payment.offline", paid.GetError().Code().c_str());
  CHECK(bench->StateOf("DVC08") == TxState::kNotCharged);
}

namespace {

// Forks a process that pays `reference` and is killed with SIGKILL while the
// terminal waits for the card; returns once the kill is done. No thread runs
// in this process when it forks.
void PayAndKill(Bench& b, const std::string& reference) {
  const auto options = b.Options();
  const auto ledger_file = b.dir.Path() / "payments.db";
  b.ledger.reset();
  const pid_t child = ::fork();
  if (child == 0) {
    auto ledger = payment::PaymentLedger::Open(ledger_file);
    core::FakeClock clock;
    core::DeterministicRandom random(99);
    payment::NexoTerminal terminal(options, *ledger, clock, random);
    (void)terminal.Pay(Fee(reference));
    ::_exit(0);
  }
  CHECK(child > 0);
  // Wait until the request is on its way: the ledger holds it as started.
  b.OpenLedger();
  for (int i = 0; i < 200; ++i) {
    auto records = b.ledger->ForReference(reference);
    if (records && !records->empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  CHECK(WIFSIGNALED(status));
  CHECK(b.StateOf(reference) == TxState::kStarted);
}

}  // namespace

TEST(CardTerminal, KilledMidPaymentThenRecoveredGivesTheMoneyBack) {
  bench->Start("approve", "1500");  // the card comes 1.5 s after the request
  PayAndKill(*bench, "DVC09");
  payment::NexoTerminal terminal(bench->Options(), *bench->ledger, bench->clock, bench->random);
  auto report = terminal.Recover([](const std::string&) { return false; });
  CHECK(report.HasValue());
  LONGS_EQUAL(1, report->asked);
  LONGS_EQUAL(1, report->reversed);
  LONGS_EQUAL(0, report->unresolved);
  CHECK(bench->StateOf("DVC09") == TxState::kReversed);
  LONGS_EQUAL(1, bench->Events("charged"));
  LONGS_EQUAL(0, bench->NetCharged("DVC09"));
}

TEST(CardTerminal, KilledAfterSealingKeepsThePayment) {
  bench->Start("approve", "1500");
  PayAndKill(*bench, "DVC10");
  payment::NexoTerminal terminal(bench->Options(), *bench->ledger, bench->clock, bench->random);
  auto report = terminal.Recover([](const std::string& reference) { return reference == "DVC10"; });
  CHECK(report.HasValue());
  LONGS_EQUAL(1, report->committed);
  CHECK(bench->StateOf("DVC10") == TxState::kCommitted);
  LONGS_EQUAL(10000, bench->NetCharged("DVC10"));
}

TEST(CardTerminal, KilledThenPaidAgainIsNotChargedTwice) {
  bench->Start("approve", "1500");
  PayAndKill(*bench, "DVC11");
  payment::NexoTerminal terminal(bench->Options(), *bench->ledger, bench->clock, bench->random);
  auto paid = terminal.Pay(Fee("DVC11"));  // the kiosk came back and the citizen retried
  CHECK(paid.HasValue());
  LONGS_EQUAL(1, bench->ledger->ForReference("DVC11")->size());
  LONGS_EQUAL(1, bench->Events("charged"));
  LONGS_EQUAL(10000, bench->NetCharged("DVC11"));
}
