#pragma once

// kiosk-agent's side of the ratings outbox (link/ratings.h): each citizen's
// rating goes to the gateway once its dossier has (PUT
// /v1/dossiers/{id}/rating), then leaves the kiosk. A dossier the gateway
// does not know yet waits for its upload; a rating the gateway refuses as
// malformed is dropped, never retried forever.

#include <chrono>
#include <functional>

#include "kiosk/core/error.h"
#include "kiosk/core/http.h"
#include "kiosk/link/ratings.h"

namespace kiosk::agent {

class RatingSender {
 public:
  using Send = std::function<core::Expected<core::HttpResponse>(const core::HttpRequest&)>;
  using Steady = std::chrono::steady_clock;

  RatingSender(link::RatingOutbox outbox, Send send,
               std::chrono::milliseconds retry = std::chrono::seconds(10));

  // Sends what waits, unless the last attempt failed less than `retry` ago.
  // Returns how many ratings the gateway took.
  core::Expected<int> Step(Steady::time_point now);

 private:
  link::RatingOutbox outbox_;
  Send send_;
  std::chrono::milliseconds retry_;
  Steady::time_point next_try_{};
};

}  // namespace kiosk::agent
