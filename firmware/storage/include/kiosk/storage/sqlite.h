#pragma once

// SQLite as every part of the kiosk and gateway uses it: opened in WAL mode
// with synchronous=FULL (a commit that returned is on disk), a busy timeout,
// statements finalized on scope exit, and failures as core::Error with the
// call named ("sqlite.busy" and "sqlite.io" retryable, "sqlite.corrupt" fatal).

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

#include "kiosk/core/error.h"

namespace kiosk::storage {

core::Status SqliteCall(int rc, const char* call, sqlite3* db);

class Database;

// One prepared statement.
class Statement {
 public:
  // Prepared now, finalized when this goes.
  Statement(sqlite3* db, const char* sql);
  // Borrowed from the database's cache (prepared the first time that text
  // is seen), reset and given back when this goes: a statement run on
  // every request is parsed and planned once.
  Statement(const Database& db, const char* sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  core::Status Ready() const;
  Statement& Bind(int i, const std::string& v);
  Statement& Bind(int i, std::int64_t v);
  // SQLITE_ROW: true; SQLITE_DONE: false.
  core::Expected<bool> Step();
  // Ready to run again, with new bindings (a step's error was returned by it).
  void Reset();
  std::string Text(int column) const;
  std::int64_t Int(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_OK;
  const Database* lender_ = nullptr;  // the cache it goes back to
};

core::Status Exec(sqlite3* db, const char* sql);

// Opens (creating) a database file read-write, the file's mode 0666 less the
// umask so that a group may share it.
core::Status OpenConnection(const std::filesystem::path& file, sqlite3** db);

// Owns a connection; closes it when destroyed.
class Database {
 public:
  // Creates the file if needed; WAL, synchronous=FULL, 5 s busy timeout.
  static core::Expected<Database> Open(const std::filesystem::path& file);
  // For tools that only look: never creates or changes the file (nor the
  // WAL's files' owner). "sqlite.absent" when there is no file.
  static core::Expected<Database> OpenReadOnly(const std::filesystem::path& file);
  Database();
  ~Database();
  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;

  sqlite3* Handle() const { return db_; }
  core::Status Exec(const char* sql) const { return storage::Exec(db_, sql); }
  // PRAGMA user_version, for migrations.
  core::Expected<int> UserVersion() const;
  // Runs steps[user_version..] in order, each in its own (immediate)
  // transaction with the version it reaches: steps are only ever appended,
  // a failed step leaves the version where it was, and two processes
  // migrating one file run each step once.
  core::Status Migrate(std::span<const char* const> steps) const;

  // Runs body() in an immediate transaction: committed when it returns a
  // value, rolled back when it returns an error.
  template <typename F>
  auto InTransaction(F&& body) const -> decltype(body()) {
    KIOSK_TRY(Run("BEGIN IMMEDIATE"));
    auto result = body();
    if (!result) {
      (void)Run("ROLLBACK");
      return result;
    }
    if (auto committed = Run("COMMIT"); !committed) {
      (void)Run("ROLLBACK");
      return std::move(committed).GetError();
    }
    return result;
  }
  // One statement of no rows, from the cache (Exec parses it every time).
  core::Status Run(const char* sql) const;
  // Rows the last statement changed, and the last row id it inserted.
  std::int64_t Changes() const { return sqlite3_changes(db_); }
  std::int64_t LastInsertId() const { return sqlite3_last_insert_rowid(db_); }

 private:
  friend class Statement;
  struct Cache;
  sqlite3* db_ = nullptr;
  std::unique_ptr<Cache> cache_;  // prepared statements not in use, by text
};

}  // namespace kiosk::storage
