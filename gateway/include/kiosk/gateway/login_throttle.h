#pragma once

// Wrong passwords on the dashboard slow down, then lock. Counted per
// operator account and per source address: after three free tries each
// further failure doubles the wait before the next try is even checked
// (2 s, 4 s, ... up to 15 min), and an account with ten failures in a row is
// locked for 15 minutes. A right password clears both counts. Kept in
// memory; the lock is also written as a security event by the dashboard.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "kiosk/core/clock.h"
#include "kiosk/gateway/store/limits.h"

namespace kiosk::gateway {

class LoginThrottle {
 public:
  static constexpr int kFreeTries = 3;
  static constexpr int kLockAfter = 10;
  static constexpr std::int64_t kMaxWaitMs = 15 * 60 * 1000;

  explicit LoginThrottle(const core::Clock& clock) : clock_(clock) {}

  // Before a password is checked: 0 if it may be, else the milliseconds to
  // wait. `account` is empty for a name that is not an account.
  std::int64_t WaitBeforeTry(const std::string& account, const std::string& source);
  // A wrong password; true when it has just locked the account.
  bool Failed(const std::string& account, const std::string& source);
  void Succeeded(const std::string& account, const std::string& source);
  // Keeps the counts in `store` instead, so that every replica sees every
  // wrong try. A store that cannot be read makes every try wait.
  void Share(LimitStore* store) { store_ = store; }

 private:
  struct Count {
    int failures = 0;
    std::int64_t next_try_ms = 0;
  };
  std::int64_t WaitOf(const std::string& key, std::int64_t now) const;
  void Prune(std::int64_t now);

  const core::Clock& clock_;
  std::mutex mutex_;
  std::map<std::string, Count> counts_;  // "account:NAME", "source:ADDRESS"
  LimitStore* store_ = nullptr;
};

}  // namespace kiosk::gateway
