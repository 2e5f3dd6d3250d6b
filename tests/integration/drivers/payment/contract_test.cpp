// The card terminal's contract, one suite run against both of its stand-ins:
// the fake (in process) and the simulator (kiosk-sim-payterm over mutual TLS
// behind the real nexo driver). What the journey relies on must hold for
// both: an approved fee comes back with its transaction and amount; paying
// the same dossier again charges nothing more; a declined card is
// "payment.declined" and the next attempt may pass; a fee given back after
// an abandoned journey is released, and one sealed with its dossier committed.
#include "test_prelude.h"

#include <memory>

#include "kiosk/core/dev_pki.h"
#include "kiosk/core/log.h"
#include "kiosk/payment/card_terminal.h"
#include "kiosk/payment/fake_terminal.h"
#include "test_support.h"

using namespace kiosk;  // NOLINT(google-build-using-namespace): test file

namespace {

class Rig {
 public:
  virtual ~Rig() = default;
  virtual payment::PaymentTerminal& Terminal() = 0;
  // The next payment is declined (the simulator plays its scenarios in order).
  virtual void DeclineNext() = 0;
};

class FakeRig final : public Rig {
 public:
  explicit FakeRig(const core::Clock& clock) : fake_(clock) {}
  payment::PaymentTerminal& Terminal() override { return fake_; }
  void DeclineNext() override { fake_.FailNext("payment.declined"); }

 private:
  payment::FakePaymentTerminal fake_;
};

class SimulatorRig final : public Rig {
 public:
  SimulatorRig(const std::filesystem::path& dir, const core::Clock& clock,
               core::RandomSource& random) {
    LONGS_EQUAL(
        0,
        test::RunProcess({KIOSK_SIM_PAYTERM_BIN, "--make-pki", (dir / "pki").string()}).exit_code);
    sim_ = std::make_unique<test::BackgroundProcess>(
        std::vector<std::string>{KIOSK_SIM_PAYTERM_BIN, "--pki", (dir / "pki").string(), "--port",
                                 "0", "--scenarios", "approve,decline,approve,approve",
                                 "--card-delay-ms", "50"},
        dir / "sim.log");
    if (!sim_->WaitForLog("listening on", std::chrono::seconds(10))) FAIL(sim_->Log().c_str());
    const std::string log = sim_->Log();
    sale_.emplace(core::LoadCertifiedKey(dir / "pki", "sale").Value());
    payment::NexoOptions o;
    o.port = static_cast<std::uint16_t>(std::stoi(log.substr(log.rfind(':') + 1)));
    o.tls.trusted = core::LoadCertificateFile(dir / "pki" / "terminal-ca.pem").Value();
    o.tls.identity = core::TlsIdentity{{sale_->certificate}, &sale_->key};
    o.tls.server_name = "localhost";
    o.sale_id = "KIOSK-SALE-01";
    o.poi_id = "SIM-POI-01";
    o.payment_timeout = std::chrono::seconds(5);
    ledger_.emplace(payment::PaymentLedger::Open(dir / "payments.db").Value());
    nexo_ = std::make_unique<payment::NexoTerminal>(o, *ledger_, clock, random);
  }
  payment::PaymentTerminal& Terminal() override { return *nexo_; }
  void DeclineNext() override {}

 private:
  std::unique_ptr<test::BackgroundProcess> sim_;
  std::optional<core::CertifiedKey> sale_;
  std::optional<payment::PaymentLedger> ledger_;
  std::unique_ptr<payment::NexoTerminal> nexo_;
};

payment::PaymentRequest Fee(const std::string& reference) {
  return payment::PaymentRequest{7000, reference, "card", {}};
}

// The contract, in the order the simulator plays its scenarios.
void Contract(Rig& rig) {
  auto& t = rig.Terminal();
  auto paid = t.Pay(Fee("DVC00000000000000000001"));
  CHECK_TEXT(paid.HasValue(), paid ? "" : paid.GetError().ToString().c_str());
  LONGS_EQUAL(7000, paid->amount_vnd);
  STRCMP_EQUAL("card", paid->method.c_str());
  CHECK_FALSE(paid->transaction_reference.empty());
  auto again = t.Pay(Fee("DVC00000000000000000001"));  // nothing more is charged
  CHECK(again.HasValue());
  STRCMP_EQUAL(paid->transaction_reference.c_str(), again->transaction_reference.c_str());
  CHECK(t.Commit("DVC00000000000000000001").HasValue());

  rig.DeclineNext();
  auto declined = t.Pay(Fee("DVC00000000000000000002"));
  CHECK_FALSE(declined.HasValue());
  if (!declined) STRCMP_EQUAL("payment.declined", declined.GetError().Code().c_str());
  auto second = t.Pay(Fee("DVC00000000000000000002"));
  CHECK_TEXT(second.HasValue(), second ? "" : second.GetError().ToString().c_str());
  CHECK(t.Release("DVC00000000000000000002").HasValue());  // the citizen walked away
}

}  // namespace

TEST_GROUP(CardTerminalContract) {
  core::log::ScopedCapture quiet{core::log::Level::kError};
  test::TempDir dir;
  core::FakeClock clock;
  core::DeterministicRandom random{3};
};

TEST(CardTerminalContract, TheFake) {
  FakeRig rig(clock);
  Contract(rig);
  LONGS_EQUAL(1, dynamic_cast<payment::FakePaymentTerminal&>(rig.Terminal()).Released());
}

TEST(CardTerminalContract, TheSimulatorBehindTheNexoDriver) {
  SimulatorRig rig(dir.Path(), clock, random);
  Contract(rig);
}
