#include <fcntl.h>
#include <unistd.h>

#include "kiosk/storage/sqlite.h"

#include <chrono>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace kiosk::storage {

using core::Error;

core::Status SqliteCall(int rc, const char* call, sqlite3* db) {
  if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW) return core::Ok();
  std::string message = std::string(sqlite3_errstr(rc)) + " (in " + call + ")";
  if (db != nullptr) message += ": " + std::string(sqlite3_errmsg(db));
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) return Error::Retryable("sqlite.busy", message);
  if (rc == SQLITE_FULL || rc == SQLITE_IOERR) return Error::Retryable("sqlite.io", message);
  if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB) return Error::Fatal("sqlite.corrupt", message);
  return Error::Fatal("sqlite.error", message);
}

struct Database::Cache {
  std::mutex mutex;
  // A text may be in use twice at once (one statement inside another's
  // loop): each borrower gets its own.
  std::unordered_map<std::string, std::vector<sqlite3_stmt*>> idle;
  ~Cache() {
    for (auto& [sql, statements] : idle) {
      for (auto* st : statements) sqlite3_finalize(st);
    }
  }
};

Statement::Statement(sqlite3* db, const char* sql) : db_(db) {
  rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
}

Statement::Statement(const Database& db, const char* sql) : db_(db.Handle()) {
  if (db.cache_) {
    std::lock_guard lock(db.cache_->mutex);
    auto it = db.cache_->idle.find(sql);
    if (it != db.cache_->idle.end() && !it->second.empty()) {
      stmt_ = it->second.back();
      it->second.pop_back();
      lender_ = &db;
      return;
    }
  }
  rc_ = sqlite3_prepare_v2(db_, sql, -1, &stmt_, nullptr);
  if (rc_ == SQLITE_OK && stmt_ != nullptr && db.cache_) lender_ = &db;
}

Statement::~Statement() {
  if (lender_ == nullptr || !lender_->cache_) {
    sqlite3_finalize(stmt_);
    return;
  }
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  std::lock_guard lock(lender_->cache_->mutex);
  lender_->cache_->idle[sqlite3_sql(stmt_)].push_back(stmt_);
}

core::Status Statement::Ready() const { return SqliteCall(rc_, "sqlite3_prepare_v2", db_); }

Statement& Statement::Bind(int i, const std::string& v) {
  sqlite3_bind_text(stmt_, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::Bind(int i, std::int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}

core::Expected<bool> Statement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  KIOSK_TRY(SqliteCall(rc, "sqlite3_step", db_));
  return false;
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Statement::Text(int column) const {
  const auto* t = sqlite3_column_text(stmt_, column);
  return t ? reinterpret_cast<const char*>(t) : "";
}

std::int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

core::Status Database::Run(const char* sql) const {
  Statement st(*this, sql);
  KIOSK_TRY(st.Ready());
  KIOSK_TRY(st.Step());
  return core::Ok();
}

core::Status Exec(sqlite3* db, const char* sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string text = message ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    return Error::Fatal("sqlite.error", text + " (in sqlite3_exec)");
  }
  return core::Ok();
}

core::Status OpenConnection(const std::filesystem::path& file, sqlite3** db) {
  // SQLite creates its files 0644 less the umask: a group could read but
  // never write them. Made here first, 0666 less the umask, a database can be
  // shared by two users of one group (kiosk-app and kiosk-agent, umask 0007);
  // SQLite gives its WAL and shared-memory files the database's mode.
  const int fd = ::open(file.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0666);
  if (fd >= 0) ::close(fd);
  KIOSK_TRY(SqliteCall(
      sqlite3_open_v2(file.c_str(), db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr),
      "sqlite3_open_v2", *db));
  return {};
}

core::Expected<Database> Database::Open(const std::filesystem::path& file) {
  Database d;
  d.cache_ = std::make_unique<Cache>();
  KIOSK_TRY(OpenConnection(file, &d.db_));
  sqlite3_busy_timeout(d.db_, 5000);
  // Turning a new file to WAL needs it alone and answers "busy" at once,
  // without the busy handler, while another process does the same (the app
  // and the agent starting together): try again for the same 5 s.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (true) {
    const int rc = sqlite3_exec(d.db_, "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr);
    if (rc != SQLITE_BUSY || std::chrono::steady_clock::now() >= deadline) {
      KIOSK_TRY(SqliteCall(rc, "PRAGMA journal_mode", d.db_));
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  KIOSK_TRY(d.Exec("PRAGMA synchronous = FULL;"));
  return d;
}

Database::Database() = default;

Database::~Database() {
  cache_.reset();  // its statements finalized before the connection closes
  if (db_) sqlite3_close_v2(db_);
}

Database::Database(Database&& other) noexcept : db_(other.db_), cache_(std::move(other.cache_)) {
  other.db_ = nullptr;
}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    cache_.reset();
    if (db_) sqlite3_close_v2(db_);
    db_ = other.db_;
    cache_ = std::move(other.cache_);
    other.db_ = nullptr;
  }
  return *this;
}

core::Expected<int> Database::UserVersion() const {
  Statement version(db_, "PRAGMA user_version");
  KIOSK_TRY(version.Ready());
  KIOSK_ASSIGN_OR_RETURN(const bool row, version.Step());
  return row ? static_cast<int>(version.Int(0)) : 0;
}

core::Status Database::Migrate(std::span<const char* const> steps) const {
  const auto latest = static_cast<std::int64_t>(steps.size());
  while (true) {
    // IMMEDIATE: a second process migrating the same file (kiosk-app and
    // kiosk-agent both open the outbox) waits here, then reads the version
    // this one left, and never runs a step twice.
    KIOSK_TRY(Exec("BEGIN IMMEDIATE"));
    auto stepped = [&]() -> core::Expected<bool> {
      KIOSK_ASSIGN_OR_RETURN(const int current, UserVersion());
      if (current > latest) {
        return core::Error::Fatal("store.too_new", "the database is newer than this program");
      }
      if (current == latest) return false;
      KIOSK_TRY(Exec(steps[static_cast<std::size_t>(current)]));
      const std::string set = "PRAGMA user_version = " + std::to_string(current + 1);
      KIOSK_TRY(Exec(set.c_str()));
      return true;
    }();
    if (!stepped) {
      (void)Exec("ROLLBACK");
      return stepped.GetError();
    }
    KIOSK_TRY(Exec("COMMIT"));
    if (!*stepped) return core::Ok();
  }
}

core::Expected<Database> Database::OpenReadOnly(const std::filesystem::path& file) {
  Database d;
  d.cache_ = std::make_unique<Cache>();
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    return core::Error::NeedsPerson("sqlite.absent", "no database at " + file.string());
  }
  KIOSK_TRY(SqliteCall(
      sqlite3_open_v2(file.c_str(), &d.db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX, nullptr),
      "sqlite3_open_v2", d.db_));
  sqlite3_busy_timeout(d.db_, 5000);
  return d;
}

}  // namespace kiosk::storage
