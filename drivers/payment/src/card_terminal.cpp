#include "kiosk/payment/card_terminal.h"

#include <cstdio>
#include <thread>

#include "kiosk/core/http.h"
#include "kiosk/core/log.h"

namespace kiosk::payment {

namespace klog = core::log;

namespace {

// Failures before a request could reach the terminal: nothing was charged.
bool NeverSent(const core::Error& e) {
  const std::string& code = e.Code();
  return code.rfind("net.", 0) == 0 || code == "tls.untrusted_peer" || code == "tls.refused" ||
         code == "tls.no_client_certificate" || code == "tls.config";
}

core::Error FailureFor(const std::string& code, const std::string& detail) {
  if (code == "payment.timeout" || code == "payment.offline" || code == "payment.unknown") {
    return core::Error::Retryable(code, detail);
  }
  return core::Error::NeedsPerson(code, detail);
}

// The kiosk's error code for a terminal's refusal.
std::string CodeFor(const std::string& condition, const std::string& additional, bool timed_out) {
  if (condition == "Refusal") return "payment.declined";
  if (condition == "Cancel") {
    return additional.find("CardRemoved") != std::string::npos ? "payment.card_removed"
                                                               : "payment.cancelled";
  }
  if (condition == "Aborted") return timed_out ? "payment.timeout" : "payment.cancelled";
  if (condition == "Busy" || condition == "DeviceOut" || condition == "UnavailableService" ||
      condition == "UnreachableHost" || condition == "NotFound") {
    return "payment.offline";
  }
  return "payment.failed";
}

}  // namespace

NexoTerminal::NexoTerminal(NexoOptions options, PaymentLedger& ledger, const core::Clock& clock,
                           core::RandomSource& random)
    : options_(std::move(options)), ledger_(ledger), clock_(clock), random_(random) {}

nexo::Header NexoTerminal::NewHeader(nexo::Category category) {
  std::uint8_t bytes[5] = {};
  {
    std::lock_guard lock(random_mutex_);
    (void)random_.Fill(bytes);
  }
  char id[11];
  std::snprintf(id, sizeof id, "%02x%02x%02x%02x%02x", bytes[0], bytes[1], bytes[2], bytes[3],
                bytes[4]);
  return nexo::Header{category, id, options_.sale_id, options_.poi_id};
}

core::Expected<nexo::Response> NexoTerminal::Exchange(const nexo::Request& request,
                                                      std::chrono::milliseconds timeout) {
  core::TlsOptions tls = options_.tls;
  tls.io_timeout = timeout;
  core::HttpRequest http;
  http.method = "POST";
  http.target = "/nexo";
  http.headers = {{"Content-Type", "application/json"}};
  http.body = nexo::Encode(request);
  ++round_trips_;
  KIOSK_ASSIGN_OR_RETURN(auto reply,
                         core::HttpsRequest(options_.host, options_.port, tls, http, 1 << 20));
  if (reply.status != 200) {
    return core::Error::Retryable("payment.terminal_http",
                                  "the terminal answered HTTP " + std::to_string(reply.status));
  }
  KIOSK_ASSIGN_OR_RETURN(auto response, nexo::ParseResponse(reply.body));
  if (response.header.service_id != request.header.service_id ||
      response.header.category != request.header.category) {
    return core::Error::Retryable("nexo.mismatch", "the terminal answered another request");
  }
  return response;
}

void NexoTerminal::Apply(TxRecord& record, const std::string& result, const std::string& condition,
                         const std::string& additional, const nexo::Response& response,
                         std::int64_t authorized) {
  if (result == "Success") {
    record.state = TxState::kApproved;
    record.provider_transaction_id = response.poi_transaction.id;
    record.provider_timestamp = response.poi_transaction.timestamp;
    record.error.clear();
    if (authorized != record.amount_vnd) record.error = "payment.partial";
    return;
  }
  record.state = condition == "NotFound" || condition == "Busy" || condition == "DeviceOut"
                     ? TxState::kNotCharged
                     : TxState::kDeclined;
  record.error = CodeFor(condition, additional, record.error == "payment.timeout");
}

core::Status NexoTerminal::Resolve(TxRecord& record) {
  for (int attempt = 0; attempt < options_.status_attempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(options_.status_interval);
    nexo::Request ask;
    ask.header = NewHeader(nexo::Category::kTransactionStatus);
    ask.referenced_service_id = record.service_id;
    auto answer = Exchange(ask, std::chrono::milliseconds(5'000));
    if (!answer) {
      klog::Warn("payment.status_unanswered",
                 {{"tx", record.sale_transaction_id}, {"code", answer.GetError().Code()}});
      continue;
    }
    if (answer->result == "Success" && answer->repeated_result) {
      Apply(record, *answer->repeated_result, answer->repeated_error_condition,
            answer->repeated_additional, *answer, answer->authorized_amount_vnd);
      return ledger_.Update(record);
    }
    if (answer->error_condition == "NotFound") {
      record.state = TxState::kNotCharged;
      record.error = "payment.offline";
      return ledger_.Update(record);
    }
    // InProgress: the terminal is still with the citizen; ask again.
  }
  record.state = TxState::kUnknown;
  return ledger_.Update(record);
}

core::Status NexoTerminal::Reverse(TxRecord& record) {
  nexo::Request reversal;
  reversal.header = NewHeader(nexo::Category::kReversal);
  reversal.original_poi_transaction = {record.provider_transaction_id, record.provider_timestamp};
  reversal.reversal_reason = "MerchantCancel";
  KIOSK_ASSIGN_OR_RETURN(auto answer, Exchange(reversal, std::chrono::milliseconds(15'000)));
  if (answer.result != "Success") {
    return core::Error::Retryable("payment.reversal_refused",
                                  "the terminal refused the reversal: " + answer.error_condition);
  }
  record.state = TxState::kReversed;
  KIOSK_TRY(ledger_.Update(record));
  klog::Info("payment.reversed",
             {{"tx", record.sale_transaction_id}, {"amount_vnd", record.amount_vnd}});
  return core::Ok();
}

core::Expected<PaymentResult> NexoTerminal::Outcome(const TxRecord& record) const {
  switch (record.state) {
    case TxState::kApproved:
    case TxState::kCommitted:
      return PaymentResult{record.method, record.provider_transaction_id, record.amount_vnd,
                           clock_.Now()};
    case TxState::kUnknown:
    case TxState::kStarted:
      return core::Error::Retryable("payment.unknown",
                                    "the terminal has not said whether the card was charged; "
                                    "it is asked again before any new charge");
    case TxState::kReversed:
      return core::Error::NeedsPerson("payment.cancelled", "the payment was given back");
    case TxState::kDeclined:
    case TxState::kNotCharged:
      break;
  }
  const std::string code = record.error.empty() ? "payment.failed" : record.error;
  return FailureFor(code, "the card payment did not go through (" + code + ")");
}

core::Expected<PaymentResult> NexoTerminal::Pay(const PaymentRequest& request) {
  if (request.amount_vnd <= 0) return core::Error::Fatal("payment.bad_amount", "nothing to pay");
  KIOSK_ASSIGN_OR_RETURN(auto earlier, ledger_.ForReference(request.reference));
  for (auto& record : earlier) {
    if (record.method != "card") continue;
    if (record.state == TxState::kStarted || record.state == TxState::kUnknown) {
      KIOSK_TRY(Resolve(record));
    }
    if (record.state == TxState::kApproved || record.state == TxState::kCommitted ||
        record.state == TxState::kUnknown) {
      return Outcome(record);  // paid already, or not yet known: never charge again
    }
  }

  TxRecord record;
  record.sale_transaction_id = request.reference + "-" + std::to_string(earlier.size() + 1);
  record.reference = request.reference;
  record.method = "card";
  record.amount_vnd = request.amount_vnd;
  record.started_at = core::FormatRfc3339(clock_.Now());
  nexo::Request payment;
  payment.header = NewHeader(nexo::Category::kPayment);
  payment.sale_transaction = {record.sale_transaction_id, record.started_at};
  payment.amount_vnd = request.amount_vnd;
  record.service_id = payment.header.service_id;
  KIOSK_TRY(ledger_.Insert(record));  // on disk before the request leaves

  {
    std::lock_guard lock(flight_mutex_);
    in_flight_service_ = record.service_id;
    cancelled_ = false;
  }
  if (request.prompt) {
    PaymentPrompt prompt;
    prompt.method = "card";
    prompt.message = "Đưa thẻ vào máy thanh toán / Present your card on the terminal";
    prompt.amount_vnd = request.amount_vnd;
    request.prompt(prompt);
  }
  klog::Info("payment.card_started",
             {{"tx", record.sale_transaction_id}, {"amount_vnd", request.amount_vnd}});
  auto answer = Exchange(payment, options_.payment_timeout);
  bool cancelled = false;
  {
    std::lock_guard lock(flight_mutex_);
    in_flight_service_.clear();
    cancelled = cancelled_;
  }

  if (answer) {
    Apply(record, answer->result, answer->error_condition, answer->additional, *answer,
          answer->authorized_amount_vnd);
    KIOSK_TRY(ledger_.Update(record));
  } else if (NeverSent(answer.GetError())) {
    record.state = TxState::kNotCharged;
    record.error = "payment.offline";
    KIOSK_TRY(ledger_.Update(record));
    klog::Warn("payment.terminal_unreachable", {{"code", answer.GetError().Code()}});
  } else {
    // The answer is lost. If the citizen ran out of time, stop the terminal
    // first; then ask what happened.
    record.state = TxState::kUnknown;
    if (answer.GetError().Code() == "tls.timeout" && !cancelled) {
      record.error = "payment.timeout";
      nexo::Request abort;
      abort.header = NewHeader(nexo::Category::kAbort);
      abort.referenced_service_id = record.service_id;
      abort.abort_reason = "MerchantAbort";
      (void)Exchange(abort, std::chrono::milliseconds(5'000));
    }
    KIOSK_TRY(ledger_.Update(record));
    klog::Warn("payment.answer_lost",
               {{"tx", record.sale_transaction_id}, {"code", answer.GetError().Code()}});
    KIOSK_TRY(Resolve(record));
  }
  if (record.state == TxState::kApproved && record.error == "payment.partial") {
    (void)Reverse(record);  // a partial authorization is no use for a fixed fee
    return core::Error::NeedsPerson("payment.failed", "the terminal authorized another amount");
  }
  klog::Info("payment.card_ended",
             {{"tx", record.sale_transaction_id}, {"state", ToString(record.state)}});
  return Outcome(record);
}

void NexoTerminal::Cancel() {
  std::string service;
  {
    std::lock_guard lock(flight_mutex_);
    if (in_flight_service_.empty()) return;
    service = in_flight_service_;
    cancelled_ = true;
  }
  nexo::Request abort;
  abort.header = NewHeader(nexo::Category::kAbort);
  abort.referenced_service_id = service;
  abort.abort_reason = "CustomerCancel";
  // nexo answers an abort through the aborted payment; this exchange's own
  // answer carries nothing.
  auto sent = Exchange(abort, std::chrono::milliseconds(5'000));
  if (!sent && sent.GetError().Code() != "nexo.malformed") {
    klog::Warn("payment.abort_unsent", {{"code", sent.GetError().Code()}});
  }
}

core::Status NexoTerminal::Commit(const std::string& reference) {
  return ledger_.Commit(reference);
}

core::Status NexoTerminal::Release(const std::string& reference) {
  KIOSK_ASSIGN_OR_RETURN(auto records, ledger_.ForReference(reference));
  core::Status status = core::Ok();
  for (auto& record : records) {
    if (record.method != "card") continue;
    if (record.state == TxState::kStarted || record.state == TxState::kUnknown) {
      KIOSK_TRY(Resolve(record));
    }
    if (record.state != TxState::kApproved) continue;
    auto reversed = Reverse(record);
    if (!reversed && status) status = std::move(reversed);
  }
  return status;
}

core::Expected<RecoveryReport> NexoTerminal::Recover(
    const std::function<bool(const std::string&)>& sealed) {
  RecoveryReport report;
  KIOSK_ASSIGN_OR_RETURN(auto open, ledger_.Unsettled());
  for (auto& record : open) {
    if (record.method != "card") continue;
    if (record.state == TxState::kStarted || record.state == TxState::kUnknown) {
      ++report.asked;
      KIOSK_TRY(Resolve(record));
    }
    if (record.state == TxState::kApproved) {
      if (sealed(record.reference)) {
        KIOSK_TRY(ledger_.Commit(record.reference));
        ++report.committed;
      } else if (Reverse(record)) {
        ++report.reversed;
      } else {
        ++report.unresolved;
      }
    } else if (record.state == TxState::kUnknown) {
      ++report.unresolved;
    } else {
      ++report.not_charged;
    }
  }
  klog::Info("payment.recovered", {{"asked", report.asked},
                                   {"committed", report.committed},
                                   {"reversed", report.reversed},
                                   {"not_charged", report.not_charged},
                                   {"unresolved", report.unresolved}});
  return report;
}

}  // namespace kiosk::payment
