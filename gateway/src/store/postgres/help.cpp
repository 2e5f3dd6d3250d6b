// The help store on PostgreSQL: citizens' calls for an officer and the
// officers who may assist at a kiosk.

#include "../records.h"
#include "database.h"

namespace kiosk::gateway::postgres {

using core::Expected;
using core::Status;

namespace {

#define KIOSK_CALL_COLUMNS                                                                       \
  "SELECT id, kiosk_id, commune, screen, language, state, opened_at, answered_at, answered_by, " \
  "officer_id, closed_at FROM help_calls "

// A call known already keeps its state; only the screen is brought up to date.
const Query kOpen{
    "help_open",
    "INSERT INTO help_calls (id, kiosk_id, commune, screen, language, state, "
    "opened_at) VALUES ($1, $2, $3, $4, $5, 'open', $6) ON CONFLICT (id) DO UPDATE "
    "SET screen = $4 WHERE help_calls.kiosk_id = $2 AND help_calls.state != 'closed'"};
const Query kFind{"help_find", KIOSK_CALL_COLUMNS "WHERE id = $1"};
const Query kAnswer{"help_answer",
                    "UPDATE help_calls SET state = 'answered', answered_at = $2, answered_by = $3, "
                    "officer_id = $4 WHERE id = $1 AND state != 'closed'"};
const Query kClose{"help_close",
                   "UPDATE help_calls SET state = 'closed', closed_at = $2 WHERE id = $1 AND "
                   "state != 'closed'"};
const Query kWaiting{"help_waiting", KIOSK_CALL_COLUMNS
                     "WHERE state != 'closed' AND opened_at >= $1 ORDER BY opened_at, id"};
const Query kAddStaff{"staff_add",
                      "INSERT INTO staff (commune, name, pin_hash, issued_by, issued_at, "
                      "expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING number"};
const Query kStaff{"staff_list",
                   "SELECT number, commune, name, pin_hash, issued_by, issued_at, expires_at, "
                   "revoked_at FROM staff WHERE ($1 = '' OR commune = $1) AND revoked_at = 0 AND "
                   "expires_at > $2 ORDER BY number"};
const Query kRevokeStaff{"staff_revoke",
                         "UPDATE staff SET revoked_at = $2 WHERE number = $1 AND revoked_at = 0"};

#undef KIOSK_CALL_COLUMNS

HelpCallRecord ReadCall(const Result& r, int i) {
  HelpCallRecord c;
  c.id = r.Text(i, 0);
  c.kiosk_id = r.Text(i, 1);
  c.commune = r.Text(i, 2);
  c.screen = r.Text(i, 3);
  c.language = r.Text(i, 4);
  c.state = r.Text(i, 5);
  c.opened_at = r.Int(i, 6);
  c.answered_at = r.Int(i, 7);
  c.answered_by = r.Text(i, 8);
  c.officer_id = r.Text(i, 9);
  c.closed_at = r.Int(i, 10);
  return c;
}

class PostgresHelpStore final : public HelpStore {
 public:
  explicit PostgresHelpStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  Expected<HelpCallRecord> OpenCall(const HelpCallRecord& c) override {
    KIOSK_TRY(db_->Exec(kOpen, {c.id, c.kiosk_id, c.commune, c.screen, c.language, c.opened_at}));
    KIOSK_ASSIGN_OR_RETURN(auto stored, FindCall(c.id));
    if (!stored) return core::Error::Retryable("help.store", "the call was not recorded");
    return std::move(*stored);
  }

  Expected<std::optional<HelpCallRecord>> FindCall(const std::string& id) override {
    KIOSK_ASSIGN_OR_RETURN(const auto r, db_->Exec(kFind, {id}));
    return First<HelpCallRecord>(r, ReadCall);
  }

  Expected<bool> AnswerCall(const std::string& id, const std::string& by,
                            const std::string& officer_id, std::int64_t at) override {
    KIOSK_ASSIGN_OR_RETURN(const auto r, db_->Exec(kAnswer, {id, at, by, officer_id}));
    return r.Affected() > 0;
  }

  Status CloseCall(const std::string& id, std::int64_t at) override {
    KIOSK_TRY(db_->Exec(kClose, {id, at}));
    return core::Ok();
  }

  Expected<std::vector<HelpCallRecord>> Waiting(std::int64_t since) override {
    KIOSK_ASSIGN_OR_RETURN(const auto r, db_->Exec(kWaiting, {since}));
    return Each<HelpCallRecord>(r, ReadCall);
  }

  Expected<std::string> AddStaff(const StaffRecord& s) override {
    KIOSK_ASSIGN_OR_RETURN(
        const auto r, db_->Exec(kAddStaff, {s.commune, s.name, s.pin_hash, s.issued_by, s.issued_at,
                                            s.expires_at}));
    return store::StaffId(r.Int(0, 0));
  }

  Expected<std::vector<StaffRecord>> Staff(const std::string& commune, std::int64_t now) override {
    KIOSK_ASSIGN_OR_RETURN(const auto r, db_->Exec(kStaff, {commune, now}));
    return Each<StaffRecord>(r, [](const Result& row, int i) {
      return StaffRecord{store::StaffId(row.Int(i, 0)),
                         row.Text(i, 1),
                         row.Text(i, 2),
                         row.Text(i, 3),
                         row.Text(i, 4),
                         row.Int(i, 5),
                         row.Int(i, 6),
                         row.Int(i, 7)};
    });
  }

  Expected<bool> RevokeStaff(const std::string& id, std::int64_t at) override {
    const auto number = store::StaffNumber(id);
    if (!number) return false;
    KIOSK_ASSIGN_OR_RETURN(const auto r, db_->Exec(kRevokeStaff, {*number, at}));
    return r.Affected() > 0;
  }

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace

std::unique_ptr<HelpStore> NewHelpStore(std::shared_ptr<Database> db) {
  return std::make_unique<PostgresHelpStore>(std::move(db));
}

}  // namespace kiosk::gateway::postgres
