#pragma once

// A card terminal that speaks nexo Sale-to-POI like a real one, for the demo
// and the tests: each payment plays the next scenario from a list, and every
// charge and reversal is appended to a journal so a test can add up what the
// citizen's card really paid.
//
// Scenarios:
//   approve       the card is presented after `card_delay` and approved
//   decline       the issuer refuses (Failure, Refusal)
//   timeout       no card comes; the payment waits until aborted or `card_timeout`
//   card-removed  the card leaves the reader mid-transaction (Failure, Cancel)
//   drop          approved and charged, then the connection drops without an answer
//   busy          the terminal is busy with something else (Failure, Busy)

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>

#include "kiosk/core/error.h"
#include "kiosk/core/http.h"
#include "kiosk/payment/nexo.h"

namespace kiosk::payment {

enum class Scenario { kApprove, kDecline, kTimeout, kCardRemoved, kDrop, kBusy };
core::Expected<Scenario> ScenarioFrom(const std::string& name);

struct TerminalSimOptions {
  std::string poi_id = "SIM-POI-01";
  std::deque<Scenario> scenarios;  // played in order, then `then`
  Scenario then = Scenario::kApprove;
  std::chrono::milliseconds card_delay{300};
  std::chrono::milliseconds card_timeout{60'000};
  std::filesystem::path journal;  // JSON lines; empty: none
};

class TerminalSimulator {
 public:
  explicit TerminalSimulator(TerminalSimOptions options);

  // One request from the sale system. A payment blocks until it ends.
  // `drop` is set when the connection must close without an answer.
  core::HttpResponse Handle(const core::HttpRequest& request, bool& drop);

  // Net amount charged for a sale transaction id (charges minus reversals).
  std::int64_t NetCharged(const std::string& sale_transaction_id) const;

 private:
  struct Transaction {
    nexo::Request request;
    std::string poi_transaction_id;
    std::string poi_timestamp;
    bool done = false;
    bool aborted = false;
    bool reversed = false;
    std::string result, condition, additional;
  };

  core::HttpResponse Payment(const nexo::Request& request, bool& drop);
  core::HttpResponse Status(const nexo::Request& request);
  core::HttpResponse Abort(const nexo::Request& request);
  core::HttpResponse Reversal(const nexo::Request& request);
  nexo::Response PaymentResponse(const Transaction& tx) const;
  void Journal(const std::string& event, const Transaction& tx);
  // The card was not charged: the result, and the journal line.
  void Fail(Transaction& tx, const char* condition, const char* additional, const char* event);

  TerminalSimOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, Transaction> by_service_;  // keyed by the payment's ServiceID
  int next_poi_ = 1;
};

}  // namespace kiosk::payment
