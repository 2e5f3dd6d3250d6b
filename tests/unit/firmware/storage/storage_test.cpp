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
