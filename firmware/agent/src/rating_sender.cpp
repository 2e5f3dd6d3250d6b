#include "kiosk/agent/rating_sender.h"

#include <nlohmann/json.hpp>

#include "kiosk/core/log.h"

namespace kiosk::agent {

namespace klog = core::log;

RatingSender::RatingSender(link::RatingOutbox outbox, Send send, std::chrono::milliseconds retry)
    : outbox_(std::move(outbox)), send_(std::move(send)), retry_(retry) {}

core::Expected<int> RatingSender::Step(Steady::time_point now) {
  if (now < next_try_) return 0;
  int dropped = 0;
  KIOSK_ASSIGN_OR_RETURN(const auto pending, outbox_.Pending(&dropped));
  if (dropped > 0)
    klog::Warn("agent.rating_dropped", {{"files", dropped}, {"why", "not a rating"}});
  int sent = 0;
  for (const auto& rating : pending) {
    core::HttpRequest request{
        "PUT",
        "/v1/dossiers/" + rating.dossier_id + "/rating",
        {{"Content-Type", "application/json"}},
        nlohmann::json{{"score", rating.score}, {"rated_at", rating.rated_at}}.dump()};
    auto answer = send_(request);
    const int status = answer ? answer->status : 0;
    if (status == 200 || status == 201) {
      KIOSK_TRY(outbox_.Remove(rating.dossier_id));
      ++sent;
      continue;
    }
    if (status == 400) {  // never acceptable: not worth keeping
      klog::Warn("agent.rating_refused", {{"status", status}});
      KIOSK_TRY(outbox_.Remove(rating.dossier_id));
      continue;
    }
    // Not arrived yet (404), or the gateway out of reach: later, all of them.
    next_try_ = now + retry_;
    if (status != 404) {
      klog::Info("agent.rating_deferred",
                 {{"status", status}, {"error", answer ? "" : answer.GetError().Code()}});
    }
    break;
  }
  if (sent > 0) klog::Info("agent.ratings_sent", {{"count", sent}});
  return sent;
}

}  // namespace kiosk::agent
