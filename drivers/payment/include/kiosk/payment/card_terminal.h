#pragma once

// The card terminal driver: nexo Sale-to-POI JSON over HTTPS with client
// certificates on both sides (the terminal pins the kiosk's certificate; the
// kiosk pins the terminal's CA), one POST /nexo per message, as a terminal's
// local API takes it.
//
// Every payment goes through the PaymentLedger: recorded before the request
// leaves, updated with every answer. When an answer is lost (timeout, a
// dropped connection, a crash), the terminal is asked for the transaction's
// status instead of being asked to pay again. Recover() does the same at
// start-up and gives back payments for dossiers that were never sealed.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "kiosk/core/clock.h"
#include "kiosk/core/random.h"
#include "kiosk/core/tls.h"
#include "kiosk/payment/ledger.h"
#include "kiosk/payment/nexo.h"
#include "kiosk/payment/payment.h"

namespace kiosk::payment {

struct NexoOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8443;
  core::TlsOptions tls;  // trusted = the terminal's CA; identity = the kiosk's
  std::string sale_id;   // this kiosk
  std::string poi_id;    // the terminal
  // How long the citizen has to present a card before the kiosk aborts.
  std::chrono::milliseconds payment_timeout{90'000};
  // Asking for a lost outcome: this many times, this far apart.
  int status_attempts = 10;
  std::chrono::milliseconds status_interval{2'000};
};

struct RecoveryReport {
  int asked = 0;        // outcomes that had been lost, asked of the terminal
  int committed = 0;    // paid, and the dossier was sealed: kept
  int reversed = 0;     // paid for a dossier that was never sealed: given back
  int not_charged = 0;  // the terminal never charged them
  int unresolved = 0;   // the terminal could not say or reverse: asked again next start
};

class NexoTerminal final : public PaymentTerminal {
 public:
  NexoTerminal(NexoOptions options, PaymentLedger& ledger, const core::Clock& clock,
               core::RandomSource& random);

  core::Expected<PaymentResult> Pay(const PaymentRequest& request) override;
  void Cancel() override;
  core::Status Commit(const std::string& reference) override;
  core::Status Release(const std::string& reference) override;

  // Settles every card transaction a previous run left open. `sealed` says
  // whether the dossier with that reference reached the outbox.
  core::Expected<RecoveryReport> Recover(const std::function<bool(const std::string&)>& sealed);

  // Messages exchanged with the terminal so far (for the benchmark).
  int RoundTrips() const { return round_trips_.load(); }

 private:
  core::Expected<nexo::Response> Exchange(const nexo::Request& request,
                                          std::chrono::milliseconds timeout);
  nexo::Header NewHeader(nexo::Category category);
  // Asks the terminal what became of `record` until it knows.
  core::Status Resolve(TxRecord& record);
  core::Status Reverse(TxRecord& record);
  void Apply(TxRecord& record, const std::string& result, const std::string& condition,
             const std::string& additional, const nexo::Response& response,
             std::int64_t authorized);
  core::Expected<PaymentResult> Outcome(const TxRecord& record) const;

  NexoOptions options_;
  PaymentLedger& ledger_;
  const core::Clock& clock_;
  core::RandomSource& random_;
  std::mutex random_mutex_;
  std::atomic<int> round_trips_{0};
  std::mutex flight_mutex_;
  std::string in_flight_service_;  // the payment waiting on the citizen
  bool cancelled_ = false;
};

}  // namespace kiosk::payment
