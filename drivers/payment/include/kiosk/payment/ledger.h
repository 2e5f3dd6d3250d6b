#pragma once

// The kiosk's own record of every payment it asked for, on disk before the
// request leaves and after every answer (SQLite, synchronous=FULL). It is what
// lets a restarted kiosk finish what a crash interrupted: a payment whose
// answer was lost is asked about, never sent again; a payment that went
// through for a dossier that was never sealed is given back.
//
// A transaction's life:
//   started ──answer──▶ approved ──dossier sealed──▶ committed
//      │                    └──journey abandoned──▶ reversed
//      ├──answer──▶ declined | not_charged
//      └──no answer──▶ unknown ──status asked──▶ approved | declined | not_charged

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/error.h"

namespace kiosk::payment {

enum class TxState { kStarted, kUnknown, kApproved, kDeclined, kNotCharged, kCommitted, kReversed };
const char* ToString(TxState state);
core::Expected<TxState> TxStateFrom(const std::string& text);
// Money may have moved and nothing settled it yet: started, unknown, approved.
bool IsUnsettled(TxState state);

struct TxRecord {
  std::string sale_transaction_id;  // "<reference>-<attempt>": unique, the terminal's key
  std::string reference;            // the dossier's payment reference
  std::string method;               // "card", "vietqr"
  std::int64_t amount_vnd = 0;
  std::string service_id;  // the nexo ServiceID of the payment request
  std::string started_at;  // RFC 3339, UTC
  TxState state = TxState::kStarted;
  std::string provider_transaction_id;  // the terminal's or the bank's
  std::string provider_timestamp;
  std::string error;  // the last failure's code
};

class PaymentLedger {
 public:
  static core::Expected<PaymentLedger> Open(const std::filesystem::path& file);
  ~PaymentLedger();
  PaymentLedger(PaymentLedger&&) noexcept;
  PaymentLedger& operator=(PaymentLedger&&) noexcept;

  // A new transaction; "ledger.duplicate" if its id exists.
  core::Status Insert(const TxRecord& record);
  // Replaces the record with the same id; "ledger.unknown" if there is none.
  core::Status Update(const TxRecord& record);
  core::Expected<std::optional<TxRecord>> Find(const std::string& sale_transaction_id) const;
  // Oldest first.
  core::Expected<std::vector<TxRecord>> ForReference(const std::string& reference) const;
  core::Expected<std::vector<TxRecord>> Unsettled() const;
  // Approved transactions of `reference` become committed.
  core::Status Commit(const std::string& reference);

 private:
  struct State;
  PaymentLedger();
  std::unique_ptr<State> state_;
};

}  // namespace kiosk::payment
