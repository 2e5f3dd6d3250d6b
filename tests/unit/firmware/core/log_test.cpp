#include "test_prelude.h"

#include <sys/stat.h>
#include <unistd.h>

#include "kiosk/core/clock.h"
#include "kiosk/core/log.h"

namespace klog = kiosk::core::log;
using kiosk::core::FakeClock;

TEST_GROUP(Log) { FakeClock clock; };

TEST(Log, RecordsCarryEventLevelFieldsAndTime) {
  klog::ScopedCapture capture(klog::Level::kDebug, clock);
  klog::Info("outbox.sealed", {{"dossier", "0190abcd"}, {"bytes", 1234}, {"ok", true}});
  auto records = capture.Records();
  LONGS_EQUAL(1, records.size());
  STRCMP_EQUAL("outbox.sealed", records[0].event.c_str());
  CHECK(records[0].level == klog::Level::kInfo);
  CHECK(records[0].time == clock.Now());
  STRCMP_EQUAL("INFO outbox.sealed dossier=0190abcd bytes=1234 ok=true",
               klog::FormatLine(records[0]).c_str());
}

TEST(Log, RecordsBelowTheLevelAreDropped) {
  klog::ScopedCapture capture(klog::Level::kWarn, clock);
  klog::Debug("a");
  klog::Info("b");
  klog::Warn("c");
  klog::Error("d");
  auto records = capture.Records();
  LONGS_EQUAL(2, records.size());
  STRCMP_EQUAL("c", records[0].event.c_str());
  STRCMP_EQUAL("d", records[1].event.c_str());
}

TEST(Log, ValuesThatWouldBreakTheLineAreQuotedAndEscaped) {
  klog::Record r{clock.Now(),
                 klog::Level::kWarn,
                 "x",
                 {{"path", "a b"}, {"evil", "1\nERROR y=2"}, {"empty", ""}, {"q", "say \"hi\""}}};
  STRCMP_EQUAL("WARN x path=\"a b\" evil=\"1\\nERROR y=2\" empty=\"\" q=\"say \\\"hi\\\"\"",
               klog::FormatLine(r).c_str());
}

TEST(Log, DurationsAreLoggedInMilliseconds) {
  klog::Record r{clock.Now(),
                 klog::Level::kInfo,
                 "card.read",
                 {{"took_ms", std::chrono::microseconds(2'500'000)}, {"ratio", 0.5}}};
  STRCMP_EQUAL("INFO card.read took_ms=2500 ratio=0.5", klog::FormatLine(r).c_str());
}

TEST(Log, ParseLevelAcceptsNamesAndRejectsOthers) {
  CHECK(*klog::ParseLevel("debug") == klog::Level::kDebug);
  CHECK(*klog::ParseLevel("warning") == klog::Level::kWarn);
  auto bad = klog::ParseLevel("verbose");
  CHECK_FALSE(bad.HasValue());
  STRCMP_EQUAL("log.bad_level", bad.GetError().Code().c_str());
}

TEST(Log, JournalFieldNamesAreUpperCaseAndSafe) {
  STRCMP_EQUAL("DOSSIER_ID", klog::JournalFieldName("dossier_id").c_str());
  STRCMP_EQUAL("TOOK_MS", klog::JournalFieldName("took.ms").c_str());
  STRCMP_EQUAL("SECRET", klog::JournalFieldName("_secret").c_str());
  STRCMP_EQUAL("F_9LIVES", klog::JournalFieldName("9lives").c_str());
  LONGS_EQUAL(64, klog::JournalFieldName(std::string(100, 'a')).size());
}

TEST(Log, JournalIsDetectedOnlyWhenStderrMatchesJournalStream) {
  struct stat st {};
  CHECK_EQUAL(0, fstat(STDERR_FILENO, &st));
  const char* saved = getenv("JOURNAL_STREAM");
  const std::string saved_value = saved ? saved : "";

  unsetenv("JOURNAL_STREAM");
  CHECK_FALSE(klog::StderrIsJournal());

  const std::string matching = std::to_string(static_cast<unsigned long long>(st.st_dev)) + ":" +
                               std::to_string(static_cast<unsigned long long>(st.st_ino));
  setenv("JOURNAL_STREAM", matching.c_str(), 1);
  CHECK_TRUE(klog::StderrIsJournal());

  // A stream inherited by a child whose stderr was redirected elsewhere.
  const std::string other = std::to_string(static_cast<unsigned long long>(st.st_dev)) + ":" +
                            std::to_string(static_cast<unsigned long long>(st.st_ino + 1));
  setenv("JOURNAL_STREAM", other.c_str(), 1);
  CHECK_FALSE(klog::StderrIsJournal());

  setenv("JOURNAL_STREAM", "garbage", 1);
  CHECK_FALSE(klog::StderrIsJournal());

  if (saved) {
    setenv("JOURNAL_STREAM", saved_value.c_str(), 1);
  } else {
    unsetenv("JOURNAL_STREAM");
  }
}

TEST(Log, ScopedCaptureRestoresThePreviousLogger) {
  klog::Logger* before = &klog::Default();
  {
    klog::ScopedCapture capture(klog::Level::kDebug, clock);
    CHECK(&klog::Default() != before);
  }
  CHECK(&klog::Default() == before);
}

TEST(Log, StderrSinkWritesOneTimestampedLine) {
  // Redirect stderr into a pipe for the duration of one write.
  int fds[2];
  CHECK_EQUAL(0, pipe(fds));
  const int saved = dup(STDERR_FILENO);
  dup2(fds[1], STDERR_FILENO);
  klog::StderrSink sink;
  sink.Write({clock.Now(), klog::Level::kError, "printer.paper_out", {{"job", 7}}});
  dup2(saved, STDERR_FILENO);
  close(saved);
  close(fds[1]);
  char buf[256] = {};
  const ssize_t n = read(fds[0], buf, sizeof buf - 1);
  close(fds[0]);
  CHECK(n > 0);
  STRCMP_EQUAL("2023-11-14T22:13:20.000Z ERROR printer.paper_out job=7\n", buf);
}
