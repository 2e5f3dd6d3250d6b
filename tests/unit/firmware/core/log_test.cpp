#include "test_prelude.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "kiosk/core/clock.h"
#include "kiosk/core/log.h"

namespace klog = kiosk::core::log;
using kiosk::core::FakeClock;

namespace {

// What `write` sent to stderr, through a pipe for the duration of the call.
std::string CapturedStderr(const std::function<void()>& write) {
  int fds[2];
  CHECK_EQUAL(0, pipe(fds));
  const int saved = dup(STDERR_FILENO);
  dup2(fds[1], STDERR_FILENO);
  write();
  dup2(saved, STDERR_FILENO);
  close(saved);
  close(fds[1]);
  char buf[1024] = {};
  const ssize_t n = read(fds[0], buf, sizeof buf - 1);
  close(fds[0]);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

}  // namespace

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
  klog::StderrSink sink;
  const std::string written = CapturedStderr([&] {
    sink.Write({clock.Now(), klog::Level::kError, "printer.paper_out", {{"job", 7}}});
  });
  STRCMP_EQUAL("2023-11-14T22:13:20.000Z ERROR printer.paper_out job=7\n", written.c_str());
}

namespace {

// A stand-in for journald: a datagram socket bound in a temp dir.
class FakeJournald {
 public:
  explicit FakeJournald(const std::filesystem::path& path) : path_(path.string()) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
    CHECK_EQUAL(0, bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr));
  }
  ~FakeJournald() { close(fd_); }
  FakeJournald(const FakeJournald&) = delete;
  FakeJournald& operator=(const FakeJournald&) = delete;

  std::string Receive() {
    char buf[4096];
    const ssize_t n = recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  }
  const std::string& Path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace

TEST(Log, JournalEntryUsesTheNativeProtocol) {
  kiosk::test::TempDir dir;
  FakeJournald journald(dir.Path() / "socket");
  klog::JournalSink sink("kiosk-agent", journald.Path());
  sink.Write(
      {clock.Now(), klog::Level::kWarn, "upload.retry", {{"attempt", 3}, {"dossier", "0190"}}});
  STRCMP_EQUAL(
      "MESSAGE=WARN upload.retry attempt=3 dossier=0190\n"
      "PRIORITY=4\n"
      "SYSLOG_IDENTIFIER=kiosk-agent\n"
      "KIOSK_EVENT=upload.retry\n"
      "ATTEMPT=3\n"
      "DOSSIER=0190\n",
      journald.Receive().c_str());
}

TEST(Log, JournalValuesWithNewlinesAreLengthPrefixed) {
  klog::Record r{clock.Now(), klog::Level::kInfo, "e", {{"note", "a\nb"}}};
  const std::string entry = klog::EncodeJournalEntry(r, "x");
  const std::string expected_tail =
      std::string("NOTE\n") + std::string("\x03\0\0\0\0\0\0\0", 8) + "a\nb\n";
  CHECK(entry.size() > expected_tail.size());
  CHECK(entry.compare(entry.size() - expected_tail.size(), expected_tail.size(), expected_tail) ==
        0);
}

TEST(Log, JournalSinkFallsBackToStderrWhenJournaldIsAbsent) {
  kiosk::test::TempDir dir;
  klog::JournalSink sink("kiosk-app", (dir.Path() / "no-such-socket").string());
  const std::string written = CapturedStderr([&] {
    sink.Write({clock.Now(), klog::Level::kInfo, "journey.start", {}});
  });
  STRCMP_EQUAL("2023-11-14T22:13:20.000Z INFO journey.start\n", written.c_str());
}
