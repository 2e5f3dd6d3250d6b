// What only the PostgreSQL stores have: a schema migrated once by replicas
// starting together, a server that goes away and comes back, a bounded
// connection pool. Against a private cluster (tests/support/postgres.h).

#include "test_prelude.h"

#include <thread>

#include "kiosk/core/clock.h"
#include "kiosk/gateway/login_throttle.h"
#include "kiosk/gateway/rate_limit.h"
#include "kiosk/gateway/store/postgres.h"
#include "postgres.h"

using namespace kiosk::gateway;  // NOLINT(google-build-using-namespace): test file
using kiosk::test::PostgresCluster;

namespace {

AdmitRequest Dossier(const std::string& id) {
  AdmitRequest r;
  r.dossier_id = id;
  r.kiosk_id = "QNM-TEST-0001";
  r.procedure_code = "1.001193";
  r.agency = "000.17.22.H56";
  r.received_day = *ParseDay("2026-12-07");
  r.received_at = "2026-12-07T08:00:00+07:00";
  r.appointment = "2026-12-09T08:00";
  r.lookup_secret = "s";
  r.manifest_json = "{}";
  return r;
}

std::shared_ptr<postgres::Database> OpenOrFail(const postgres::Options& options) {
  auto db = postgres::Open(options);
  if (!db) FAIL(db.GetError().ToString().c_str());
  return *db;
}

// Polls `sql` (one number) until it reaches `want`; false after 10 s.
bool WaitFor(const std::string& sql, const std::string& want) {
  for (int i = 0; i < 200; ++i) {
    std::string got = PostgresCluster::Shared().Sql(sql);
    while (!got.empty() && got.back() == '\n') got.pop_back();
    if (got == want) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace

TEST_GROUP(PostgresStore){void setup() override{kiosk::test::StopTrackingAllocations();
}
void teardown() override { kiosk::test::ResumeTrackingAllocations(); }
}
;

TEST(PostgresStore, ReplicasStartingTogetherMigrateTheSchemaOnce) {
  postgres::Options options;
  options.conninfo = PostgresCluster::Shared().FreshSchema();
  std::vector<std::thread> starting;
  std::vector<std::string> errors(4);
  for (int i = 0; i < 4; ++i) {
    starting.emplace_back([&, i] {
      auto db = postgres::Open(options);
      if (!db) errors[static_cast<std::size_t>(i)] = db.GetError().ToString();
    });
  }
  for (auto& t : starting) t.join();
  for (const auto& e : errors) STRCMP_EQUAL("", e.c_str());
  auto db = OpenOrFail(options);
  LONGS_EQUAL(5, postgres::SchemaVersion(*db).Value());
  STRCMP_EQUAL("5\n", PostgresCluster::Shared()
                          .Sql("SELECT COUNT(*) FROM schema_migrations", options.conninfo)
                          .c_str());
}

TEST(PostgresStore, AServerThatIsDownIsRetryableAndTheStoreReconnectsWhenItIsBack) {
  auto& cluster = PostgresCluster::Shared();
  postgres::Options options;
  options.conninfo = cluster.FreshSchema();
  auto db = OpenOrFail(options);
  auto dossiers = postgres::DossiersOn(db);
  bool created = false;
  CHECK(dossiers->Admit(Dossier("before"), created).HasValue());

  cluster.Stop();
  auto refused = dossiers->Admit(Dossier("during"), created);
  auto looked = dossiers->FindById("before");
  cluster.Start();

  CHECK_FALSE(refused.HasValue());
  CHECK(refused.GetError().Class() == kiosk::core::ErrorClass::kRetryable);
  STRCMP_EQUAL("store.unavailable", refused.GetError().Code().c_str());
  CHECK_FALSE(looked.HasValue());
  STRCMP_EQUAL("store.unavailable", looked.GetError().Code().c_str());
  // The same store, the server back: new connections, nothing lost.
  auto after = dossiers->Admit(Dossier("during"), created);
  CHECK_TEXT(after.HasValue(), after ? "" : after.GetError().ToString().c_str());
  CHECK(created);
  STRCMP_EQUAL("000.17.22.H56-261207-0002", after->code.c_str());
  CHECK(dossiers->FindById("before").Value().has_value());
}

TEST(PostgresStore, NoServerOrNoConnectionStringIsAClearError) {
  postgres::Options options;
  auto none = postgres::Open(options);
  STRCMP_EQUAL("store.config", none.GetError().Code().c_str());
  options.conninfo = "host=/nonexistent/socket/dir dbname=kiosk user=kiosk";
  auto absent = postgres::Open(options);
  CHECK(absent.GetError().Class() == kiosk::core::ErrorClass::kRetryable);
  STRCMP_EQUAL("store.unavailable", absent.GetError().Code().c_str());
  STRCMP_CONTAINS("/nonexistent/socket/dir", absent.GetError().Message().c_str());
}

// Every connection of the pool waits on a lock another client holds: a
// further call is told "store.busy" once its wait runs out, instead of
// opening connections without bound; the held call completes after.
TEST(PostgresStore, APoolWithEveryConnectionInUseAnswersBusy) {
  auto& cluster = PostgresCluster::Shared();
  postgres::Options options;
  std::string schema;
  options.conninfo = cluster.FreshSchema(&schema);
  options.pool_size = 1;
  options.acquire_timeout = std::chrono::milliseconds(300);
  auto db = OpenOrFail(options);
  auto dossiers = postgres::DossiersOn(db);
  std::thread holder([&] {
    cluster.Sql("BEGIN; LOCK TABLE sequences IN EXCLUSIVE MODE; SELECT pg_sleep(4); COMMIT;",
                options.conninfo);
  });
  CHECK(
      WaitFor("SELECT COUNT(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
              "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '" +
                  schema + "' AND c.relname = 'sequences' AND l.granted",
              "1"));
  kiosk::core::Expected<StoredDossier> held = kiosk::core::Error::Fatal("unset", "");
  std::thread admitting([&] {
    bool created = false;
    held = dossiers->Admit(Dossier("held"), created);
  });
  CHECK(
      WaitFor("SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = 'kiosk-gateway' "
              "AND wait_event_type = 'Lock'",
              "1"));
  auto busy = dossiers->FindById("held");
  admitting.join();
  holder.join();
  CHECK_FALSE(busy.HasValue());
  STRCMP_EQUAL("store.busy", busy.GetError().Code().c_str());
  CHECK_TEXT(held.HasValue(), held ? "" : held.GetError().ToString().c_str());
  CHECK(dossiers->FindById("held").Value().has_value());
}

// Two replicas draw on the same token buckets and count the same wrong
// tries: a guesser spread over them gains nothing.
TEST(PostgresStore, ReplicasShareTheBucketsAndTheWrongTries) {
  postgres::Options options;
  options.conninfo = PostgresCluster::Shared().FreshSchema();
  auto a = postgres::LimitsOn(OpenOrFail(options));
  auto b = postgres::LimitsOn(OpenOrFail(options));
  // A bucket of 3, one more a second.
  CHECK(a->TakeToken("k", 3, 1000, 10'000).Value());
  CHECK(b->TakeToken("k", 3, 1000, 10'000).Value());
  CHECK(a->TakeToken("k", 3, 1000, 10'100).Value());
  CHECK_FALSE(b->TakeToken("k", 3, 1000, 10'200).Value());
  CHECK(b->TakeToken("k", 3, 1000, 11'200).Value());  // refilled by one
  CHECK_FALSE(a->TakeToken("k", 3, 1000, 11'300).Value());
  CHECK(a->TakeToken("other", 3, 1000, 11'300).Value());

  LONGS_EQUAL(1, a->AddFailure("f").Value());
  LONGS_EQUAL(2, b->AddFailure("f").Value());
  CHECK(a->SetNextTry("f", 99'000).HasValue());
  LONGS_EQUAL(99'000, b->NextTry("f").Value());
  CHECK(b->ClearFailures("f").HasValue());
  LONGS_EQUAL(0, a->NextTry("f").Value());
  LONGS_EQUAL(1, a->AddFailure("f").Value());

  // As the dashboard and the look-ups use them.
  const auto& clock = kiosk::core::SystemClock();
  LoginThrottle first(clock), second(clock);
  first.Share(a.get());
  second.Share(b.get());
  bool locked = false;
  for (int i = 0; i < LoginThrottle::kLockAfter; ++i) {
    locked = (i % 2 == 0 ? first : second).Failed("operator", "203.0.113.7");
  }
  CHECK(locked);  // the tenth wrong password, counted across both
  CHECK(first.WaitBeforeTry("operator", "198.51.100.1") > 0);
  CHECK(second.WaitBeforeTry("", "203.0.113.7") > 0);
  second.Succeeded("operator", "203.0.113.7");
  LONGS_EQUAL(0, first.WaitBeforeTry("operator", "203.0.113.7"));

  RateLimiter here(clock, 2, std::chrono::minutes(1)), there(clock, 2, std::chrono::minutes(1));
  here.Share(a.get(), "lookup-code:");
  there.Share(b.get(), "lookup-code:");
  CHECK(here.Allow("000.17.22.H56-261207-0001"));
  CHECK(there.Allow("000.17.22.H56-261207-0001"));
  CHECK_FALSE(here.Allow("000.17.22.H56-261207-0001"));
  CHECK_FALSE(there.Allow("000.17.22.H56-261207-0001"));
}
