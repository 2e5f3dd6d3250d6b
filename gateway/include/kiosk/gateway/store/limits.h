#pragma once

// The counters that slow down guessing, when several gateway replicas must
// share them: the dashboard's wrong-password counts and the look-ups' token
// buckets (login_throttle.h, rate_limit.h). A lone gateway keeps them in
// its memory and needs no store; replicas keep them in PostgreSQL, so a
// guesser gains nothing by being spread over them. Times are Unix
// milliseconds.

#include <cstdint>
#include <string>

#include "kiosk/core/error.h"

namespace kiosk::gateway {

class LimitStore {
 public:
  virtual ~LimitStore() = default;

  // A token of `key`'s bucket (`burst` tokens, one more every interval_ms);
  // false when it is empty.
  virtual core::Expected<bool> TakeToken(const std::string& key, int burst,
                                         std::int64_t interval_ms, std::int64_t now) = 0;

  // Wrong tries: one more for `key`; returns the count so far.
  virtual core::Expected<int> AddFailure(const std::string& key) = 0;
  // The moment `key` may try again.
  virtual core::Status SetNextTry(const std::string& key, std::int64_t at) = 0;
  // 0 when it may try now (or was never counted).
  virtual core::Expected<std::int64_t> NextTry(const std::string& key) = 0;
  virtual core::Status ClearFailures(const std::string& key) = 0;
};

}  // namespace kiosk::gateway
