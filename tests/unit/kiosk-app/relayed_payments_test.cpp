// VietQR as kiosk-app pays it on a kiosk: the app's driver asks through the
// payment mailbox, kiosk-agent's relay (on its own thread, as in the agent)
// carries the asks to a gateway. Here the gateway is in memory; the
// integration test payment-journey runs the real programs.
#include "test_prelude.h"

#include <map>
#include <mutex>

#include <nlohmann/json.hpp>

#include "kiosk/agent/payment_relay.h"
#include "kiosk/app/relayed_payments.h"
#include "kiosk/core/log.h"
#include "kiosk/payment/ledger.h"
#include "kiosk/payment/vietqr_payments.h"

namespace core = kiosk::core;
namespace payment = kiosk::payment;
using nlohmann::json;

namespace {

// Pays a registered code on the `pay_after`-th question about it.
class MemoryGateway {
 public:
  core::Expected<core::HttpResponse> operator()(const core::HttpRequest& r) {
    std::lock_guard lock(mutex_);
    const std::string reference = r.target.substr(std::string("/v1/payments/").size());
    core::HttpResponse out;
    if (r.method == "PUT") {
      amounts_[reference] = json::parse(r.body)["amount_vnd"].get<std::int64_t>();
      out.status = 201;
      return out;
    }
    if (!amounts_.count(reference)) {
      out.status = 404;
      return out;
    }
    out.status = 200;
    out.body = ++asked_[reference] >= pay_after ? json{{"status", "paid"},
                                                       {"bank_transaction_id", "FT-" + reference},
                                                       {"amount_vnd", amounts_[reference]},
                                                       {"paid_at", "2026-12-06T10:00:00+07:00"}}
                                                      .dump()
                                                : json{{"status", "pending"}}.dump();
    return out;
  }
  int pay_after = 3;

 private:
  std::mutex mutex_;
  std::map<std::string, std::int64_t> amounts_;
  std::map<std::string, int> asked_;
};

}  // namespace

TEST_GROUP(RelayedVietQr) {
  core::log::ScopedCapture quiet{core::log::Level::kError};
  kiosk::test::TempDir dir;
  core::RealClock clock;
  void setup() override { kiosk::test::StopTrackingAllocations(); }
  void teardown() override { kiosk::test::ResumeTrackingAllocations(); }
};

TEST(RelayedVietQr, TheCodeIsPaidThroughTheAgentWithoutTheAppOpeningAConnection) {
  MemoryGateway gateway;
  auto ledger = payment::PaymentLedger::Open(dir.Path() / "payments.db").Value();
  kiosk::agent::PaymentRelay relay(
      kiosk::link::PaymentMailbox(dir.Path() / "mailbox"),
      [&gateway](const core::HttpRequest& r) { return gateway(r); }, std::chrono::milliseconds(20));
  kiosk::agent::PaymentRelayThread thread(relay, std::chrono::milliseconds(10));
  kiosk::app::RelayedPayments relayed(kiosk::link::PaymentMailbox(dir.Path() / "mailbox"));
  payment::VietQrOptions o;
  o.bank_bin = "970415";
  o.account = "113000123456";
  o.poll_interval = std::chrono::milliseconds(20);
  o.wait_timeout = std::chrono::seconds(10);
  payment::VietQrPayments vietqr(o, relayed, ledger, clock);
  std::string shown;
  auto paid = vietqr.Pay({10'000, "DVC-REF-0001", "vietqr",
                          [&shown](const payment::PaymentPrompt& p) { shown = p.qr_payload; }});
  CHECK_TEXT(paid.HasValue(), paid ? "" : paid.GetError().ToString().c_str());
  STRCMP_EQUAL("FT-DVC-REF-0001", paid->transaction_reference.c_str());
  CHECK(shown.rfind("000201", 0) == 0);  // the VietQR payload was on the screen
  // The ask was withdrawn when the code left the screen.
  CHECK_FALSE(std::filesystem::exists(dir.Path() / "mailbox" / "DVC-REF-0001.ask.json"));
}

TEST(RelayedVietQr, WithoutTheAgentTheCodeIsNotShownAndTheFeeNotCharged) {
  auto ledger = payment::PaymentLedger::Open(dir.Path() / "payments.db").Value();
  kiosk::app::RelayedPayments relayed(kiosk::link::PaymentMailbox(dir.Path() / "mailbox"),
                                      std::chrono::milliseconds(200));
  payment::VietQrOptions o;
  o.bank_bin = "970415";
  o.account = "113000123456";
  payment::VietQrPayments vietqr(o, relayed, ledger, clock);
  bool shown = false;
  auto paid = vietqr.Pay({10'000, "DVC-REF-0002", "vietqr",
                          [&shown](const payment::PaymentPrompt&) { shown = true; }});
  CHECK_FALSE(paid.HasValue());
  STRCMP_EQUAL("payment.offline", paid.GetError().Code().c_str());
  CHECK_FALSE(shown);
  auto records = ledger.ForReference("DVC-REF-0002").Value();
  CHECK(records.front().state == payment::TxState::kNotCharged);
}
