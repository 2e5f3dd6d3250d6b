#pragma once

// What kiosk-app asks of the gateway about a VietQR payment, carried by
// kiosk-agent (the app never opens a connection). A folder of small files,
// each with one writer:
//
//   <reference>.ask.json     kiosk-app: "expect this code for this amount",
//                            or "what do you know of this reference"
//   <reference>.answer.json  kiosk-agent: the gateway's latest word, echoing
//                            the ask's id so an old answer is never taken for
//                            a new one
//
// The agent registers an expected payment once, then asks the gateway about
// it every poll interval until it is paid, refused or the app withdraws the
// ask; a query is answered once. Answers whose ask is gone are swept.
// References are identifiers (letters, digits, - and _), never paths.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/error.h"

namespace kiosk::link {

enum class AskKind { kExpect, kQuery };

struct PaymentAsk {
  std::string id;         // unique per ask
  std::string reference;  // the dossier's payment reference
  AskKind kind = AskKind::kQuery;
  std::int64_t amount_vnd = 0;  // kExpect: the fee
  std::string qr;               // kExpect: the code on the screen
};

// What the gateway said. `state`:
//   "registered"  the gateway expects the transfer (not yet paid)
//   "pending"     asked again, still not paid
//   "paid"        bank_transaction_id, amount_vnd and paid_at are set
//   "mismatch"    a transfer of another amount arrived
//   "unknown"     the gateway has no such payment
//   "offline"     the agent could not reach the gateway; detail is the error code
struct PaymentAnswer {
  std::string ask_id;
  std::string state;
  std::string bank_transaction_id;
  std::int64_t amount_vnd = 0;
  std::string paid_at;
  std::string detail;
};

bool IsPaymentReference(std::string_view text);

core::Expected<PaymentAsk> ParsePaymentAsk(std::string_view json);
std::string PaymentAskJson(const PaymentAsk& ask);
core::Expected<PaymentAnswer> ParsePaymentAnswer(std::string_view json);
std::string PaymentAnswerJson(const PaymentAnswer& answer);

class PaymentMailbox {
 public:
  explicit PaymentMailbox(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // kiosk-app's side.
  core::Status Post(const PaymentAsk& ask);
  // The answer to ask `ask_id`; nullopt while the agent has not answered it.
  core::Expected<std::optional<PaymentAnswer>> AnswerTo(const std::string& reference,
                                                        const std::string& ask_id) const;
  core::Status Withdraw(const std::string& reference);

  // kiosk-agent's side.
  core::Expected<std::vector<PaymentAsk>> Asks() const;
  core::Status Answer(const std::string& reference, const PaymentAnswer& answer);
  // Removes answers whose ask was withdrawn.
  core::Status Sweep();

  const std::filesystem::path& Dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

}  // namespace kiosk::link
