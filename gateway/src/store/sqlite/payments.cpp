// The VietQR payment store on SQLite (payments.db).

#include <mutex>

#include "connection.h"
#include "kiosk/gateway/store/sqlite.h"

namespace kiosk::gateway::sqlite {

using core::Expected;

namespace {

constexpr const char* kMigrations[] = {
    // 1: payments and transfers ("IF NOT EXISTS": files from before numbered
    // steps hold the same tables at version 0)
    R"sql(
CREATE TABLE IF NOT EXISTS payments (
  reference           TEXT PRIMARY KEY,
  kiosk_id            TEXT NOT NULL,
  amount_vnd          INTEGER NOT NULL,
  method              TEXT NOT NULL,
  qr                  TEXT NOT NULL,
  status              TEXT NOT NULL,
  bank_transaction_id TEXT NOT NULL DEFAULT '',
  paid_vnd            INTEGER NOT NULL DEFAULT 0,
  paid_at             TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS transfers (
  transaction_id TEXT PRIMARY KEY,
  reference      TEXT NOT NULL,
  amount_vnd     INTEGER NOT NULL,
  paid_at        TEXT NOT NULL,
  result         TEXT NOT NULL
);
)sql",
};

constexpr const char* kPaymentColumns =
    "SELECT reference, kiosk_id, amount_vnd, method, qr, status, bank_transaction_id, paid_vnd, "
    "paid_at FROM payments ";

PaymentRecord ReadPayment(const Stmt& st) {
  return {st.Text(0), st.Text(1), st.Int(2), st.Text(3), st.Text(4),
          st.Text(5), st.Text(6), st.Int(7), st.Text(8)};
}

class SqlitePaymentStore final : public PaymentStore {
 public:
  explicit SqlitePaymentStore(storage::Database db) { connection_.db = std::move(db); }

  core::Status Expect(const PaymentRecord& r) override {
    std::lock_guard lock(connection_.mutex);
    Stmt st(Sql(),
            "INSERT INTO payments (reference, kiosk_id, amount_vnd, method, qr, status) "
            "VALUES (?1, ?2, ?3, ?4, ?5, 'pending') ON CONFLICT(reference) DO NOTHING");
    st.Bind(1, r.reference).Bind(2, r.kiosk_id).Bind(3, r.amount_vnd).Bind(4, r.method);
    st.Bind(5, r.qr);
    return Done(st);
  }

  Expected<std::optional<PaymentRecord>> Find(const std::string& reference) override {
    std::lock_guard lock(connection_.mutex);
    return FindLocked(reference);
  }

  Expected<std::vector<PaymentRecord>> Pending() override {
    std::lock_guard lock(connection_.mutex);
    Stmt st(Sql(),
            (std::string(kPaymentColumns) + "WHERE status = 'pending' ORDER BY rowid").c_str());
    return Rows<PaymentRecord>(st, ReadPayment);
  }

  Expected<std::string> RecordTransfer(const std::string& transaction_id,
                                       const std::string& reference, std::int64_t amount,
                                       const std::string& paid_at) override {
    std::lock_guard lock(connection_.mutex);
    return connection_.db.InTransaction([&]() -> Expected<std::string> {
      Stmt seen(Sql(), "SELECT 1 FROM transfers WHERE transaction_id = ?1");
      seen.Bind(1, transaction_id);
      KIOSK_ASSIGN_OR_RETURN(const auto found,
                             FirstRow<bool>(seen, [](const Stmt&) { return true; }));
      if (found) return std::string("duplicate");
      std::string result = "unmatched";
      KIOSK_ASSIGN_OR_RETURN(auto expected, FindLocked(reference));
      if (expected && expected->status == "pending") {
        result = amount == expected->amount_vnd ? "matched" : "mismatch";
        Stmt paid(Sql(),
                  "UPDATE payments SET status = ?2, bank_transaction_id = ?3, paid_vnd = ?4, "
                  "paid_at = ?5 WHERE reference = ?1");
        paid.Bind(1, reference).Bind(2, std::string(result == "matched" ? "paid" : "mismatch"));
        paid.Bind(3, transaction_id).Bind(4, amount).Bind(5, paid_at);
        KIOSK_TRY(Done(paid));
      }
      Stmt log(Sql(),
               "INSERT INTO transfers (transaction_id, reference, amount_vnd, paid_at, result) "
               "VALUES (?1, ?2, ?3, ?4, ?5)");
      log.Bind(1, transaction_id).Bind(2, reference).Bind(3, amount).Bind(4, paid_at);
      log.Bind(5, result);
      KIOSK_TRY(Done(log));
      return result;
    });
  }

 private:
  sqlite3* Db() const { return connection_.Handle(); }
  // Statements come from the connection's cache.
  const storage::Database& Sql() const { return connection_.db; }

  Expected<std::optional<PaymentRecord>> FindLocked(const std::string& reference) {
    Stmt st(Sql(), (std::string(kPaymentColumns) + "WHERE reference = ?1").c_str());
    st.Bind(1, reference);
    return FirstRow<PaymentRecord>(st, ReadPayment);
  }

  Connection connection_;
};

}  // namespace

Expected<std::unique_ptr<PaymentStore>> OpenPayments(const std::filesystem::path& file) {
  KIOSK_ASSIGN_OR_RETURN(auto db, storage::Database::Open(file));
  KIOSK_TRY(db.Migrate(kMigrations));
  return std::unique_ptr<PaymentStore>(std::make_unique<SqlitePaymentStore>(std::move(db)));
}

}  // namespace kiosk::gateway::sqlite
