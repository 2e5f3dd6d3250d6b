#include "kiosk/payment/ledger.h"

#include "kiosk/storage/sqlite.h"

namespace kiosk::payment {

namespace {

// The ledger's schema, as numbered steps (storage::Database::Migrate). Step 1
// is written to also adopt a ledger made before it was numbered.
constexpr const char* kMigrations[] = {
    R"sql(
CREATE TABLE IF NOT EXISTS transactions (
  sale_transaction_id     TEXT PRIMARY KEY,
  reference               TEXT NOT NULL,
  method                  TEXT NOT NULL,
  amount_vnd              INTEGER NOT NULL,
  service_id              TEXT NOT NULL,
  started_at              TEXT NOT NULL,
  state                   TEXT NOT NULL,
  provider_transaction_id TEXT NOT NULL DEFAULT '',
  provider_timestamp      TEXT NOT NULL DEFAULT '',
  error                   TEXT NOT NULL DEFAULT '',
  seq                     INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS transactions_reference ON transactions(reference, seq);
CREATE INDEX IF NOT EXISTS transactions_state ON transactions(state);
)sql",
};

constexpr const char* kColumns =
    "sale_transaction_id, reference, method, amount_vnd, service_id, started_at, state, "
    "provider_transaction_id, provider_timestamp, error";

constexpr TxState kStates[] = {TxState::kStarted,  TxState::kUnknown,    TxState::kApproved,
                               TxState::kDeclined, TxState::kNotCharged, TxState::kCommitted,
                               TxState::kReversed};

}  // namespace

const char* ToString(TxState state) {
  switch (state) {
    case TxState::kStarted:
      return "started";
    case TxState::kUnknown:
      return "unknown";
    case TxState::kApproved:
      return "approved";
    case TxState::kDeclined:
      return "declined";
    case TxState::kNotCharged:
      return "not_charged";
    case TxState::kCommitted:
      return "committed";
    case TxState::kReversed:
      return "reversed";
  }
  return "?";
}

core::Expected<TxState> TxStateFrom(const std::string& text) {
  for (auto s : kStates) {
    if (text == ToString(s)) return s;
  }
  return core::Error::Fatal("ledger.corrupt", "unknown payment state in the ledger: " + text);
}

bool IsUnsettled(TxState state) {
  return state == TxState::kStarted || state == TxState::kUnknown || state == TxState::kApproved;
}

struct PaymentLedger::State {
  storage::Database db;

  core::Expected<std::vector<TxRecord>> Select(const std::string& where,
                                               const std::string& arg) const {
    const std::string sql = std::string("SELECT ") + kColumns + " FROM transactions " + where;
    storage::Statement st(db.Handle(), sql.c_str());
    KIOSK_TRY(st.Ready());
    if (!arg.empty()) st.Bind(1, arg);
    std::vector<TxRecord> out;
    while (true) {
      KIOSK_ASSIGN_OR_RETURN(const bool row, st.Step());
      if (!row) break;
      TxRecord r;
      r.sale_transaction_id = st.Text(0);
      r.reference = st.Text(1);
      r.method = st.Text(2);
      r.amount_vnd = st.Int(3);
      r.service_id = st.Text(4);
      r.started_at = st.Text(5);
      KIOSK_ASSIGN_OR_RETURN(r.state, TxStateFrom(st.Text(6)));
      r.provider_transaction_id = st.Text(7);
      r.provider_timestamp = st.Text(8);
      r.error = st.Text(9);
      out.push_back(std::move(r));
    }
    return out;
  }
};

PaymentLedger::PaymentLedger() : state_(std::make_unique<State>()) {}
PaymentLedger::~PaymentLedger() = default;
PaymentLedger::PaymentLedger(PaymentLedger&&) noexcept = default;
PaymentLedger& PaymentLedger::operator=(PaymentLedger&&) noexcept = default;

core::Expected<PaymentLedger> PaymentLedger::Open(const std::filesystem::path& file) {
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  PaymentLedger ledger;
  KIOSK_ASSIGN_OR_RETURN(ledger.state_->db, storage::Database::Open(file));
  KIOSK_TRY(ledger.state_->db.Migrate(kMigrations));
  return ledger;
}

core::Status PaymentLedger::Insert(const TxRecord& r) {
  KIOSK_ASSIGN_OR_RETURN(auto existing, Find(r.sale_transaction_id));
  if (existing) {
    return core::Error::Fatal("ledger.duplicate",
                              "transaction " + r.sale_transaction_id + " exists");
  }
  storage::Statement st(state_->db.Handle(),
                        "INSERT INTO transactions (sale_transaction_id, reference, method, "
                        "amount_vnd, service_id, started_at, state, provider_transaction_id, "
                        "provider_timestamp, error, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                        "?9, ?10, (SELECT COALESCE(MAX(seq), 0) + 1 FROM transactions))");
  KIOSK_TRY(st.Ready());
  st.Bind(1, r.sale_transaction_id)
      .Bind(2, r.reference)
      .Bind(3, r.method)
      .Bind(4, r.amount_vnd)
      .Bind(5, r.service_id)
      .Bind(6, r.started_at)
      .Bind(7, std::string(ToString(r.state)))
      .Bind(8, r.provider_transaction_id)
      .Bind(9, r.provider_timestamp)
      .Bind(10, r.error);
  KIOSK_TRY(st.Step());
  return core::Ok();
}

core::Status PaymentLedger::Update(const TxRecord& r) {
  storage::Statement st(state_->db.Handle(),
                        "UPDATE transactions SET state = ?2, provider_transaction_id = ?3, "
                        "provider_timestamp = ?4, error = ?5 WHERE sale_transaction_id = ?1");
  KIOSK_TRY(st.Ready());
  st.Bind(1, r.sale_transaction_id)
      .Bind(2, std::string(ToString(r.state)))
      .Bind(3, r.provider_transaction_id)
      .Bind(4, r.provider_timestamp)
      .Bind(5, r.error);
  KIOSK_TRY(st.Step());
  if (sqlite3_changes(state_->db.Handle()) != 1) {
    return core::Error::Fatal("ledger.unknown", "no transaction " + r.sale_transaction_id);
  }
  return core::Ok();
}

core::Expected<std::optional<TxRecord>> PaymentLedger::Find(const std::string& id) const {
  KIOSK_ASSIGN_OR_RETURN(auto rows, state_->Select("WHERE sale_transaction_id = ?1", id));
  if (rows.empty()) return std::optional<TxRecord>();
  return std::optional<TxRecord>(std::move(rows.front()));
}

core::Expected<std::vector<TxRecord>> PaymentLedger::ForReference(
    const std::string& reference) const {
  return state_->Select("WHERE reference = ?1 ORDER BY seq", reference);
}

core::Expected<std::vector<TxRecord>> PaymentLedger::Unsettled() const {
  return state_->Select("WHERE state IN ('started', 'unknown', 'approved') ORDER BY seq", "");
}

core::Status PaymentLedger::Commit(const std::string& reference) {
  storage::Statement st(state_->db.Handle(),
                        "UPDATE transactions SET state = 'committed' "
                        "WHERE reference = ?1 AND state = 'approved'");
  KIOSK_TRY(st.Ready());
  st.Bind(1, reference);
  KIOSK_TRY(st.Step());
  return core::Ok();
}

}  // namespace kiosk::payment
