#include "kiosk/gateway/payments.h"

#include <cctype>

#include "kiosk/core/encoding.h"
#include "kiosk/core/hash.h"
#include "responses.h"

namespace kiosk::gateway {

using core::HttpRequest;
using core::HttpResponse;
using nlohmann::json;

namespace {

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
