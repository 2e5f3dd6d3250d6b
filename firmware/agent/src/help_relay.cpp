#include "kiosk/agent/help_relay.h"

#include <nlohmann/json.hpp>

#include "kiosk/core/log.h"

namespace kiosk::agent {

namespace klog = core::log;
using nlohmann::json;

namespace {

std::string Field(const json& doc, const char* key) {
  return doc.is_object() && doc.contains(key) && doc[key].is_string() ? doc[key].get<std::string>()
                                                                      : "";
}

link::HelpAnswer Offline(const std::string& call_id, const std::string& code) {
  link::HelpAnswer a;
  a.call_id = call_id;
  a.state = "offline";
  a.detail = code;
  return a;
}

}  // namespace

HelpRelay::HelpRelay(link::HelpMailbox mailbox, Send send, std::chrono::milliseconds poll_interval)
    : mailbox_(std::move(mailbox)), send_(std::move(send)), poll_interval_(poll_interval) {}

link::HelpAnswer HelpRelay::Put(const link::HelpCall& call) {
  auto reply =
      send_(core::HttpRequest{"PUT",
                              "/v1/help-calls/" + call.id,
                              {{"Content-Type", "application/json"}},
                              json{{"screen", call.screen}, {"language", call.language}}.dump()});
  if (!reply) return Offline(call.id, reply.GetError().Code());
  if (reply->status != 200) return Offline(call.id, "HTTP " + std::to_string(reply->status));
  const json doc = json::parse(reply->body, nullptr, false);
  link::HelpAnswer a;
  a.call_id = call.id;
  a.state = Field(doc, "state");
  a.officer_name = Field(doc, "officer_name");
  a.officer_id = Field(doc, "officer_id");
  if (a.state != "open" && a.state != "answered") return Offline(call.id, "help.gateway_reply");
  return a;
}

void HelpRelay::CheckCredential(const link::HelpCall& call, link::HelpAnswer& answer) {
  auto reply = send_(core::HttpRequest{"POST",
                                       "/v1/help-calls/" + call.id + "/credential",
                                       {{"Content-Type", "application/json"}},
                                       json{{"pin", call.pin}}.dump()});
  answer.attempt = call.attempt;
  if (!reply) {
    // Not checked: the app says so and the officer may try again.
    answer.attempt.clear();
    answer.credential.clear();
    answer.state = "offline";
    answer.detail = reply.GetError().Code();
    return;
  }
  const json doc = json::parse(reply->body, nullptr, false);
  if (reply->status == 200 && !Field(doc, "officer_id").empty()) {
    answer.credential = "accepted";
    answer.state = "answered";
    answer.officer_id = Field(doc, "officer_id");
    answer.officer_name = Field(doc, "officer_name");
  } else if (reply->status == 429) {
    answer.credential = "locked";
  } else if (reply->status == 403) {
    answer.credential = "refused";
  } else {
    answer.attempt.clear();
    answer.credential.clear();
    answer.state = "offline";
    answer.detail = "HTTP " + std::to_string(reply->status);
  }
}

core::Expected<int> HelpRelay::Step(Steady::time_point now) {
  int sent = 0;
  KIOSK_ASSIGN_OR_RETURN(const auto call, mailbox_.OpenCall());
  called_ = call.has_value();
  if (!call || call->id != call_id_) {
    if (!call_id_.empty()) to_close_ = call_id_;
    call_id_ = call ? call->id : "";
    checked_.clear();
    last_ = {};
    next_ask_ = {};
  }
  if (!to_close_.empty()) {
    auto reply = send_(core::HttpRequest{"DELETE", "/v1/help-calls/" + to_close_, {}, ""});
    ++sent;
    if (reply) {
      klog::Debug("agent.help_closed", {{"status", reply->status}});
      to_close_.clear();
    }
  }
  if (!call) {
    KIOSK_TRY(mailbox_.Sweep());
    return sent;
  }
  link::HelpAnswer answer = last_;
  bool changed = false;
  if (now >= next_ask_) {
    answer = Put(*call);
    ++sent;
    next_ask_ = now + poll_interval_;
    changed = true;
    // What the last credential check said stays in the answer.
    if (!last_.attempt.empty() && last_.attempt == call->attempt) {
      answer.attempt = last_.attempt;
      answer.credential = last_.credential;
    }
  }
  if (!call->attempt.empty() && call->attempt != checked_) {
    CheckCredential(*call, answer);
    ++sent;
    checked_ = call->attempt;
    changed = true;
  }
  if (changed && (answer.state != last_.state || answer.officer_name != last_.officer_name ||
                  answer.attempt != last_.attempt || answer.credential != last_.credential ||
                  answer.detail != last_.detail || answer.call_id != last_.call_id)) {
    if (auto written = mailbox_.Answer(answer); !written) {
      klog::Warn("agent.help_answer_not_written", {{"error", written.GetError().Code()}});
    }
    klog::Info("agent.help_relayed", {{"state", answer.state}, {"credential", answer.credential}});
    last_ = answer;
  }
  return sent;
}

}  // namespace kiosk::agent
