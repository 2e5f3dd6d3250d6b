#include "test_prelude.h"

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include "kiosk/core/error.h"

using kiosk::core::Error;
using kiosk::core::ErrorClass;
using kiosk::core::Expected;
using kiosk::core::Status;

namespace {

Expected<int> ParsePositive(int v) {
  if (v <= 0) return Error::NeedsPerson("test.not_positive", "value must be positive");
  return v;
}

Expected<int> Doubled(int v) {
  KIOSK_ASSIGN_OR_RETURN(const int parsed, ParsePositive(v));
  return parsed * 2;
}

Status Check(int v) {
  KIOSK_TRY(ParsePositive(v).WithContext("checking the input"));
  return kiosk::core::Ok();
}

}  // namespace

TEST_GROUP(Error){};

TEST(Error, ValueIsReturned) {
  auto r = ParsePositive(3);
  CHECK_TRUE(r.HasValue());
  LONGS_EQUAL(3, *r);
}

TEST(Error, ErrorCarriesCodeMessageAndClass) {
  auto r = ParsePositive(-1);
  CHECK_FALSE(r.HasValue());
  STRCMP_EQUAL("test.not_positive", r.GetError().Code().c_str());
  STRCMP_EQUAL("value must be positive", r.GetError().Message().c_str());
  CHECK(r.GetError().Class() == ErrorClass::kNeedsPerson);
}

TEST(Error, ContextChainReadsOutermostFirst) {
  Error e = Error::Retryable("net.down", "no route");
  e.WithContext("uploading").WithContext("draining outbox");
  LONGS_EQUAL(2, e.Context().size());
  STRCMP_EQUAL("draining outbox: uploading: net.down: no route [retryable]", e.ToString().c_str());
}

TEST(Error, AssignOrReturnPropagatesTheError) {
  LONGS_EQUAL(8, *Doubled(4));
  auto r = Doubled(0);
  CHECK_FALSE(r.HasValue());
  STRCMP_EQUAL("test.not_positive", r.GetError().Code().c_str());
}

TEST(Error, TryAddsContextAndPropagates) {
  CHECK_TRUE(Check(1).HasValue());
  Status s = Check(-5);
  CHECK_FALSE(s.HasValue());
  STRCMP_EQUAL("checking the input: test.not_positive: value must be positive [needs-person]",
               s.GetError().ToString().c_str());
}

TEST(Error, WithContextLeavesValuesAlone) {
  auto r = ParsePositive(2).WithContext("ignored");
  LONGS_EQUAL(2, *r);
}

TEST(Error, FatalAndRetryableClassesAreNamed) {
  STRCMP_EQUAL("fatal", kiosk::core::ToString(Error::Fatal("a", "b").Class()));
  STRCMP_EQUAL("retryable", kiosk::core::ToString(Error::Retryable("a", "b").Class()));
}

TEST(Error, MoveOnlyValuesAreSupported) {
  auto make = []() -> Expected<std::unique_ptr<int>> { return std::make_unique<int>(7); };
  auto r = make();
  std::unique_ptr<int> p = std::move(r).Value();
  LONGS_EQUAL(7, *p);
}

TEST(Error, ValueOrGivesFallbackOnError) {
  LONGS_EQUAL(5, ParsePositive(-1).ValueOr(5));
  LONGS_EQUAL(9, ParsePositive(9).ValueOr(5));
}

// Accessing the value of an error is a bug and must stop the program.
TEST(Error, ValueOfAnErrorAborts) {
  fflush(stdout);
  const pid_t pid = fork();
  if (pid == 0) {
    freopen("/dev/null", "w", stderr);
    auto r = ParsePositive(-1);
    int v = *r;
    _exit(v == 0 ? 10 : 11);  // not reached
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CHECK_TRUE(WIFSIGNALED(status));
  LONGS_EQUAL(SIGABRT, WTERMSIG(status));
}
