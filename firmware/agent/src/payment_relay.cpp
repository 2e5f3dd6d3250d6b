#include "kiosk/agent/payment_relay.h"

#include <nlohmann/json.hpp>

#include "kiosk/core/log.h"

namespace kiosk::agent {

namespace klog = core::log;
using nlohmann::json;

core::Expected<link::PaymentAnswer> ParseGatewayPayment(std::string_view text) {
  const json doc = json::parse(text, nullptr, false);
  if (!doc.is_object() || !doc.contains("status") || !doc["status"].is_string()) {
    return core::Error::Retryable("payment.gateway_reply",
                                  "the gateway's payment reply is unreadable");
  }
  link::PaymentAnswer a;
  const auto status = doc["status"].get<std::string>();
  if (status != "pending" && status != "paid" && status != "mismatch") {
    return core::Error::Retryable("payment.gateway_reply",
                                  "the gateway's payment status is unknown");
  }
  a.state = status;
  if (doc.contains("bank_transaction_id") && doc["bank_transaction_id"].is_string()) {
    a.bank_transaction_id = doc["bank_transaction_id"].get<std::string>();
  }
  if (doc.contains("amount_vnd") && doc["amount_vnd"].is_number_integer()) {
    a.amount_vnd = doc["amount_vnd"].get<std::int64_t>();
  }
  if (doc.contains("paid_at") && doc["paid_at"].is_string()) {
    a.paid_at = doc["paid_at"].get<std::string>();
  }
  if (a.state == "paid" && a.bank_transaction_id.empty()) {
    return core::Error::Retryable("payment.gateway_reply",
                                  "a paid record needs its bank transaction");
  }
  return a;
}

PaymentRelay::PaymentRelay(link::PaymentMailbox mailbox, Send send,
                           std::chrono::milliseconds poll_interval)
    : mailbox_(std::move(mailbox)), send_(std::move(send)), poll_interval_(poll_interval) {}

namespace {

link::PaymentAnswer Offline(const std::string& ask_id, const core::Error& error) {
  link::PaymentAnswer a;
  a.ask_id = ask_id;
  a.state = "offline";
  a.detail = error.Code();
  return a;
}

}  // namespace

link::PaymentAnswer PaymentRelay::Register(const link::PaymentAsk& ask) {
  core::HttpRequest request{
      "PUT",
      "/v1/payments/" + ask.reference,
      {{"Content-Type", "application/json"}},
      json{{"amount_vnd", ask.amount_vnd}, {"method", "vietqr"}, {"qr", ask.qr}}.dump()};
  auto reply = send_(request);
  if (!reply) return Offline(ask.id, reply.GetError());
  if (reply->status != 200 && reply->status != 201) {
    return Offline(
        ask.id, core::Error::Retryable("payment.refused", "HTTP " + std::to_string(reply->status)));
  }
  link::PaymentAnswer a;
  a.ask_id = ask.id;
  a.state = "registered";
  return a;
}

link::PaymentAnswer PaymentRelay::Query(const std::string& reference, const std::string& ask_id) {
  auto reply = send_(core::HttpRequest{"GET", "/v1/payments/" + reference, {}, ""});
  if (!reply) return Offline(ask_id, reply.GetError());
  link::PaymentAnswer a;
  a.ask_id = ask_id;
  if (reply->status == 404) {
    a.state = "unknown";
    return a;
  }
  if (reply->status != 200) {
    return Offline(
        ask_id, core::Error::Retryable("payment.refused", "HTTP " + std::to_string(reply->status)));
  }
  auto parsed = ParseGatewayPayment(reply->body);
  if (!parsed) return Offline(ask_id, parsed.GetError());
  parsed->ask_id = ask_id;
  return std::move(parsed).Value();
}

core::Expected<int> PaymentRelay::Step(Steady::time_point now) {
  KIOSK_ASSIGN_OR_RETURN(auto asks, mailbox_.Asks());
  int sent = 0;
  std::map<std::string, Progress> next;
  for (const auto& ask : asks) {
    Progress progress;
    if (auto found = progress_.find(ask.reference);
        found != progress_.end() && found->second.ask_id == ask.id) {
      progress = found->second;
    }
    progress.ask_id = ask.id;
    if (!progress.settled && now >= progress.next_ask) {
      link::PaymentAnswer answer;
      if (ask.kind == link::AskKind::kExpect && !progress.registered) {
        answer = Register(ask);
        progress.registered = answer.state == "registered";
        // A code the gateway would not take is not shown: the app stops here.
        progress.settled = !progress.registered;
      } else {
        answer = Query(ask.reference, ask.id);
        progress.settled = ask.kind == link::AskKind::kQuery || answer.state == "paid" ||
                           answer.state == "mismatch";
      }
      ++sent;
      progress.next_ask = now + poll_interval_;
      if (auto written = mailbox_.Answer(ask.reference, answer); !written) {
        klog::Warn("agent.payment_answer_not_written", {{"error", written.GetError().Code()}});
      }
      klog::Debug("agent.payment_relayed", {{"state", answer.state}});
    }
    next[ask.reference] = progress;
  }
  progress_ = std::move(next);
  KIOSK_TRY(mailbox_.Sweep());
  return sent;
}

PaymentRelayThread::PaymentRelayThread(PaymentRelay& relay, std::chrono::milliseconds period,
                                       HelpRelay* help)
    : thread_([this, &relay, period, help] {
        while (!stop_) {
          if (auto step = relay.Step(PaymentRelay::Steady::now()); !step) {
            klog::Warn("agent.payment_relay_failed", {{"error", step.GetError().Code()}});
          }
          if (help != nullptr) {
            if (auto step = help->Step(HelpRelay::Steady::now()); !step) {
              klog::Warn("agent.help_relay_failed", {{"error", step.GetError().Code()}});
            }
          }
          // Short sleeps, so stopping never waits a whole period.
          const auto until = PaymentRelay::Steady::now() + period;
          while (!stop_ && PaymentRelay::Steady::now() < until) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
          }
        }
      }) {}

PaymentRelayThread::~PaymentRelayThread() {
  stop_ = true;
  thread_.join();
}

}  // namespace kiosk::agent
