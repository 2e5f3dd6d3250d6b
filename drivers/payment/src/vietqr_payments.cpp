#include "kiosk/payment/vietqr_payments.h"

#include <thread>

#include "kiosk/core/log.h"

namespace kiosk::payment {

namespace klog = core::log;

VietQrPayments::VietQrPayments(VietQrOptions options, GatewayPayments& gateway,
                               PaymentLedger& ledger, const core::Clock& clock)
    : options_(std::move(options)), gateway_(gateway), ledger_(ledger), clock_(clock) {}

core::Expected<PaymentResult> VietQrPayments::Pay(const PaymentRequest& request) {
  if (request.amount_vnd <= 0) return core::Error::Fatal("payment.bad_amount", "nothing to pay");
  KIOSK_ASSIGN_OR_RETURN(auto earlier, ledger_.ForReference(request.reference));
  for (const auto& record : earlier) {
    if (record.method == "vietqr" &&
        (record.state == TxState::kApproved || record.state == TxState::kCommitted)) {
      return PaymentResult{"vietqr", record.provider_transaction_id, record.amount_vnd,
                           clock_.Now()};
    }
  }
  VietQr code;
  code.bank_bin = options_.bank_bin;
  code.account = options_.account;
  code.amount_vnd = request.amount_vnd;
  code.purpose = request.reference;
  KIOSK_ASSIGN_OR_RETURN(auto payload, EncodeVietQr(code));

  TxRecord record;
  record.sale_transaction_id = request.reference + "-" + std::to_string(earlier.size() + 1);
  record.reference = request.reference;
  record.method = "vietqr";
  record.amount_vnd = request.amount_vnd;
  record.service_id = "vietqr";
  record.started_at = core::FormatRfc3339(clock_.Now());
  KIOSK_TRY(ledger_.Insert(record));
  ++round_trips_;
  if (auto expected = gateway_.Expect(request.reference, request.amount_vnd, payload); !expected) {
    record.state = TxState::kNotCharged;
    record.error = "payment.offline";
    KIOSK_TRY(ledger_.Update(record));
    return expected.GetError();
  }
  cancelled_ = false;
  if (request.prompt) {
    PaymentPrompt prompt;
    prompt.method = "vietqr";
    prompt.qr_payload = payload;
    prompt.message = "Quét mã bằng ứng dụng ngân hàng / Scan the code with your banking app";
    prompt.beneficiary = options_.beneficiary;
    prompt.bank = options_.bank_name;
    prompt.account = options_.account;
    prompt.amount_vnd = request.amount_vnd;
    prompt.purpose = request.reference;
    prompt.valid_for = std::chrono::duration_cast<std::chrono::seconds>(options_.wait_timeout);
    request.prompt(prompt);
  }
  klog::Info("payment.vietqr_shown",
             {{"tx", record.sale_transaction_id}, {"amount_vnd", request.amount_vnd}});

  const auto deadline = std::chrono::steady_clock::now() + options_.wait_timeout;
  struct Forget {
    GatewayPayments& gateway;
    const std::string& reference;
    ~Forget() { gateway.Forget(reference); }
  } forget{gateway_, request.reference};
  while (true) {
    ++round_trips_;
    auto answer = gateway_.Ask(request.reference);
    if (answer && answer->status == "paid") {
      record.state = TxState::kApproved;
      record.provider_transaction_id = answer->bank_transaction_id;
      record.provider_timestamp = answer->paid_at;
      KIOSK_TRY(ledger_.Update(record));
      klog::Info("payment.vietqr_paid", {{"tx", record.sale_transaction_id}});
      return PaymentResult{"vietqr", answer->bank_transaction_id, request.amount_vnd, clock_.Now()};
    }
    if (answer && answer->status == "mismatch") {
      // A transfer arrived with another amount: staff settle it with the citizen.
      record.state = TxState::kDeclined;
      record.provider_transaction_id = answer->bank_transaction_id;
      record.error = "payment.mismatch";
      KIOSK_TRY(ledger_.Update(record));
      return core::Error::NeedsPerson("payment.mismatch",
                                      "the transfer's amount differs from the fee");
    }
    if (cancelled_ || std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(options_.poll_interval);
  }
  // The code left the screen unpaid. A late transfer is still matched by the
  // gateway; Recover() learns of it at the next start.
  record.state = TxState::kUnknown;
  record.error = cancelled_ ? "payment.cancelled" : "payment.timeout";
  KIOSK_TRY(ledger_.Update(record));
  if (cancelled_) return core::Error::NeedsPerson("payment.cancelled", "the citizen cancelled");
  return core::Error::Retryable("payment.timeout", "no transfer arrived while the code was shown");
}

core::Status VietQrPayments::Commit(const std::string& reference) {
  return ledger_.Commit(reference);
}

core::Status VietQrPayments::Release(const std::string& reference) {
  KIOSK_ASSIGN_OR_RETURN(auto records, ledger_.ForReference(reference));
  for (const auto& record : records) {
    if (record.method == "vietqr" && record.state == TxState::kApproved) {
      // A bank transfer is given back by the agency, not the kiosk.
      klog::Warn("payment.refund_needed",
                 {{"tx", record.sale_transaction_id}, {"amount_vnd", record.amount_vnd}});
    }
  }
  return core::Ok();
}

core::Expected<RecoveryReport> VietQrPayments::Recover(
    const std::function<bool(const std::string&)>& sealed) {
  RecoveryReport report;
  KIOSK_ASSIGN_OR_RETURN(auto open, ledger_.Unsettled());
  for (auto& record : open) {
    if (record.method != "vietqr") continue;
    if (record.state != TxState::kApproved) {
      ++report.asked;
      ++round_trips_;
      auto answer = gateway_.Ask(record.reference);
      if (!answer) {
        ++report.unresolved;
        continue;
      }
      if (answer->status == "paid") {
        record.state = TxState::kApproved;
        record.provider_transaction_id = answer->bank_transaction_id;
        record.provider_timestamp = answer->paid_at;
      } else {
        record.state = TxState::kNotCharged;  // a later transfer stays at the gateway
      }
      KIOSK_TRY(ledger_.Update(record));
    }
    if (record.state == TxState::kApproved) {
      if (sealed(record.reference)) {
        KIOSK_TRY(ledger_.Commit(record.reference));
        ++report.committed;
      } else {
        klog::Warn("payment.refund_needed", {{"tx", record.sale_transaction_id}});
        ++report.unresolved;
      }
    } else {
      ++report.not_charged;
    }
  }
  return report;
}

}  // namespace kiosk::payment
