#pragma once

// What the PostgreSQL stores share: a bounded pool of libpq connections,
// statements prepared once per connection under their name, and
// transactions retried when PostgreSQL asks (a serialization failure, a
// deadlock, or a row another replica inserted first).
//
// Errors: a server that cannot be reached, is shutting down or is starting
// up, and a pool with no free connection in time are Retryable
// ("store.unavailable", "store.busy"): the desks answer 503 and the kiosk
// tries again. Anything else is Fatal ("store.query") with PostgreSQL's
// message and SQLSTATE.

#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "kiosk/core/error.h"
#include "kiosk/gateway/store/postgres.h"

namespace kiosk::gateway::postgres {

// A statement prepared under `name` on each connection the first time it
// runs there. Names are unique across the stores.
struct Query {
  const char* name;
  const char* sql;
};

// One parameter, sent as text (PostgreSQL casts it to the column's type).
class Arg {
 public:
  Arg(std::string text) : text_(std::move(text)) {}  // NOLINT(google-explicit-constructor)
  Arg(const char* text) : text_(text) {}             // NOLINT(google-explicit-constructor)
  Arg(std::int64_t n) : text_(std::to_string(n)) {}  // NOLINT(google-explicit-constructor)
  Arg(int n) : text_(std::to_string(n)) {}           // NOLINT(google-explicit-constructor)
  const std::string& Text() const { return text_; }

 private:
  std::string text_;
};

// The rows one statement returned.
class Result {
 public:
  explicit Result(PGresult* result) : result_(result, PQclear) {}
  int Rows() const { return PQntuples(result_.get()); }
  std::string Text(int row, int column) const;
  // 0 for NULL.
  std::int64_t Int(int row, int column) const;
  // PostgreSQL's 't'.
  bool Bool(int row, int column) const;
  // Rows an INSERT, UPDATE or DELETE touched.
  std::int64_t Affected() const;
  const PGresult* Raw() const { return result_.get(); }

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> result_;
};

// One connection, leased from the pool for the length of a call.
class Session {
 public:
  explicit Session(PGconn* connection) : connection_(connection) {}
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  core::Expected<Result> Exec(const Query& query, std::initializer_list<Arg> args);
  // A statement with no parameters, not prepared (BEGIN, COMMIT, DDL).
  core::Status Plain(const char* sql);
  // False once the connection failed: the pool drops it.
  bool Healthy() const { return PQstatus(connection_) == CONNECTION_OK; }
  PGconn* Connection() const { return connection_; }

 private:
  PGconn* connection_;
  std::unordered_set<const char*> prepared_;
};

class Database {
 public:
  explicit Database(Options options) : options_(std::move(options)) {}
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs `body(Session&)` on a leased connection.
  template <typename F>
  auto Run(F&& body) -> decltype(body(std::declval<Session&>())) {
    auto lease = Lease();
    if (!lease) return lease.GetError();
    Leased held(*this, std::move(lease).Value());
    return body(*held.session);
  }

  // One statement on a leased connection (PostgreSQL commits it alone).
  core::Expected<Result> Exec(const Query& query, std::initializer_list<Arg> args) {
    return Run([&](Session& s) { return s.Exec(query, args); });
  }

  // Runs `body(Session&)` in a transaction: committed when it returns a
  // value, rolled back when it returns an error; run again (up to three
  // times) when PostgreSQL reports a conflict with another transaction.
  template <typename F>
  auto Transaction(F&& body) -> decltype(body(std::declval<Session&>())) {
    return Run([&](Session& s) -> decltype(body(s)) {
      for (int attempt = 1;; ++attempt) {
        KIOSK_TRY(s.Plain("BEGIN"));
        auto result = body(s);
        if (result) {
          const core::Status committed = s.Plain("COMMIT");
          if (committed) return result;
          if (!IsConflict(committed.GetError()) || attempt == kAttempts) {
            return committed.GetError();
          }
          continue;
        }
        (void)s.Plain("ROLLBACK");
        if (!IsConflict(result.GetError()) || attempt == kAttempts) return result;
      }
    });
  }

 private:
  static constexpr int kAttempts = 3;
  static bool IsConflict(const core::Error& e) { return e.Code() == "store.conflict"; }

  struct Leased {
    Leased(Database& db, std::unique_ptr<Session> s) : database(db), session(std::move(s)) {}
    ~Leased() { database.Return(std::move(session)); }
    Leased(const Leased&) = delete;
    Leased& operator=(const Leased&) = delete;
    Database& database;
    std::unique_ptr<Session> session;
  };

  core::Expected<std::unique_ptr<Session>> Lease();
  void Return(std::unique_ptr<Session> session);
  core::Expected<std::unique_ptr<Session>> Connect() const;

  const Options options_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Session>> idle_;
  int open_ = 0;  // leased and idle
};

// An error from libpq as the stores report it (see the file comment).
core::Error PostgresError(const char* what, PGconn* connection, const PGresult* result);

// Rows read one by one into records.
template <typename Row, typename Read>
std::vector<Row> Each(const Result& r, Read read) {
  std::vector<Row> out;
  out.reserve(static_cast<std::size_t>(r.Rows()));
  for (int i = 0; i < r.Rows(); ++i) out.push_back(read(r, i));
  return out;
}

// The first row, or nullopt.
template <typename Row, typename Read>
std::optional<Row> First(const Result& r, Read read) {
  if (r.Rows() == 0) return std::nullopt;
  return read(r, 0);
}

// The fleet's stores over one database (fleet.cpp hands them out).
std::unique_ptr<DeviceStore> NewDeviceStore(std::shared_ptr<Database> db);
std::unique_ptr<CommandStore> NewCommandStore(std::shared_ptr<Database> db);
std::unique_ptr<OperatorStore> NewOperatorStore(std::shared_ptr<Database> db);
std::unique_ptr<EventStore> NewEventStore(std::shared_ptr<Database> db);
std::unique_ptr<HelpStore> NewHelpStore(std::shared_ptr<Database> db);

}  // namespace kiosk::gateway::postgres
