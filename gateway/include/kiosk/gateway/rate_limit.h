#pragma once

// A token bucket per key: `burst` requests at once, then one more every
// `interval`. Look-ups and ratings are limited per kiosk and per dossier
// code with it, so the receipt's short secret cannot be guessed and no kiosk
// can walk through the codes. Thread-safe; keys whose bucket is full again
// are forgotten when the map grows past `max_keys`.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "kiosk/core/clock.h"
#include "kiosk/gateway/store/limits.h"

namespace kiosk::gateway {

class RateLimiter {
 public:
  RateLimiter(const core::Clock& clock, int burst, std::chrono::milliseconds interval,
              std::size_t max_keys = 65536)
      : clock_(clock), burst_(burst), interval_ms_(interval.count()), max_keys_(max_keys) {}

  // Takes a token for `key`; false when its bucket is empty.
  bool Allow(const std::string& key);
  // Keeps the buckets in `store` instead, under `name` and the key, so that
  // every replica draws on the same ones. A store that cannot be read
  // allows nothing.
  void Share(LimitStore* store, std::string name) {
    store_ = store;
    name_ = std::move(name);
  }

 private:
  struct Bucket {
    double tokens = 0;
    std::int64_t at_ms = 0;
  };
  double Refilled(const Bucket& b, std::int64_t now) const;

  const core::Clock& clock_;
  const int burst_;
  const std::int64_t interval_ms_;
  const std::size_t max_keys_;
  std::mutex mutex_;
  std::map<std::string, Bucket> buckets_;
  LimitStore* store_ = nullptr;
  std::string name_;
};

}  // namespace kiosk::gateway
