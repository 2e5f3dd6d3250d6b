#include "kiosk/gateway/login_throttle.h"

#include <algorithm>

namespace kiosk::gateway {

namespace {

std::int64_t DelayAfter(int failures) {
  if (failures < LoginThrottle::kFreeTries) return 0;
  if (failures >= LoginThrottle::kLockAfter) return LoginThrottle::kMaxWaitMs;
  const int doublings = std::min(failures - LoginThrottle::kFreeTries, 20);
  return std::min<std::int64_t>(LoginThrottle::kMaxWaitMs, std::int64_t{2000} << doublings);
}

constexpr std::size_t kMaxKeys = 4096;
// A shared store that cannot be read: try again in a little while.
constexpr std::int64_t kUnreadableWaitMs = 2000;

}  // namespace

std::int64_t LoginThrottle::WaitOf(const std::string& key, std::int64_t now) const {
  if (store_ != nullptr) {
    const auto next = store_->NextTry("login-" + key);
    return next ? std::max<std::int64_t>(0, *next - now) : kUnreadableWaitMs;
  }
  const auto it = counts_.find(key);
  return it == counts_.end() ? 0 : std::max<std::int64_t>(0, it->second.next_try_ms - now);
}

std::int64_t LoginThrottle::WaitBeforeTry(const std::string& account, const std::string& source) {
  const std::int64_t now = core::UnixMillis(clock_.Now());
  std::lock_guard lock(mutex_);
  std::int64_t wait = WaitOf("source:" + source, now);
  if (!account.empty()) wait = std::max(wait, WaitOf("account:" + account, now));
  return wait;
}

bool LoginThrottle::Failed(const std::string& account, const std::string& source) {
  const std::int64_t now = core::UnixMillis(clock_.Now());
  if (store_ != nullptr) {
    bool locked = false;
    for (const auto& key : {"source:" + source, account.empty() ? "" : "account:" + account}) {
      if (key.empty()) continue;
      const auto failures = store_->AddFailure("login-" + key);
      if (!failures) continue;
      (void)store_->SetNextTry("login-" + key, now + DelayAfter(*failures));
      locked = locked || (key[0] == 'a' && *failures == kLockAfter);
    }
    return locked;
  }
  std::lock_guard lock(mutex_);
  if (counts_.size() > kMaxKeys) Prune(now);
  auto& by_source = counts_["source:" + source];
  ++by_source.failures;
  by_source.next_try_ms = now + DelayAfter(by_source.failures);
  if (account.empty()) return false;
  auto& by_account = counts_["account:" + account];
  ++by_account.failures;
  by_account.next_try_ms = now + DelayAfter(by_account.failures);
  return by_account.failures == kLockAfter;
}

void LoginThrottle::Succeeded(const std::string& account, const std::string& source) {
  if (store_ != nullptr) {
    (void)store_->ClearFailures("login-source:" + source);
    (void)store_->ClearFailures("login-account:" + account);
    return;
  }
  std::lock_guard lock(mutex_);
  counts_.erase("source:" + source);
  counts_.erase("account:" + account);
}

// Forgets counts whose wait is long over, so many sources cannot grow the
// map without end.
void LoginThrottle::Prune(std::int64_t now) {
  for (auto it = counts_.begin(); it != counts_.end();) {
    it = now - it->second.next_try_ms > kMaxWaitMs ? counts_.erase(it) : std::next(it);
  }
}

}  // namespace kiosk::gateway
