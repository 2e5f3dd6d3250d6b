// The VietQR payment store on PostgreSQL.

#include "database.h"

namespace kiosk::gateway::postgres {

using core::Expected;

namespace {

#define KIOSK_PAYMENT_COLUMNS                                                         \
  "SELECT reference, kiosk_id, amount_vnd, method, qr, status, bank_transaction_id, " \
  "paid_vnd, paid_at FROM payments "

const Query kExpect{"payment_expect",
                    "INSERT INTO payments (reference, kiosk_id, amount_vnd, method, qr, status) "
                    "VALUES ($1, $2, $3, $4, $5, 'pending') ON CONFLICT (reference) DO NOTHING"};
const Query kFind{"payment_find", KIOSK_PAYMENT_COLUMNS "WHERE reference = $1"};
const Query kFindForUpdate{"payment_find_for_update",
                           KIOSK_PAYMENT_COLUMNS "WHERE reference = $1 FOR UPDATE"};
const Query kPending{"payment_pending",
                     KIOSK_PAYMENT_COLUMNS "WHERE status = 'pending' ORDER BY expected_order"};
// The transfer's row is claimed first: a bank that notifies twice, to two
// replicas at once, is recorded once.
const Query kClaimTransfer{"payment_claim_transfer",
                           "INSERT INTO transfers (transaction_id, reference, amount_vnd, paid_at, "
                           "result) VALUES ($1, $2, $3, $4, 'unmatched') "
                           "ON CONFLICT (transaction_id) DO NOTHING"};
const Query kTransferResult{"payment_transfer_result",
                            "UPDATE transfers SET result = $2 WHERE transaction_id = $1"};
const Query kPaid{"payment_paid",
                  "UPDATE payments SET status = $2, bank_transaction_id = $3, paid_vnd = $4, "
                  "paid_at = $5 WHERE reference = $1"};

#undef KIOSK_PAYMENT_COLUMNS

PaymentRecord ReadPayment(const Result& r, int i) {
  return {r.Text(i, 0), r.Text(i, 1), r.Int(i, 2), r.Text(i, 3), r.Text(i, 4),
          r.Text(i, 5), r.Text(i, 6), r.Int(i, 7), r.Text(i, 8)};
}

class PostgresPaymentStore final : public PaymentStore {
 public:
  explicit PostgresPaymentStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  core::Status Expect(const PaymentRecord& r) override {
    return db_->Run([&](Session& s) -> core::Status {
      KIOSK_TRY(s.Exec(kExpect, {r.reference, r.kiosk_id, r.amount_vnd, r.method, r.qr}));
      return core::Ok();
    });
  }

  Expected<std::optional<PaymentRecord>> Find(const std::string& reference) override {
    return db_->Run([&](Session& s) -> Expected<std::optional<PaymentRecord>> {
      KIOSK_ASSIGN_OR_RETURN(const auto r, s.Exec(kFind, {reference}));
      return First<PaymentRecord>(r, ReadPayment);
    });
  }

  Expected<std::vector<PaymentRecord>> Pending() override {
    return db_->Run([&](Session& s) -> Expected<std::vector<PaymentRecord>> {
      KIOSK_ASSIGN_OR_RETURN(const auto r, s.Exec(kPending, {}));
      return Each<PaymentRecord>(r, ReadPayment);
    });
  }

  Expected<std::string> RecordTransfer(const std::string& transaction_id,
                                       const std::string& reference, std::int64_t amount,
                                       const std::string& paid_at) override {
    return db_->Transaction([&](Session& s) -> Expected<std::string> {
      KIOSK_ASSIGN_OR_RETURN(const auto claimed,
                             s.Exec(kClaimTransfer, {transaction_id, reference, amount, paid_at}));
      if (claimed.Affected() == 0) return std::string("duplicate");
      KIOSK_ASSIGN_OR_RETURN(const auto found, s.Exec(kFindForUpdate, {reference}));
      const auto expected = First<PaymentRecord>(found, ReadPayment);
      if (!expected || expected->status != "pending") return std::string("unmatched");
      const std::string result = amount == expected->amount_vnd ? "matched" : "mismatch";
      KIOSK_TRY(s.Exec(kPaid, {reference, result == "matched" ? "paid" : "mismatch", transaction_id,
                               amount, paid_at}));
      KIOSK_TRY(s.Exec(kTransferResult, {transaction_id, result}));
      return result;
    });
  }

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace

std::unique_ptr<PaymentStore> PaymentsOn(std::shared_ptr<Database> db) {
  return std::make_unique<PostgresPaymentStore>(std::move(db));
}

}  // namespace kiosk::gateway::postgres
