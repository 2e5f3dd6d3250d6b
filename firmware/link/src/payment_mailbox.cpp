#include "kiosk/link/payment_mailbox.h"

#include <nlohmann/json.hpp>

#include "kiosk/core/files.h"
#include "kiosk/core/text.h"

namespace kiosk::link {

using nlohmann::json;

namespace {

constexpr std::string_view kAsk = ".ask.json";
constexpr std::string_view kAnswer = ".answer.json";
constexpr std::size_t kMaxFile = 16 * 1024;

core::Error Invalid(const std::string& what) {
  return core::Error::NeedsPerson("link.invalid", what);
}

// A string member that is present and passes `ok`, else nullopt.
std::optional<std::string> Text(const json& doc, const char* key, std::size_t max) {
  if (!doc.contains(key) || !doc[key].is_string()) return std::nullopt;
  auto value = doc[key].get<std::string>();
  if (value.size() > max) return std::nullopt;
  return value;
}

bool IsAnswerState(const std::string& s) {
  return s == "registered" || s == "pending" || s == "paid" || s == "mismatch" || s == "unknown" ||
         s == "offline";
}

bool EndsWith(const std::string& s, std::string_view tail) {
  return s.size() > tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

bool IsPaymentReference(std::string_view text) { return core::IsCode(text, 64, "-_"); }

core::Expected<PaymentAsk> ParsePaymentAsk(std::string_view text) {
  const json doc = json::parse(text, nullptr, false);
  if (!doc.is_object()) return Invalid("an ask is a JSON object");
  PaymentAsk ask;
  auto id = Text(doc, "id", 64);
  if (!id || !core::IsCode(*id, 64, "-_")) return Invalid("ask id");
  ask.id = *id;
  auto reference = Text(doc, "reference", 64);
  if (!reference || !IsPaymentReference(*reference)) return Invalid("reference");
  ask.reference = *reference;
  const auto kind = Text(doc, "kind", 16).value_or("");
  if (kind == "expect") {
    ask.kind = AskKind::kExpect;
    if (!doc.contains("amount_vnd") || !doc["amount_vnd"].is_number_integer() ||
        doc["amount_vnd"].get<std::int64_t>() <= 0) {
      return Invalid("amount_vnd");
    }
    ask.amount_vnd = doc["amount_vnd"].get<std::int64_t>();
    auto qr = Text(doc, "qr", 512);
    if (!qr || qr->empty()) return Invalid("qr");
    ask.qr = *qr;
  } else if (kind != "query") {
    return Invalid("kind");
  }
  return ask;
}

std::string PaymentAskJson(const PaymentAsk& ask) {
  json doc = {{"id", ask.id},
              {"reference", ask.reference},
              {"kind", ask.kind == AskKind::kExpect ? "expect" : "query"}};
  if (ask.kind == AskKind::kExpect) {
    doc["amount_vnd"] = ask.amount_vnd;
    doc["qr"] = ask.qr;
  }
  return doc.dump();
}

core::Expected<PaymentAnswer> ParsePaymentAnswer(std::string_view text) {
  const json doc = json::parse(text, nullptr, false);
  if (!doc.is_object()) return Invalid("an answer is a JSON object");
  PaymentAnswer a;
  auto id = Text(doc, "ask_id", 64);
  auto state = Text(doc, "state", 16);
  if (!id || !state || !IsAnswerState(*state)) return Invalid("ask_id or state");
  a.ask_id = *id;
  a.state = *state;
  a.bank_transaction_id = Text(doc, "bank_transaction_id", 128).value_or("");
  a.paid_at = Text(doc, "paid_at", 64).value_or("");
  a.detail = Text(doc, "detail", 256).value_or("");
  if (doc.contains("amount_vnd") && doc["amount_vnd"].is_number_integer()) {
    a.amount_vnd = doc["amount_vnd"].get<std::int64_t>();
  }
  if (a.state == "paid" && a.bank_transaction_id.empty()) {
    return Invalid("a paid answer names its bank transaction");
  }
  return a;
}

std::string PaymentAnswerJson(const PaymentAnswer& a) {
  return json{{"ask_id", a.ask_id},
              {"state", a.state},
              {"bank_transaction_id", a.bank_transaction_id},
              {"amount_vnd", a.amount_vnd},
              {"paid_at", a.paid_at},
              {"detail", a.detail}}
      .dump();
}

core::Status PaymentMailbox::Post(const PaymentAsk& ask) {
  if (!IsPaymentReference(ask.reference)) return Invalid("reference");
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return core::Error::Retryable("io.write", "cannot create " + dir_.string());
  // An answer to an earlier ask must not be read as this one's.
  std::filesystem::remove(dir_ / (ask.reference + std::string(kAnswer)), ec);
  return core::WriteFileAtomically(dir_ / (ask.reference + std::string(kAsk)),
                                   core::AsBytes(PaymentAskJson(ask)), 0640);
}

core::Expected<std::optional<PaymentAnswer>> PaymentMailbox::AnswerTo(
    const std::string& reference, const std::string& ask_id) const {
  if (!IsPaymentReference(reference)) return Invalid("reference");
  const auto path = dir_ / (reference + std::string(kAnswer));
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::optional<PaymentAnswer>();
  auto text = core::ReadSmallFile(path, kMaxFile);
  // Swept or replaced between the two calls: no answer yet.
  if (!text) return std::optional<PaymentAnswer>();
  KIOSK_ASSIGN_OR_RETURN(auto answer, ParsePaymentAnswer(*text));
  if (answer.ask_id != ask_id) return std::optional<PaymentAnswer>();
  return std::optional<PaymentAnswer>(std::move(answer));
}

core::Status PaymentMailbox::Withdraw(const std::string& reference) {
  if (!IsPaymentReference(reference)) return Invalid("reference");
  std::error_code ec;
  std::filesystem::remove(dir_ / (reference + std::string(kAsk)), ec);
  if (ec) return core::Error::Retryable("io.write", "cannot withdraw the ask " + reference);
  return core::Ok();
}

core::Expected<std::vector<PaymentAsk>> PaymentMailbox::Asks() const {
  std::vector<PaymentAsk> out;
  std::error_code ec;
  if (!std::filesystem::exists(dir_, ec)) return out;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (!EndsWith(name, kAsk)) continue;
    auto text = core::ReadSmallFile(entry.path(), kMaxFile);
    if (!text) continue;  // withdrawn meanwhile
    auto ask = ParsePaymentAsk(*text);
    if (!ask || ask->reference + std::string(kAsk) != name) continue;
    out.push_back(std::move(ask).Value());
  }
  if (ec) return core::Error::Retryable("io.read", "cannot list " + dir_.string());
  return out;
}

core::Status PaymentMailbox::Answer(const std::string& reference, const PaymentAnswer& answer) {
  if (!IsPaymentReference(reference)) return Invalid("reference");
  return core::WriteFileAtomically(dir_ / (reference + std::string(kAnswer)),
                                   core::AsBytes(PaymentAnswerJson(answer)), 0640);
}

core::Status PaymentMailbox::Sweep() {
  std::error_code ec;
  if (!std::filesystem::exists(dir_, ec)) return core::Ok();
  std::vector<std::filesystem::path> stale;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (!EndsWith(name, kAnswer)) continue;
    const std::string reference = name.substr(0, name.size() - kAnswer.size());
    if (!std::filesystem::exists(dir_ / (reference + std::string(kAsk)))) {
      stale.push_back(entry.path());
    }
  }
  for (const auto& path : stale) std::filesystem::remove(path, ec);
  return core::Ok();
}

}  // namespace kiosk::link
