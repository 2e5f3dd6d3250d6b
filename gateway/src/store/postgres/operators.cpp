// The operator and event stores on PostgreSQL: operators, their dashboard
// sessions (which every replica sees) and security events.

#include "database.h"

namespace kiosk::gateway::postgres {

using core::Expected;
using core::Status;

namespace {

const Query kSetOperator{"operator_set",
                         "INSERT INTO operators (name, password_hash) VALUES ($1, $2) "
                         "ON CONFLICT (name) DO UPDATE SET password_hash = $2"};
const Query kOperatorHash{"operator_hash", "SELECT password_hash FROM operators WHERE name = $1"};
const Query kAddSession{"session_add",
                        "INSERT INTO sessions (id_hash, operator, csrf, expires_at) "
                        "VALUES ($1, $2, $3, $4)"};
const Query kFindSession{"session_find",
                         "SELECT operator, csrf, expires_at FROM sessions WHERE id_hash = $1 AND "
                         "expires_at > $2"};
const Query kDeleteSession{"session_delete", "DELETE FROM sessions WHERE id_hash = $1"};
const Query kDeleteExpired{"session_delete_expired", "DELETE FROM sessions WHERE expires_at <= $1"};
const Query kAddEvent{"event_add",
                      "INSERT INTO events (at, kind, subject, detail) VALUES ($1, $2, $3, $4)"};
const Query kEvents{"event_list",
                    "SELECT at, kind, subject, detail FROM events WHERE at >= $1 "
                    "ORDER BY at DESC, id DESC LIMIT $2"};

class PostgresOperatorStore final : public OperatorStore {
 public:
  explicit PostgresOperatorStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  Status SetOperator(const std::string& name, const std::string& password_hash) override {
    return Write(kSetOperator, {name, password_hash});
  }

  Expected<std::optional<std::string>> OperatorHash(const std::string& name) override {
    return db_->Run([&](Session& s) -> Expected<std::optional<std::string>> {
      KIOSK_ASSIGN_OR_RETURN(const auto r, s.Exec(kOperatorHash, {name}));
      return First<std::string>(r, [](const Result& row, int i) { return row.Text(i, 0); });
    });
  }

  Status AddSession(const std::string& id_hash, const SessionRecord& session) override {
    return Write(kAddSession,
                 {id_hash, session.operator_name, session.csrf_token, session.expires_at});
  }

  Expected<std::optional<SessionRecord>> FindSession(const std::string& id_hash,
                                                     std::int64_t now) override {
    return db_->Run([&](Session& s) -> Expected<std::optional<SessionRecord>> {
      KIOSK_ASSIGN_OR_RETURN(const auto r, s.Exec(kFindSession, {id_hash, now}));
      return First<SessionRecord>(r, [](const Result& row, int i) {
        return SessionRecord{row.Text(i, 0), row.Text(i, 1), row.Int(i, 2)};
      });
    });
  }

  Status DeleteSession(const std::string& id_hash) override {
    return Write(kDeleteSession, {id_hash});
  }

  Status DeleteExpiredSessions(std::int64_t now) override { return Write(kDeleteExpired, {now}); }

 private:
  Status Write(const Query& query, std::initializer_list<Arg> args) {
    return db_->Run([&](Session& s) -> Status {
      KIOSK_TRY(s.Exec(query, args));
      return core::Ok();
    });
  }

  std::shared_ptr<Database> db_;
};

class PostgresEventStore final : public EventStore {
 public:
  explicit PostgresEventStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  Status AddEvent(const FleetEvent& e) override {
    return db_->Run([&](Session& s) -> Status {
      KIOSK_TRY(s.Exec(kAddEvent, {e.at, e.kind, e.subject, e.detail}));
      return core::Ok();
    });
  }

  Expected<std::vector<FleetEvent>> Events(std::int64_t since, int limit) override {
    return db_->Run([&](Session& s) -> Expected<std::vector<FleetEvent>> {
      KIOSK_ASSIGN_OR_RETURN(const auto r, s.Exec(kEvents, {since, limit}));
      return Each<FleetEvent>(r, [](const Result& row, int i) {
        return FleetEvent{row.Int(i, 0), row.Text(i, 1), row.Text(i, 2), row.Text(i, 3)};
      });
    });
  }

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace

std::unique_ptr<OperatorStore> NewOperatorStore(std::shared_ptr<Database> db) {
  return std::make_unique<PostgresOperatorStore>(std::move(db));
}

std::unique_ptr<EventStore> NewEventStore(std::shared_ptr<Database> db) {
  return std::make_unique<PostgresEventStore>(std::move(db));
}

}  // namespace kiosk::gateway::postgres
