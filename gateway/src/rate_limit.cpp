#include "kiosk/gateway/rate_limit.h"

#include <algorithm>

namespace kiosk::gateway {

double RateLimiter::Refilled(const Bucket& b, std::int64_t now) const {
  const double gained = static_cast<double>(now - b.at_ms) / static_cast<double>(interval_ms_);
  return std::min(static_cast<double>(burst_), b.tokens + gained);
}

bool RateLimiter::Allow(const std::string& key) {
  const std::int64_t now = core::UnixMillis(clock_.Now());
  if (store_ != nullptr) {
    const auto taken = store_->TakeToken(name_ + key, burst_, interval_ms_, now);
    return taken && *taken;
  }
  std::lock_guard lock(mutex_);
  if (buckets_.size() >= max_keys_) {
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      it = Refilled(it->second, now) >= burst_ ? buckets_.erase(it) : std::next(it);
    }
  }
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{static_cast<double>(burst_), now});
  Bucket& b = it->second;
  b.tokens = Refilled(b, now);
  b.at_ms = now;
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

}  // namespace kiosk::gateway
