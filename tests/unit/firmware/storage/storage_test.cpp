// SQLite opened and migrated one way (firmware/storage): numbered steps, each
// run once even when two processes open the same file at once, a failed step
// leaving the version where it was, and a read-only look that changes nothing.
#include "test_prelude.h"

#include <atomic>
#include <mutex>
#include <thread>

#include "kiosk/storage/sqlite.h"

namespace core = kiosk::core;
using kiosk::storage::Database;
using kiosk::storage::Statement;

namespace {

constexpr const char* kSteps[] = {
    "CREATE TABLE visits (n INTEGER)",
    "INSERT INTO visits (n) VALUES (1)",
    "ALTER TABLE visits ADD COLUMN at TEXT",
};

std::int64_t Count(const Database& db, const char* sql) {
  Statement st(db.Handle(), sql);
  auto row = st.Step();
  return row && *row ? st.Int(0) : -1;
}

}  // namespace

TEST_GROUP(Storage) { kiosk::test::TempDir dir; };

TEST(Storage, TwoConnectionsMigratingAtOnceRunEachStepOnce) {
  kiosk::test::StopTrackingAllocations();  // two threads allocate at once
  for (int round = 0; round < 20; ++round) {
    const auto file = dir.Path() / ("shared-" + std::to_string(round) + ".db");
    std::atomic<int> ready{0};
    std::atomic<int> failed{0};
    std::string why;  // written by the one that fails, read after both joined
    std::mutex why_mutex;
    auto migrate = [&] {
      auto db = Database::Open(file);
      ++ready;
      while (ready < 2) std::this_thread::yield();
      auto done = db ? db->Migrate(kSteps) : core::Status(db.GetError());
      if (!done) {
        ++failed;
        std::lock_guard lock(why_mutex);
        why = done.GetError().ToString();
      }
    };
    std::thread a(migrate), b(migrate);
    a.join();
    b.join();
    LONGS_EQUAL_TEXT(0, failed.load(), why.c_str());
    auto db = Database::Open(file).Value();
    LONGS_EQUAL(3, db.UserVersion().Value());
    LONGS_EQUAL(1, Count(db, "SELECT count(*) FROM visits"));
  }
  kiosk::test::ResumeTrackingAllocations();
}

TEST(Storage, AFailedStepLeavesTheVersionWhereItWas) {
  auto db = Database::Open(dir.Path() / "a.db").Value();
  const char* broken[] = {kSteps[0], "INSERT INTO nowhere VALUES (1)"};
  CHECK_FALSE(db.Migrate(broken).HasValue());
  LONGS_EQUAL(1, db.UserVersion().Value());
  // The connection is usable, and the fixed step runs.
  CHECK(db.Migrate(kSteps).HasValue());
  LONGS_EQUAL(3, db.UserVersion().Value());
  // A program older than its database stops rather than guessing.
  const char* older[] = {kSteps[0]};
  STRCMP_EQUAL("store.too_new", db.Migrate(older).GetError().Code().c_str());
}

TEST(Storage, AReadOnlyLookChangesNothing) {
  STRCMP_EQUAL("sqlite.absent",
               Database::OpenReadOnly(dir.Path() / "none.db").GetError().Code().c_str());
  CHECK_FALSE(std::filesystem::exists(dir.Path() / "none.db"));
  {
    auto db = Database::Open(dir.Path() / "b.db").Value();
    CHECK(db.Migrate(kSteps).HasValue());
  }
  auto look = Database::OpenReadOnly(dir.Path() / "b.db").Value();
  LONGS_EQUAL(1, Count(look, "SELECT count(*) FROM visits"));
  CHECK_FALSE(look.Exec("INSERT INTO visits (n) VALUES (2)").HasValue());
}

namespace {

// Statements the connection holds prepared now (in use or cached).
int PreparedStatements(const Database& db) {
  int n = 0;
  for (auto* st = sqlite3_next_stmt(db.Handle(), nullptr); st != nullptr;
       st = sqlite3_next_stmt(db.Handle(), st)) {
    ++n;
  }
  return n;
}

}  // namespace

TEST(Storage, ACachedStatementIsPreparedOnceAndStartsAfreshEachTime) {
  auto db = Database::Open(dir.Path() / "cache.db").Value();
  CHECK(db.Exec("CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), (2), (3), (4), (5)")
            .HasValue());
  const char* at_least = "SELECT n FROM t WHERE n >= ?1 ORDER BY n";
  {
    Statement st(db, at_least);
    st.Bind(1, std::int64_t{2});
    CHECK(st.Step().Value());
    LONGS_EQUAL(2, st.Int(0));  // left part-way through its rows
  }
  {
    Statement st(db, at_least);
    st.Bind(1, std::int64_t{4});
    CHECK(st.Step().Value());
    LONGS_EQUAL(4, st.Int(0));  // from the start, with the new value
  }
  {
    Statement st(db, at_least);  // no value bound: the last one was cleared
    CHECK_FALSE(st.Step().Value());
  }
  LONGS_EQUAL(1, PreparedStatements(db));

  // One text in use twice at once: each borrower has its own.
  int outer = 0, inner_total = 0;
  {
    Statement all(db, at_least);
    all.Bind(1, std::int64_t{1});
    while (all.Step().Value()) {
      ++outer;
      Statement again(db, at_least);
      again.Bind(1, all.Int(0));
      while (again.Step().Value()) ++inner_total;
    }
  }
  LONGS_EQUAL(5, outer);
  LONGS_EQUAL(5 + 4 + 3 + 2 + 1, inner_total);
  LONGS_EQUAL(2, PreparedStatements(db));

  // The table changed under a cached statement: SQLite prepares it again.
  CHECK(db.Exec("ALTER TABLE t ADD COLUMN note TEXT; INSERT INTO t (n) VALUES (9)").HasValue());
  Statement after(db, at_least);
  after.Bind(1, std::int64_t{6});
  CHECK(after.Step().Value());
  LONGS_EQUAL(9, after.Int(0));
}

TEST(Storage, TransactionsOnCachedStatementsCommitAndRollBack) {
  auto db = Database::Open(dir.Path() / "tx.db").Value();
  CHECK(db.Exec("CREATE TABLE t (n INTEGER)").HasValue());
  auto add = [&](std::int64_t n) -> core::Status {
    Statement st(db, "INSERT INTO t (n) VALUES (?1)");
    st.Bind(1, n);
    KIOSK_TRY(st.Step());
    return core::Ok();
  };
  for (int round = 0; round < 3; ++round) {
    CHECK(db.InTransaction([&] { return add(round); }).HasValue());
    CHECK_FALSE(db.InTransaction([&]() -> core::Status {
      KIOSK_TRY(add(100 + round));
      return core::Error::Retryable("test.undo", "rolled back");
    }));
  }
  LONGS_EQUAL(3, Count(db, "SELECT count(*) FROM t"));
  LONGS_EQUAL(0, Count(db, "SELECT count(*) FROM t WHERE n >= 100"));
  // A failed BEGIN (one open already) is an error, and the connection goes on.
  CHECK(db.Run("BEGIN IMMEDIATE").HasValue());
  CHECK_FALSE(db.Run("BEGIN IMMEDIATE").HasValue());
  CHECK(db.Run("ROLLBACK").HasValue());
  CHECK(db.InTransaction([&] { return add(7); }).HasValue());
  LONGS_EQUAL(4, Count(db, "SELECT count(*) FROM t"));
}
