// The command store on PostgreSQL: commands and the logs kiosks upload.

#include <algorithm>

#include "database.h"

namespace kiosk::gateway::postgres {

using core::Expected;
using core::Status;

namespace {

#define KIOSK_COMMAND_COLUMNS                                                          \
  "id, kiosk_id, kind, args, state, issued_by, created_at, COALESCE(finished_at, 0), " \
  "result"

const Query kAdd{"command_add",
                 "INSERT INTO commands (kiosk_id, kind, args, state, issued_by, created_at) "
                 "VALUES ($1, $2, $3, 'pending', $4, $5) RETURNING id"};
// One statement: two replicas serving one kiosk never hand a command out
// twice. RETURNING gives the rows as they were read (still "pending").
const Query kTake{"command_take",
                  "UPDATE commands SET state = 'sent' WHERE kiosk_id = $1 AND state = 'pending' "
                  "RETURNING " KIOSK_COMMAND_COLUMNS};
const Query kFinish{"command_finish",
                    "UPDATE commands SET state = $3, result = $4, finished_at = $5 "
                    "WHERE id = $1 AND kiosk_id = $2 AND state IN ('sent', 'pending')"};
const Query kOfKiosk{"command_of_kiosk", "SELECT " KIOSK_COMMAND_COLUMNS
                                         " FROM commands WHERE kiosk_id = $1 ORDER BY id DESC "
                                         "LIMIT $2"};
const Query kFind{"command_find", "SELECT " KIOSK_COMMAND_COLUMNS " FROM commands WHERE id = $1"};
const Query kStoreLog{"log_store",
                      "INSERT INTO logs (command_id, text) VALUES ($1, $2) "
                      "ON CONFLICT (command_id) DO UPDATE SET text = $2"};
const Query kFindLog{"log_find", "SELECT text FROM logs WHERE command_id = $1"};

#undef KIOSK_COMMAND_COLUMNS

CommandRecord ReadCommand(const Result& r, int i) {
  return {r.Int(i, 0),  r.Text(i, 1), r.Text(i, 2), r.Text(i, 3), r.Text(i, 4),
          r.Text(i, 5), r.Int(i, 6),  r.Int(i, 7),  r.Text(i, 8)};
}

class PostgresCommandStore final : public CommandStore {
 public:
  explicit PostgresCommandStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  Expected<std::int64_t> AddCommand(const CommandRecord& c) override {
    return db_->Run([&](Session& s) -> Expected<std::int64_t> {
      KIOSK_ASSIGN_OR_RETURN(const auto r,
                             s.Exec(kAdd, {c.kiosk_id, c.kind, c.args, c.issued_by, c.created_at}));
      return r.Int(0, 0);
    });
  }

  Expected<std::vector<CommandRecord>> TakeCommands(const std::string& kiosk_id) override {
    return db_->Run([&](Session& s) -> Expected<std::vector<CommandRecord>> {
      KIOSK_ASSIGN_OR_RETURN(const auto r, s.Exec(kTake, {kiosk_id}));
      auto commands = Each<CommandRecord>(r, ReadCommand);
      std::sort(commands.begin(), commands.end(),
                [](const CommandRecord& a, const CommandRecord& b) { return a.id < b.id; });
      return commands;
    });
  }

  Expected<bool> FinishCommand(const std::string& kiosk_id, std::int64_t id, bool ok,
                               const std::string& result, std::int64_t at) override {
    return db_->Run([&](Session& s) -> Expected<bool> {
      KIOSK_ASSIGN_OR_RETURN(const auto r,
                             s.Exec(kFinish, {id, kiosk_id, ok ? "done" : "failed", result, at}));
      return r.Affected() > 0;
    });
  }

  Expected<std::vector<CommandRecord>> Commands(const std::string& kiosk_id, int limit) override {
    return db_->Run([&](Session& s) -> Expected<std::vector<CommandRecord>> {
      KIOSK_ASSIGN_OR_RETURN(const auto r, s.Exec(kOfKiosk, {kiosk_id, limit}));
      return Each<CommandRecord>(r, ReadCommand);
    });
  }

  Expected<std::optional<CommandRecord>> FindCommand(std::int64_t id) override {
    return db_->Run([&](Session& s) -> Expected<std::optional<CommandRecord>> {
      KIOSK_ASSIGN_OR_RETURN(const auto r, s.Exec(kFind, {id}));
      return First<CommandRecord>(r, ReadCommand);
    });
  }

  Status StoreLog(std::int64_t command_id, const std::string& text) override {
    return db_->Run([&](Session& s) -> Status {
      KIOSK_TRY(s.Exec(kStoreLog, {command_id, text}));
      return core::Ok();
    });
  }

  Expected<std::optional<std::string>> FindLog(std::int64_t command_id) override {
    return db_->Run([&](Session& s) -> Expected<std::optional<std::string>> {
      KIOSK_ASSIGN_OR_RETURN(const auto r, s.Exec(kFindLog, {command_id}));
      return First<std::string>(r, [](const Result& row, int i) { return row.Text(i, 0); });
    });
  }

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace

std::unique_ptr<CommandStore> NewCommandStore(std::shared_ptr<Database> db) {
  return std::make_unique<PostgresCommandStore>(std::move(db));
}

}  // namespace kiosk::gateway::postgres
