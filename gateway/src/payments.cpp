#include "kiosk/gateway/payments.h"

#include <cctype>
#include <mutex>

#include "kiosk/core/encoding.h"
#include "kiosk/core/hash.h"
#include "kiosk/storage/sqlite.h"
#include "responses.h"

namespace kiosk::gateway {

using core::HttpRequest;
using core::HttpResponse;
using nlohmann::json;

namespace {

constexpr const char* kSchema = R"sql(
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
)sql";

bool ValidReference(const std::string& r) {
  if (r.size() != 23 || r.rfind("DVC", 0) != 0) return false;
  for (std::size_t i = 3; i < r.size(); ++i) {
    if (!std::isxdigit(static_cast<unsigned char>(r[i])) ||
        std::islower(static_cast<unsigned char>(r[i]))) {
      return false;
    }
  }
  return true;
}

class SqlitePaymentStore final : public PaymentStore {
 public:
  explicit SqlitePaymentStore(storage::Database db) : db_(std::move(db)) {}

  core::Status Expect(const PaymentRecord& r) override {
    std::lock_guard lock(mutex_);
    storage::Statement st(db_.Handle(),
                          "INSERT INTO payments (reference, kiosk_id, amount_vnd, method, qr, "
                          "status) VALUES (?1, ?2, ?3, ?4, ?5, 'pending') "
                          "ON CONFLICT(reference) DO NOTHING");
    KIOSK_TRY(st.Ready());
    st.Bind(1, r.reference)
        .Bind(2, r.kiosk_id)
        .Bind(3, r.amount_vnd)
        .Bind(4, r.method)
        .Bind(5, r.qr);
    KIOSK_TRY(st.Step());
    return core::Ok();
  }

  core::Expected<std::optional<PaymentRecord>> Find(const std::string& reference) override {
    std::lock_guard lock(mutex_);
    return FindLocked(reference);
  }

  core::Expected<std::optional<PaymentRecord>> FindLocked(const std::string& reference) {
    KIOSK_ASSIGN_OR_RETURN(auto rows, Select("WHERE reference = ?1", reference));
    if (rows.empty()) return std::optional<PaymentRecord>();
    return std::optional<PaymentRecord>(std::move(rows.front()));
  }

  core::Expected<std::vector<PaymentRecord>> Pending() override {
    std::lock_guard lock(mutex_);
    return Select("WHERE status = 'pending' ORDER BY rowid", "");
  }

  core::Expected<std::string> RecordTransfer(const std::string& transaction_id,
                                             const std::string& reference, std::int64_t amount,
                                             const std::string& paid_at) override {
    std::lock_guard lock(mutex_);
    KIOSK_TRY(db_.Exec("BEGIN IMMEDIATE"));
    auto result = RecordInTransaction(transaction_id, reference, amount, paid_at);
    KIOSK_TRY(db_.Exec(result ? "COMMIT" : "ROLLBACK"));
    return result;
  }

 private:
  core::Expected<std::string> RecordInTransaction(const std::string& transaction_id,
                                                  const std::string& reference, std::int64_t amount,
                                                  const std::string& paid_at) {
    {
      storage::Statement seen(db_.Handle(), "SELECT 1 FROM transfers WHERE transaction_id = ?1");
      KIOSK_TRY(seen.Ready());
      seen.Bind(1, transaction_id);
      KIOSK_ASSIGN_OR_RETURN(const bool found, seen.Step());
      if (found) return std::string("duplicate");
    }
    std::string result = "unmatched";
    KIOSK_ASSIGN_OR_RETURN(auto expected, FindLocked(reference));
    if (expected && expected->status == "pending") {
      result = amount == expected->amount_vnd ? "matched" : "mismatch";
      storage::Statement paid(db_.Handle(),
                              "UPDATE payments SET status = ?2, bank_transaction_id = ?3, "
                              "paid_vnd = ?4, paid_at = ?5 WHERE reference = ?1");
      KIOSK_TRY(paid.Ready());
      paid.Bind(1, reference)
          .Bind(2, std::string(result == "matched" ? "paid" : "mismatch"))
          .Bind(3, transaction_id)
          .Bind(4, amount)
          .Bind(5, paid_at);
      KIOSK_TRY(paid.Step());
    }
    storage::Statement log(db_.Handle(),
                           "INSERT INTO transfers (transaction_id, reference, amount_vnd, paid_at, "
                           "result) VALUES (?1, ?2, ?3, ?4, ?5)");
    KIOSK_TRY(log.Ready());
    log.Bind(1, transaction_id).Bind(2, reference).Bind(3, amount).Bind(4, paid_at).Bind(5, result);
    KIOSK_TRY(log.Step());
    return result;
  }

  core::Expected<std::vector<PaymentRecord>> Select(const std::string& where,
                                                    const std::string& arg) {
    const std::string sql =
        "SELECT reference, kiosk_id, amount_vnd, method, qr, status, bank_transaction_id, "
        "paid_vnd, paid_at FROM payments " +
        where;
    storage::Statement st(db_.Handle(), sql.c_str());
    KIOSK_TRY(st.Ready());
    if (!arg.empty()) st.Bind(1, arg);
    std::vector<PaymentRecord> out;
    while (true) {
      KIOSK_ASSIGN_OR_RETURN(const bool row, st.Step());
      if (!row) break;
      out.push_back({st.Text(0), st.Text(1), st.Int(2), st.Text(3), st.Text(4), st.Text(5),
                     st.Text(6), st.Int(7), st.Text(8)});
    }
    return out;
  }

  storage::Database db_;
  std::mutex mutex_;  // one connection for every request thread: calls hold it
};

json RecordJson(const PaymentRecord& r) {
  json j = {{"reference", r.reference}, {"status", r.status}, {"amount_vnd", r.amount_vnd}};
  if (!r.bank_transaction_id.empty()) {
    j["bank_transaction_id"] = r.bank_transaction_id;
    j["paid_vnd"] = r.paid_vnd;
    j["paid_at"] = r.paid_at;
  }
  return j;
}

}  // namespace

core::Expected<std::unique_ptr<PaymentStore>> OpenSqlitePaymentStore(
    const std::filesystem::path& file) {
  KIOSK_ASSIGN_OR_RETURN(auto db, storage::Database::Open(file));
  KIOSK_TRY(db.Exec(kSchema));
  return std::unique_ptr<PaymentStore>(std::make_unique<SqlitePaymentStore>(std::move(db)));
}

std::string FindPaymentReference(const std::string& description) {
  for (std::size_t at = description.find("DVC"); at != std::string::npos;
       at = description.find("DVC", at + 1)) {
    std::string candidate = description.substr(at, 23);
    for (auto& c : candidate) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (ValidReference(candidate)) return candidate;
  }
  return "";
}

PaymentDesk::PaymentDesk(PaymentStore& store, std::vector<std::string> bank_ca_subjects,
                         core::SecretBytes bank_key, const core::Clock& clock)
    : store_(store),
      bank_ca_subjects_(std::move(bank_ca_subjects)),
      bank_key_(std::move(bank_key)),
      clock_(clock) {}

bool PaymentDesk::IsBank(const core::Certificate& client) const {
  for (const auto& subject : bank_ca_subjects_) {
    if (client.Issuer() == subject) return true;
  }
  return false;
}

std::optional<HttpResponse> PaymentDesk::Handle(const HttpRequest& request,
                                                const core::Certificate& client,
                                                const std::string& kiosk_id) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  const bool bank_path = path.rfind("/v1/bank/", 0) == 0;
  const bool payment_path = path.rfind("/v1/payments/", 0) == 0;
  if (!bank_path && !payment_path) return std::nullopt;
  if (bank_path != IsBank(client)) {
    return Refuse(403, "payment.forbidden", "this certificate may not use " + path);
  }
  if (bank_path) {
    if (request.method == "GET" && path == "/v1/bank/pending") return Pending();
    if (request.method == "POST" && path == "/v1/bank/notifications") return Notify(request);
    return Refuse(404, "not_found", "no such endpoint");
  }
  const std::string reference = path.substr(std::string("/v1/payments/").size());
  if (!ValidReference(reference)) {
    return Refuse(400, "payment.reference", "a payment reference is DVC and 20 hex digits");
  }
  if (request.method == "PUT") return Expect(reference, request, kiosk_id);
  if (request.method == "GET") return Status(reference, kiosk_id);
  return Refuse(405, "http.bad_method", "PUT or GET");
}

HttpResponse PaymentDesk::Expect(const std::string& reference, const HttpRequest& request,
                                 const std::string& kiosk_id) {
  const auto body = json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("amount_vnd") ||
      !body["amount_vnd"].is_number_integer() || body["amount_vnd"].get<std::int64_t>() <= 0 ||
      !body.contains("method") || body["method"] != "vietqr" || !body.contains("qr") ||
      !body["qr"].is_string()) {
    return Refuse(400, "payment.malformed", "expected {amount_vnd > 0, method: vietqr, qr}");
  }
  PaymentRecord r;
  r.reference = reference;
  r.kiosk_id = kiosk_id;
  r.amount_vnd = body["amount_vnd"].get<std::int64_t>();
  r.method = "vietqr";
  r.qr = body["qr"].get<std::string>();
  auto existing = store_.Find(reference);
  if (!existing) return Refuse(503, existing.GetError().Code(), "storage unavailable");
  if (*existing && ((*existing)->kiosk_id != kiosk_id || (*existing)->amount_vnd != r.amount_vnd)) {
    return Refuse(409, "payment.conflict", "this reference is expected with other terms");
  }
  if (auto stored = store_.Expect(r); !stored) {
    return Refuse(503, stored.GetError().Code(), "storage unavailable");
  }
  auto now = store_.Find(reference);
  if (!now || !*now) return Refuse(503, "storage", "storage unavailable");
  core::log::Info("payment.expected", {{"reference", reference}, {"kiosk", kiosk_id}});
  return Json(*existing ? 200 : 201, RecordJson(**now));
}

HttpResponse PaymentDesk::Status(const std::string& reference, const std::string& kiosk_id) {
  auto found = store_.Find(reference);
  if (!found) return Refuse(503, found.GetError().Code(), "storage unavailable");
  if (!*found || (*found)->kiosk_id != kiosk_id) {
    return Refuse(404, "payment.not_found", "no payment expected under this reference");
  }
  return Json(200, RecordJson(**found));
}

HttpResponse PaymentDesk::Pending() {
  auto pending = store_.Pending();
  if (!pending) return Refuse(503, pending.GetError().Code(), "storage unavailable");
  json list = json::array();
  for (const auto& p : *pending) {
    list.push_back({{"reference", p.reference}, {"amount_vnd", p.amount_vnd}, {"qr", p.qr}});
  }
  return Json(200, list);
}

HttpResponse PaymentDesk::Notify(const HttpRequest& request) {
  auto mac = core::Hmac(core::HashAlg::kSha256, bank_key_.View(), core::AsBytes(request.body));
  auto given = core::HexDecode(request.Header("X-Signature"));
  if (!mac || !given || !core::ConstantTimeEquals(*mac, *given)) {
    return Refuse(401, "bank.signature", "the notification's signature does not verify");
  }
  const auto body = json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("transaction_id") ||
      !body["transaction_id"].is_string() || !body.contains("amount_vnd") ||
      !body["amount_vnd"].is_number_integer() || !body.contains("description") ||
      !body["description"].is_string()) {
    return Refuse(400, "bank.malformed", "expected {transaction_id, amount_vnd, description}");
  }
  const std::string tx = body["transaction_id"].get<std::string>();
  if (tx.empty() || tx.size() > 64) return Refuse(400, "bank.malformed", "bad transaction_id");
  const std::string reference = FindPaymentReference(body["description"].get<std::string>());
  const std::string paid_at = body.contains("paid_at") && body["paid_at"].is_string()
                                  ? body["paid_at"].get<std::string>()
                                  : core::FormatRfc3339(clock_.Now());
  auto result =
      store_.RecordTransfer(tx, reference, body["amount_vnd"].get<std::int64_t>(), paid_at);
  if (!result) return Refuse(503, result.GetError().Code(), "storage unavailable");
  core::log::Info("payment.transfer", {{"reference", reference}, {"result", *result}});
  return Json(200, {{"result", *result}, {"reference", reference}});
}

}  // namespace kiosk::gateway
