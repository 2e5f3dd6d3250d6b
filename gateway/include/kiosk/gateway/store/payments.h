#pragma once

// Fees paid by VietQR: the payments kiosks expect and the bank transfers
// that settle them (payments.h has the protocol).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/error.h"

namespace kiosk::gateway {

struct PaymentRecord {
  std::string reference;
  std::string kiosk_id;
  std::int64_t amount_vnd = 0;
  std::string method;
  std::string qr;
  std::string status;  // "pending", "paid", "mismatch"
  std::string bank_transaction_id;
  std::int64_t paid_vnd = 0;
  std::string paid_at;
};

class PaymentStore {
 public:
  virtual ~PaymentStore() = default;
  // Expecting a reference that is known already changes nothing.
  virtual core::Status Expect(const PaymentRecord& record) = 0;
  virtual core::Expected<std::optional<PaymentRecord>> Find(const std::string& reference) = 0;
  // In the order they were expected.
  virtual core::Expected<std::vector<PaymentRecord>> Pending() = 0;
  // Records a bank transfer once (by its transaction id), in one
  // transaction; `result` says what it matched: "matched", "mismatch",
  // "unmatched", "duplicate".
  virtual core::Expected<std::string> RecordTransfer(const std::string& transaction_id,
                                                     const std::string& reference,
                                                     std::int64_t amount_vnd,
                                                     const std::string& paid_at) = 0;
};

}  // namespace kiosk::gateway
