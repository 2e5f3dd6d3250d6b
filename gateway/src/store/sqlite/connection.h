#pragma once

// What the SQLite stores share: one connection per database file, used by
// every request thread in turn (each call holds the mutex, so a
// transaction never interleaves with another thread's statements).

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/gateway/store/stores.h"
#include "kiosk/storage/sqlite.h"

namespace kiosk::gateway::sqlite {

using Stmt = storage::Statement;

struct Connection {
  storage::Database db;
  std::mutex mutex;
  // A second connection, for the reads every device request makes (is
  // this kiosk enrolled, has it commands waiting): in WAL mode they go on
  // while the writer syncs a commit, instead of queueing behind it. Each
  // statement there sees every commit made before it began.
  storage::Database reader;
  std::mutex reader_mutex;
  sqlite3* Handle() const { return db.Handle(); }
};

// Runs a statement that returns no rows.
inline core::Status Done(Stmt& st) {
  KIOSK_TRY(st.Ready());
  KIOSK_TRY(st.Step());
  return core::Ok();
}

// Every row `st` yields, each read by `read`.
template <typename Row, typename Read>
core::Expected<std::vector<Row>> Rows(Stmt& st, Read read) {
  KIOSK_TRY(st.Ready());
  std::vector<Row> out;
  for (;;) {
    KIOSK_ASSIGN_OR_RETURN(const bool row, st.Step());
    if (!row) break;
    out.push_back(read(st));
  }
  return out;
}

// The first row `st` yields, read by `read`; nullopt when none.
template <typename Row, typename Read>
core::Expected<std::optional<Row>> FirstRow(Stmt& st, Read read) {
  KIOSK_TRY(st.Ready());
  KIOSK_ASSIGN_OR_RETURN(const bool row, st.Step());
  if (!row) return std::optional<Row>();
  return std::optional<Row>(read(st));
}

// The fleet database's stores (fleet.cpp opens it and hands it out).
std::unique_ptr<gateway::DeviceStore> NewDeviceStore(std::shared_ptr<Connection> connection);
std::unique_ptr<gateway::CommandStore> NewCommandStore(std::shared_ptr<Connection> connection);
std::unique_ptr<gateway::OperatorStore> NewOperatorStore(std::shared_ptr<Connection> connection);
std::unique_ptr<gateway::EventStore> NewEventStore(std::shared_ptr<Connection> connection);
std::unique_ptr<gateway::HelpStore> NewHelpStore(std::shared_ptr<Connection> connection);

}  // namespace kiosk::gateway::sqlite
