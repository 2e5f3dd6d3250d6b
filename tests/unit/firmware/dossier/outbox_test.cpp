#include "test_prelude.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kiosk/core/log.h"
#include "kiosk/dossier/outbox.h"
#include "kiosk/dossier/package.h"
#include "sample_dossier.h"

using namespace kiosk::dossier;  // NOLINT(google-build-using-namespace): test file
using kiosk::core::FakeClock;
using kiosk::test::TempDir;

TEST_GROUP(Outbox) {
  kiosk::core::log::ScopedCapture capture;
  FakeClock clock;
  kiosk::core::DeterministicRandom random{9};
  kiosk::core::UuidV7Generator ids{clock, random};
  TempDir dir;
  std::optional<kiosk::core::PrivateKey> device_key;
  kiosk::core::SecretBytes storage_key;

  void setup() override {
    device_key.emplace(*kiosk::core::PrivateKey::GenerateP256(random));
    storage_key = *LoadOrCreateStorageKey(dir.Path() / "storage.key", random);
  }

  Outbox OpenOutbox() {
    auto outbox = Outbox::Open(dir.Path() / "outbox", clock);
    if (!outbox) FAIL(outbox.GetError().ToString().c_str());
    return std::move(outbox).Value();
  }

  Dossier NewDossier(std::size_t attachment_bytes = 3000) {
    return NewDossierWith(ids, attachment_bytes);
  }
  Dossier NewDossierWith(kiosk::core::UuidV7Generator & generator, std::size_t attachment_bytes) {
    Dossier d = kiosk::test::SampleDossier(generator, clock);
    d.attachments[0].source = dir.Path() / (d.id.ToString() + ".pdf");
    std::ofstream(d.attachments[0].source) << std::string(attachment_bytes, 'x');
    return d;
  }

  OutboxEntry SealOne(Outbox & outbox) {
    Dossier d = NewDossier();
    auto e = outbox.Seal(d, *device_key, "QNM-TAMKY-0001", storage_key, random);
    if (!e) FAIL(e.GetError().ToString().c_str());
    return *e;
  }
};

TEST(Outbox, SealedDossierIsQueuedWithItsPackageOnDisk) {
  Outbox outbox = OpenOutbox();
  const OutboxEntry e = SealOne(outbox);
  CHECK(e.state == OutboxState::kQueued);
  CHECK_TRUE(std::filesystem::exists(e.package));
  CHECK(e.package_size == std::filesystem::file_size(e.package));
  STRCMP_EQUAL("1.001612", e.procedure_code.c_str());
  CHECK_TRUE(PackageReader::Open(e.package, storage_key).HasValue());
}

// kiosk-app seals and kiosk-agent uploads: two users of group kiosk, each
// with umask 0007. Everything the outbox makes is the group's to share.
TEST(Outbox, TheKiosksGroupSharesEverythingItMakes) {
  const mode_t old = ::umask(0007);
  {
    Outbox outbox = OpenOutbox();
    const OutboxEntry e = SealOne(outbox);
    struct stat st {};
    for (const auto& file : {dir.Path() / "outbox/outbox.db", dir.Path() / "outbox/outbox.db-wal",
                             dir.Path() / "outbox/outbox.db-shm"}) {
      CHECK_EQUAL_TEXT(0, ::stat(file.c_str(), &st), file.c_str());
      LONGS_EQUAL_TEXT(0660, st.st_mode & 0777, file.c_str());
    }
    CHECK_EQUAL(0, ::stat(e.package.c_str(), &st));
    LONGS_EQUAL(0640, st.st_mode & 0777);  // sealed: the agent reads it
  }
  ::umask(old);
}

TEST(Outbox, SealingTheSameDossierTwiceIsRefused) {
  Outbox outbox = OpenOutbox();
  Dossier d = NewDossier();
  CHECK_TRUE(outbox.Seal(d, *device_key, "k", storage_key, random).HasValue());
  auto again = outbox.Seal(d, *device_key, "k", storage_key, random);
  STRCMP_EQUAL("outbox.duplicate", again.GetError().Code().c_str());
  CHECK_TRUE(std::filesystem::exists(outbox.Get(d.id)->package));
}

TEST(Outbox, LogsCarryNoPersonalData) {
  Outbox outbox = OpenOutbox();
  SealOne(outbox);
  const auto records = capture.Records();
  CHECK(!records.empty());
  for (const auto& r : records) {
    const std::string line = kiosk::core::log::FormatLine(r);
    CHECK_TEXT(line.find("Nguyễn") == std::string::npos, line.c_str());
    CHECK_TEXT(line.find("049090100001") == std::string::npos, line.c_str());
  }
}

TEST(Outbox, DatabaseIsInWalModeWithFullSync) {
  OpenOutbox();
  sqlite3* db = nullptr;
  CHECK_EQUAL(SQLITE_OK, sqlite3_open((dir.Path() / "outbox" / "outbox.db").c_str(), &db));
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr);
  CHECK_EQUAL(SQLITE_ROW, sqlite3_step(st));
  STRCMP_EQUAL("wal", reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST(Outbox, DossierGoesQueuedUploadingAcknowledgedPurged) {
  Outbox outbox = OpenOutbox();
  const OutboxEntry sealed = SealOne(outbox);
  auto taken = outbox.TakeNextDue();
  CHECK_TRUE(taken->has_value());
  CHECK((*taken)->id == sealed.id);
  CHECK((*taken)->state == OutboxState::kUploading);
  LONGS_EQUAL(1, (*taken)->attempts);
  CHECK_FALSE(outbox.TakeNextDue()->has_value());  // nothing else due

  CHECK_TRUE(outbox.MarkAcknowledged(sealed.id, "000.17.22.H56-231114-0001").HasValue());
  auto code = outbox.WaitForCode(sealed.id, std::chrono::milliseconds(0));
  STRCMP_EQUAL("000.17.22.H56-231114-0001", (*code)->c_str());

  CHECK_TRUE(outbox.Purge(sealed.id).HasValue());
  auto purged = outbox.Get(sealed.id);
  CHECK(purged->state == OutboxState::kPurged);
  STRCMP_EQUAL("000.17.22.H56-231114-0001", purged->dossier_code.c_str());
  CHECK_FALSE(std::filesystem::exists(sealed.package));
}

TEST(Outbox, AcknowledgedButNotPurgedIsPurgedLater) {
  Outbox outbox = OpenOutbox();
  const OutboxEntry sealed = SealOne(outbox);
  CHECK_TRUE(outbox.TakeNextDue()->has_value());
  CHECK_TRUE(outbox.MarkAcknowledged(sealed.id, "000.17.22.H56-231114-0009").HasValue());
  // The agent dies here. After a restart:
  Outbox reopened = OpenOutbox();
  LONGS_EQUAL(1, *reopened.PurgeAcknowledged());
  CHECK(reopened.Get(sealed.id)->state == OutboxState::kPurged);
  CHECK_FALSE(std::filesystem::exists(sealed.package));
  LONGS_EQUAL(0, *reopened.PurgeAcknowledged());
}

TEST(Outbox, RetryWaitsForItsTime) {
  Outbox outbox = OpenOutbox();
  const OutboxEntry sealed = SealOne(outbox);
  CHECK_TRUE(outbox.TakeNextDue()->has_value());
  CHECK_TRUE(
      outbox.MarkRetry(sealed.id, "gateway unreachable", clock.Now() + std::chrono::seconds(30))
          .HasValue());
  CHECK_FALSE(outbox.TakeNextDue()->has_value());
  clock.Advance(std::chrono::seconds(31));
  auto again = outbox.TakeNextDue();
  CHECK_TRUE(again->has_value());
  LONGS_EQUAL(2, (*again)->attempts);
  STRCMP_EQUAL("gateway unreachable", (*again)->last_error.c_str());
}

TEST(Outbox, OldestDossierGoesFirst) {
  Outbox outbox = OpenOutbox();
  const OutboxEntry first = SealOne(outbox);
  clock.Advance(std::chrono::milliseconds(5));
  SealOne(outbox);
  CHECK((*outbox.TakeNextDue())->id == first.id);
}

TEST(Outbox, QuarantinedDossierIsReportedToTheApp) {
  Outbox outbox = OpenOutbox();
  const OutboxEntry sealed = SealOne(outbox);
  CHECK_TRUE(outbox.TakeNextDue()->has_value());
  CHECK_TRUE(outbox.MarkQuarantined(sealed.id, "gateway.bad_signature").HasValue());
  auto waited = outbox.WaitForCode(sealed.id, std::chrono::milliseconds(0));
  STRCMP_EQUAL("outbox.quarantined", waited.GetError().Code().c_str());
  CHECK_FALSE(outbox.TakeNextDue()->has_value());
}

TEST(Outbox, WaitForCodeGivesUpAtTheDeadline) {
  Outbox outbox = OpenOutbox();
  const OutboxEntry sealed = SealOne(outbox);
  auto code = outbox.WaitForCode(sealed.id, std::chrono::milliseconds(60));
  CHECK_TRUE(code.HasValue());
  CHECK_FALSE(code->has_value());
}

TEST(Outbox, IllegalTransitionsAreRefused) {
  Outbox outbox = OpenOutbox();
  const OutboxEntry sealed = SealOne(outbox);
  STRCMP_EQUAL("outbox.bad_transition", outbox.Purge(sealed.id).GetError().Code().c_str());
  STRCMP_EQUAL("outbox.bad_transition",
               outbox.MarkRetry(sealed.id, "x", clock.Now()).GetError().Code().c_str());
}

TEST(Outbox, RestartRequeuesUploadsInFlightAndDropsOrphans) {
  OutboxEntry in_flight;
  {
    Outbox outbox = OpenOutbox();
    in_flight = SealOne(outbox);
    CHECK_TRUE(outbox.TakeNextDue()->has_value());
  }
  // Leftovers of a crash mid-seal: a temporary file and an unrecorded package.
  const auto packages = dir.Path() / "outbox" / "packages";
  std::ofstream(packages / "half.kpkg.tmp") << "partial";
  const auto orphan = packages / (ids.Next()->ToString() + ".kpkg");
  std::ofstream(orphan) << "never recorded";
  // Being sealed right now by another process, which holds the lock.
  const std::string busy_id = ids.Next()->ToString();
  const auto sealing = packages / (busy_id + ".kpkg");
  std::ofstream(sealing) << "about to be recorded";
  std::ofstream(packages / (busy_id + ".sealing"));
  int pipe_fds[2];
  CHECK_EQUAL(0, pipe(pipe_fds));
  const pid_t sealer = fork();
  if (sealer == 0) {
    const int fd = open((packages / (busy_id + ".sealing")).c_str(), O_RDWR);
    flock(fd, LOCK_EX);
    (void)!write(pipe_fds[1], "L", 1);
    pause();
    _exit(0);
  }
  char ready = 0;
  CHECK_EQUAL(1, read(pipe_fds[0], &ready, 1));

  Outbox reopened = OpenOutbox();
  CHECK(reopened.Get(in_flight.id)->state == OutboxState::kQueued);
  CHECK_FALSE(std::filesystem::exists(packages / "half.kpkg.tmp"));
  CHECK_FALSE(std::filesystem::exists(orphan));
  CHECK_TRUE(std::filesystem::exists(in_flight.package));
  CHECK_TRUE(std::filesystem::exists(sealing));
  kill(sealer, SIGKILL);
  waitpid(sealer, nullptr, 0);
  close(pipe_fds[0]);
  close(pipe_fds[1]);
  // The sealer died without recording it: now it is an orphan.
  Outbox again = OpenOutbox();
  CHECK_FALSE(std::filesystem::exists(sealing));
  CHECK_FALSE(std::filesystem::exists(packages / (busy_id + ".sealing")));
}

// kill -9 at different moments of a seal: afterwards a dossier is either
// fully recorded with a readable package, or absent without a trace.
TEST(Outbox, KilledDuringSealLeavesNothingHalfDone) {
  for (int delay_us : {0, 300, 1000, 2000, 4000, 8000, 16000}) {
    const std::uint64_t seed = static_cast<std::uint64_t>(delay_us) + 1;
    const pid_t child = fork();
    if (child == 0) {
      kiosk::core::DeterministicRandom child_random(seed);
      kiosk::core::UuidV7Generator child_ids(clock, child_random);
      auto outbox = Outbox::Open(dir.Path() / "outbox", clock);
      for (int i = 0; i < 20 && outbox; ++i) {
        Dossier d = NewDossierWith(child_ids, 300'000);
        (void)outbox->Seal(d, *device_key, "k", storage_key, child_random);
      }
      _exit(0);
    }
    const timespec pause{0, static_cast<long>(delay_us) * 1000};
    nanosleep(&pause, nullptr);
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);

    Outbox outbox = OpenOutbox();
    for (const auto& entry :
         std::filesystem::directory_iterator(dir.Path() / "outbox" / "packages")) {
      auto id = kiosk::core::Uuid::Parse(entry.path().stem().string());
      CHECK_TRUE(id.HasValue());
      auto row = outbox.Get(*id);
      CHECK_TRUE_TEXT(row.HasValue(), "a package without its row survived the restart");
      CHECK_TRUE(PackageReader::Open(entry.path(), storage_key).HasValue());
    }
    auto counts = outbox.CountByState();
    const int queued = (*counts)[OutboxState::kQueued];
    int files = 0;
    for ([[maybe_unused]] const auto& entry :
         std::filesystem::directory_iterator(dir.Path() / "outbox" / "packages")) {
      ++files;
    }
    LONGS_EQUAL(queued, files);
  }
}

TEST(Outbox, AcknowledgementDetailsAreKeptAndFoundByCodeOrReference) {
  Outbox outbox = OpenOutbox();
  const OutboxEntry sealed = SealOne(outbox);
  CHECK_TRUE(outbox.TakeNextDue().HasValue());
  CHECK_TRUE(outbox.MarkAcknowledged(sealed.id, "000.17.22.H56-231114-0002", "K7QX", "2023-11-17")
                 .HasValue());
  auto ack = outbox.WaitForAcknowledgement(sealed.id, std::chrono::milliseconds(0));
  CHECK_TRUE(ack.HasValue() && ack->has_value());
  STRCMP_EQUAL("K7QX", (*ack)->lookup_secret.c_str());
  STRCMP_EQUAL("2023-11-17", (*ack)->appointment.c_str());

  auto by_code = outbox.FindByCode("000.17.22.h56-231114-0002");  // case does not matter
  CHECK_TRUE(by_code.HasValue() && by_code->has_value());
  CHECK((*by_code)->id == sealed.id);
  const std::string reference = LocalReference(sealed.id);
  LONGS_EQUAL(11, reference.size());
  auto by_reference = outbox.FindByReference(reference);
  CHECK_TRUE(by_reference.HasValue() && by_reference->has_value());
  CHECK((*by_reference)->id == sealed.id);
  CHECK_FALSE(outbox.FindByCode("000.17.22.H56-231114-0003")->has_value());
  CHECK_FALSE(outbox.FindByReference("KS-XYZ")->has_value());
  STRCMP_EQUAL("", LocalReferenceSuffix("KS-0000000G").c_str());
}

TEST(Outbox, AVersionOneDatabaseIsMigrated) {
  {
    Outbox outbox = OpenOutbox();
    SealOne(outbox);
  }
  // Turn the database back into version 1: no acknowledgement columns.
  sqlite3* db = nullptr;
  CHECK_EQUAL(SQLITE_OK, sqlite3_open((dir.Path() / "outbox" / "outbox.db").c_str(), &db));
  CHECK_EQUAL(SQLITE_OK, sqlite3_exec(db,
                                      "ALTER TABLE dossiers DROP COLUMN lookup_secret;"
                                      "ALTER TABLE dossiers DROP COLUMN appointment;"
                                      "PRAGMA user_version = 1;",
                                      nullptr, nullptr, nullptr));
  sqlite3_close(db);
  Outbox outbox = OpenOutbox();
  auto counts = outbox.CountByState();
  CHECK_TRUE(counts.HasValue());
  LONGS_EQUAL(1, (*counts)[OutboxState::kQueued]);
  auto next = outbox.TakeNextDue();
  CHECK_TRUE(outbox.MarkAcknowledged((*next)->id, "X-1", "AB12", "2023-11-20").HasValue());
  STRCMP_EQUAL("AB12", outbox.Get((*next)->id)->lookup_secret.c_str());
}
