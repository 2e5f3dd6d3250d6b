#include "kiosk/payment/terminal_sim.h"

#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "kiosk/core/clock.h"

namespace kiosk::payment {

namespace {

core::HttpResponse Json(const std::string& body) {
  return {200, {{"Content-Type", "application/json"}}, body};
}

core::HttpResponse Bad(const std::string& why) {
  return {400, {{"Content-Type", "text/plain"}}, why};
}

}  // namespace

core::Expected<Scenario> ScenarioFrom(const std::string& name) {
  if (name == "approve") return Scenario::kApprove;
  if (name == "decline") return Scenario::kDecline;
  if (name == "timeout") return Scenario::kTimeout;
  if (name == "card-removed") return Scenario::kCardRemoved;
  if (name == "drop") return Scenario::kDrop;
  if (name == "busy") return Scenario::kBusy;
  return core::Error::NeedsPerson("sim.scenario", "unknown scenario '" + name +
                                                      "' (approve, decline, timeout, "
                                                      "card-removed, drop, busy)");
}

TerminalSimulator::TerminalSimulator(TerminalSimOptions options) : options_(std::move(options)) {}

core::HttpResponse TerminalSimulator::Handle(const core::HttpRequest& request, bool& drop) {
  drop = false;
  if (request.method != "POST" || request.target != "/nexo") return {404, {}, "not found"};
  auto parsed = nexo::ParseRequest(request.body);
  if (!parsed) return Bad(parsed.GetError().Message());
  switch (parsed->header.category) {
    case nexo::Category::kPayment:
      return Payment(*parsed, drop);
    case nexo::Category::kTransactionStatus:
      return Status(*parsed);
    case nexo::Category::kAbort:
      return Abort(*parsed);
    case nexo::Category::kReversal:
      return Reversal(*parsed);
  }
  return Bad("unknown category");
}

nexo::Response TerminalSimulator::PaymentResponse(const Transaction& tx) const {
  nexo::Response r;
  r.header = tx.request.header;
  r.result = tx.result;
  r.error_condition = tx.condition;
  r.additional = tx.additional;
  r.sale_transaction = tx.request.sale_transaction;
  r.poi_transaction = {tx.poi_transaction_id, tx.poi_timestamp};
  r.authorized_amount_vnd = tx.result == "Success" ? tx.request.amount_vnd : 0;
  return r;
}

core::HttpResponse TerminalSimulator::Payment(const nexo::Request& request, bool& drop) {
  std::unique_lock lock(mutex_);
  if (by_service_.count(request.header.service_id)) {
    nexo::Response r;
    r.header = request.header;
    r.result = "Failure";
    r.error_condition = "MessageFormat";
    r.additional = "message=ServiceID already used";
    return Json(nexo::Encode(r));
  }
  Scenario scenario = options_.then;
  if (!options_.scenarios.empty()) {
    scenario = options_.scenarios.front();
    options_.scenarios.pop_front();
  }
  Transaction& tx = by_service_[request.header.service_id];
  tx.request = request;
  char poi[32];
  std::snprintf(poi, sizeof poi, "SIMPOI%06d", next_poi_++);
  tx.poi_transaction_id = poi;
  tx.poi_timestamp = core::FormatRfc3339(core::SystemClock().Now());

  // The citizen at the terminal: either the card comes, or an abort, or the
  // terminal's own patience ends.
  const auto wait = scenario == Scenario::kTimeout ? options_.card_timeout : options_.card_delay;
  changed_.wait_for(lock, wait, [&] { return tx.aborted; });
  tx.done = true;
  if (tx.aborted) {
    Fail(tx, "Aborted", "", "aborted");
  } else {
    switch (scenario) {
      case Scenario::kApprove:
      case Scenario::kDrop:
        tx.result = "Success";
        Journal("charged", tx);
        break;
      case Scenario::kDecline:
        Fail(tx, "Refusal", "message=Declined by issuer", "declined");
        break;
      case Scenario::kTimeout:
        Fail(tx, "Cancel", "reason=Timeout", "timed_out");
        break;
      case Scenario::kCardRemoved:
        Fail(tx, "Cancel", "reason=CardRemoved", "card_removed");
        break;
      case Scenario::kBusy:
        Fail(tx, "Busy", "", "busy");
        break;
    }
  }
  changed_.notify_all();
  drop = scenario == Scenario::kDrop;
  return Json(nexo::Encode(PaymentResponse(tx)));
}

core::HttpResponse TerminalSimulator::Status(const nexo::Request& request) {
  std::lock_guard lock(mutex_);
  nexo::Response r;
  r.header = request.header;
  const auto it = by_service_.find(request.referenced_service_id);
  if (it == by_service_.end()) {
    r.result = "Failure";
    r.error_condition = "NotFound";
  } else if (!it->second.done) {
    r.result = "Failure";
    r.error_condition = "InProgress";
  } else {
    const nexo::Response payment = PaymentResponse(it->second);
    r.result = "Success";
    r.repeated_result = payment.result;
    r.repeated_error_condition = payment.error_condition;
    r.repeated_additional = payment.additional;
    r.sale_transaction = payment.sale_transaction;
    r.poi_transaction = payment.poi_transaction;
    r.authorized_amount_vnd = payment.authorized_amount_vnd;
  }
  return Json(nexo::Encode(r));
}

core::HttpResponse TerminalSimulator::Abort(const nexo::Request& request) {
  std::lock_guard lock(mutex_);
  const auto it = by_service_.find(request.referenced_service_id);
  if (it != by_service_.end() && !it->second.done) {
    it->second.aborted = true;
    changed_.notify_all();
  }
  return {200, {}, ""};  // nexo: the aborted payment carries the answer
}

core::HttpResponse TerminalSimulator::Reversal(const nexo::Request& request) {
  std::lock_guard lock(mutex_);
  nexo::Response r;
  r.header = request.header;
  Transaction* found = nullptr;
  for (auto& [service, tx] : by_service_) {
    if (tx.poi_transaction_id == request.original_poi_transaction.id) found = &tx;
  }
  if (!found || found->result != "Success") {
    r.result = "Failure";
    r.error_condition = "NotFound";
  } else if (found->reversed) {
    r.result = "Failure";
    r.error_condition = "NotAllowed";
    r.additional = "message=already reversed";
  } else {
    found->reversed = true;
    r.result = "Success";
    r.poi_transaction = {found->poi_transaction_id, found->poi_timestamp};
    Journal("reversed", *found);
  }
  return Json(nexo::Encode(r));
}

void TerminalSimulator::Fail(Transaction& tx, const char* condition, const char* additional,
                             const char* event) {
  tx.result = "Failure";
  tx.condition = condition;
  tx.additional = additional;
  Journal(event, tx);
}

void TerminalSimulator::Journal(const std::string& event, const Transaction& tx) {
  if (options_.journal.empty()) return;
  nlohmann::json line = {{"event", event},
                         {"sale_transaction_id", tx.request.sale_transaction.id},
                         {"poi_transaction_id", tx.poi_transaction_id},
                         {"amount_vnd", tx.request.amount_vnd}};
  std::ofstream out(options_.journal, std::ios::app);
  out << line.dump() << '\n';
}

std::int64_t TerminalSimulator::NetCharged(const std::string& sale_transaction_id) const {
  std::lock_guard lock(mutex_);
  std::int64_t net = 0;
  for (const auto& [service, tx] : by_service_) {
    if (tx.request.sale_transaction.id != sale_transaction_id || tx.result != "Success") continue;
    if (!tx.reversed) net += tx.request.amount_vnd;
  }
  return net;
}

}  // namespace kiosk::payment
