// The connection pool and statements of the PostgreSQL stores.

#include "database.h"

#include <cstdlib>
#include <cstring>

namespace kiosk::gateway::postgres {

using core::Error;
using core::Expected;
using core::Status;

namespace {

// SQLSTATEs after which the same call may succeed later.
bool Unavailable(std::string_view state) {
  return state.substr(0, 2) == "08" ||                              // connection exception
         state.substr(0, 2) == "53" ||                              // insufficient resources
         state == "57P01" || state == "57P02" || state == "57P03";  // shutdown, starting up
}
bool Conflict(std::string_view state) {
  return state == "40001" || state == "40P01" || state == "23505";
}

std::string Trimmed(const char* message) {
  std::string text = message != nullptr ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

Error PostgresError(const char* what, PGconn* connection, const PGresult* result) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state != nullptr ? state : "";
  std::string message =
      std::string(what) + ": " +
      Trimmed(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(connection));
  if (!sqlstate.empty()) message += " (SQLSTATE " + sqlstate + ")";
  if (sqlstate.empty() || PQstatus(connection) != CONNECTION_OK || Unavailable(sqlstate)) {
    return Error::Retryable("store.unavailable", message);
  }
  if (Conflict(sqlstate)) return Error::Retryable("store.conflict", message);
  return Error::Fatal("store.query", message);
}

std::string Result::Text(int row, int column) const {
  return {PQgetvalue(result_.get(), row, column),
          static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
}

std::int64_t Result::Int(int row, int column) const {
  if (PQgetisnull(result_.get(), row, column) != 0) return 0;
  return std::strtoll(PQgetvalue(result_.get(), row, column), nullptr, 10);
}

bool Result::Bool(int row, int column) const {
  return PQgetvalue(result_.get(), row, column)[0] == 't';
}

std::int64_t Result::Affected() const {
  return std::strtoll(PQcmdTuples(result_.get()), nullptr, 10);
}

Session::~Session() { PQfinish(connection_); }

Expected<Result> Session::Exec(const Query& query, std::initializer_list<Arg> args) {
  if (prepared_.count(query.name) == 0) {
    Result prepared(PQprepare(connection_, query.name, query.sql, 0, nullptr));
    if (PQresultStatus(prepared.Raw()) != PGRES_COMMAND_OK) {
      return PostgresError(query.name, connection_, prepared.Raw());
    }
    prepared_.insert(query.name);
  }
  std::vector<const char*> values;
  values.reserve(args.size());
  for (const auto& arg : args) values.push_back(arg.Text().c_str());
  Result result(PQexecPrepared(connection_, query.name, static_cast<int>(values.size()),
                               values.data(), nullptr, nullptr, 0));
  const auto status = PQresultStatus(result.Raw());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return PostgresError(query.name, connection_, result.Raw());
  }
  return result;
}

Status Session::Plain(const char* sql) {
  Result result(PQexec(connection_, sql));
  const auto status = PQresultStatus(result.Raw());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return PostgresError(sql, connection_, result.Raw());
  }
  return core::Ok();
}

Database::~Database() = default;

Expected<std::unique_ptr<Session>> Database::Connect() const {
  const std::string timeout = std::to_string(options_.connect_timeout_s);
  // The caller's conninfo (expanded from "dbname") overrides the defaults
  // before it.
  const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {timeout.c_str(), "kiosk-gateway", options_.conninfo.c_str(), nullptr};
  PGconn* connection = PQconnectdbParams(keys, values, 1);
  auto session = std::make_unique<Session>(connection);
  if (connection == nullptr || PQstatus(connection) != CONNECTION_OK) {
    return Error::Retryable("store.unavailable",
                            "cannot connect to PostgreSQL: " + Trimmed(PQerrorMessage(connection)));
  }
  // The server's notices ("already exists, skipping") are not errors and
  // not the journal's business.
  PQsetNoticeProcessor(
      connection, [](void*, const char*) {}, nullptr);
  // A statement that hangs holds a connection of a bounded pool.
  KIOSK_TRY(session->Plain("SET statement_timeout = 30000"));
  return session;
}

Expected<std::unique_ptr<Session>> Database::Lease() {
  const auto deadline = std::chrono::steady_clock::now() + options_.acquire_timeout;
  std::unique_lock lock(mutex_);
  for (;;) {
    if (!idle_.empty()) {
      auto session = std::move(idle_.back());
      idle_.pop_back();
      lock.unlock();
      // A connection the server closed while it was idle (a restart, a
      // failover) reads as end of file here: dropped, not handed out.
      if (PQconsumeInput(session->Connection()) != 0 && session->Healthy()) return session;
      session.reset();
      lock.lock();
      --open_;
      continue;
    }
    if (open_ < options_.pool_size) {
      ++open_;
      lock.unlock();
      auto session = Connect();
      if (!session) {
        lock.lock();
        --open_;
        returned_.notify_one();
      }
      return session;
    }
    if (returned_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= options_.pool_size) {
      return Error::Retryable("store.busy", "every database connection is in use");
    }
  }
}

void Database::Return(std::unique_ptr<Session> session) {
  const bool keep =
      session->Healthy() && PQtransactionStatus(session->Connection()) == PQTRANS_IDLE;
  if (!keep) session.reset();
  {
    std::lock_guard lock(mutex_);
    if (keep) {
      idle_.push_back(std::move(session));
    } else {
      --open_;
    }
  }
  returned_.notify_one();
}

}  // namespace kiosk::gateway::postgres
