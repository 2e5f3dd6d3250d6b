// The shared counters on PostgreSQL: token buckets and wrong-try counts.

#include "kiosk/gateway/store/limits.h"
#include "database.h"

namespace kiosk::gateway::postgres {

using core::Expected;
using core::Status;

namespace {

// One statement: the bucket refilled for the time since its last token,
// then one taken if there is one. No row comes back when it is empty.
const Query kTake{"limit_take",
                  "INSERT INTO limit_buckets (key, tokens, at) VALUES ($1, $2::float8 - 1, $4) "
                  "ON CONFLICT (key) DO UPDATE SET tokens = LEAST($2::float8, "
                  "limit_buckets.tokens + ($4 - limit_buckets.at)::float8 / $3::float8) - 1, "
                  "at = $4 WHERE LEAST($2::float8, limit_buckets.tokens + "
                  "($4 - limit_buckets.at)::float8 / $3::float8) >= 1 RETURNING tokens"};
// Buckets full again say nothing: forgotten now and then.
const Query kForgetFull{"limit_forget_full", "DELETE FROM limit_buckets WHERE at < $1"};
const Query kAddFailure{"limit_add_failure",
                        "INSERT INTO limit_failures (key, failures, next_try) VALUES ($1, 1, 0) "
                        "ON CONFLICT (key) DO UPDATE SET failures = limit_failures.failures + 1 "
                        "RETURNING failures"};
const Query kSetNextTry{"limit_set_next_try",
                        "UPDATE limit_failures SET next_try = $2 WHERE key = $1"};
const Query kNextTry{"limit_next_try", "SELECT next_try FROM limit_failures WHERE key = $1"};
const Query kClear{"limit_clear", "DELETE FROM limit_failures WHERE key = $1"};

class PostgresLimitStore final : public LimitStore {
 public:
  explicit PostgresLimitStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  Expected<bool> TakeToken(const std::string& key, int burst, std::int64_t interval_ms,
                           std::int64_t now) override {
    if (++takes_ % 4096 == 0) {
      // Full again after burst × interval: as good as never used.
      KIOSK_TRY(db_->Exec(kForgetFull, {now - std::int64_t{burst} * interval_ms}));
    }
    KIOSK_ASSIGN_OR_RETURN(const auto r, db_->Exec(kTake, {key, burst, interval_ms, now}));
    return r.Rows() > 0;
  }

  Expected<int> AddFailure(const std::string& key) override {
    KIOSK_ASSIGN_OR_RETURN(const auto r, db_->Exec(kAddFailure, {key}));
    return static_cast<int>(r.Int(0, 0));
  }

  Status SetNextTry(const std::string& key, std::int64_t at) override {
    KIOSK_TRY(db_->Exec(kSetNextTry, {key, at}));
    return core::Ok();
  }

  Expected<std::int64_t> NextTry(const std::string& key) override {
    KIOSK_ASSIGN_OR_RETURN(const auto r, db_->Exec(kNextTry, {key}));
    return r.Rows() > 0 ? r.Int(0, 0) : 0;
  }

  Status ClearFailures(const std::string& key) override {
    KIOSK_TRY(db_->Exec(kClear, {key}));
    return core::Ok();
  }

 private:
  std::shared_ptr<Database> db_;
  std::atomic<unsigned> takes_{0};
};

}  // namespace

std::unique_ptr<LimitStore> LimitsOn(std::shared_ptr<Database> db) {
  return std::make_unique<PostgresLimitStore>(std::move(db));
}

}  // namespace kiosk::gateway::postgres
