// The device store on PostgreSQL: tokens, certificates, devices, heartbeats.

#include "../records.h"
#include "database.h"

namespace kiosk::gateway::postgres {

using core::Error;
using core::Expected;
using core::Status;

namespace {

const Query kAddToken{"token_add",
                      "INSERT INTO tokens (hash, commune, agency, issued_by, expires_at, kiosk_id, "
                      "reenroll) VALUES ($1, $2, $3, $4, $5, $6, $7)"};
// The token's row stays locked until the enrollment's transaction ends: one
// token enrolls one kiosk, whichever replica the two attempts reach.
const Query kFindToken{"token_find",
                       "SELECT commune, agency, issued_by, expires_at, used_at IS NOT NULL, "
                       "kiosk_id, reenroll, EXISTS (SELECT 1 FROM devices WHERE kiosk_id = $2) "
                       "FROM tokens WHERE hash = $1 FOR UPDATE"};
const Query kUseToken{"token_use", "UPDATE tokens SET used_at = $2 WHERE hash = $1"};
const Query kRevokeCertificates{"certificates_revoke",
                                "UPDATE certificates SET revoked_at = $2 WHERE kiosk_id = $1 AND "
                                "revoked_at IS NULL"};
const Query kAddCertificate{"certificate_add",
                            "INSERT INTO certificates (serial, kiosk_id, issued_at) "
                            "VALUES ($1, $2, $3)"};
const Query kRegister{"device_register",
                      "INSERT INTO devices (kiosk_id, commune, agency, serial, state, enrolled_at) "
                      "VALUES ($1, $2, $3, $4, 'active', $5) ON CONFLICT (kiosk_id) DO UPDATE SET "
                      "commune = $2, agency = $3, serial = $4, state = 'active', "
                      "enrolled_at = $5"};
const Query kRevoke{"device_revoke", "UPDATE devices SET state = 'revoked' WHERE kiosk_id = $1"};
const Query kFind{"device_find",
                  "SELECT kiosk_id, commune, agency, serial, state, enrolled_at FROM devices "
                  "WHERE kiosk_id = $1"};
const Query kFleet{"device_fleet",
                   "SELECT kiosk_id, commune, agency, serial, state, enrolled_at, last_seen, "
                   "last_body FROM devices ORDER BY commune, kiosk_id"};
// One statement, so one round trip and one commit.
const Query kHeartbeat{"device_heartbeat",
                       "WITH added AS (INSERT INTO heartbeats (kiosk_id, received_at, body) "
                       "VALUES ($1, $2, $3)) "
                       "UPDATE devices SET last_seen = $2, last_body = $3 WHERE kiosk_id = $1"};
const Query kHistory{"device_history",
                     "SELECT received_at, body FROM heartbeats WHERE kiosk_id = $1 "
                     "ORDER BY received_at DESC LIMIT $2"};
const Query kPrune{"device_prune", "DELETE FROM heartbeats WHERE received_at < $1"};

DeviceRecord ReadDevice(const Result& r, int i) {
  return {r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3), r.Text(i, 4), r.Int(i, 5)};
}

class PostgresDeviceStore final : public DeviceStore {
 public:
  explicit PostgresDeviceStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  Status AddToken(const std::string& token_hash, const TokenGrant& grant,
                  std::int64_t expires_at) override {
    return db_->Run([&](Session& s) -> Status {
      KIOSK_TRY(s.Exec(kAddToken, {token_hash, grant.commune, grant.agency, grant.issued_by,
                                   expires_at, grant.kiosk_id, grant.reenroll ? "t" : "f"}));
      return core::Ok();
    });
  }

  Expected<TokenGrant> ConsumeToken(const std::string& token_hash, const std::string& kiosk_id,
                                    std::int64_t now) override {
    return db_->Transaction([&](Session& s) -> Expected<TokenGrant> {
      KIOSK_ASSIGN_OR_RETURN(const auto r, s.Exec(kFindToken, {token_hash, kiosk_id}));
      if (r.Rows() == 0) {
        return Error::NeedsPerson("enroll.token_unknown", "no such enrollment token");
      }
      const store::TokenRow token{
          {r.Text(0, 0), r.Text(0, 1), r.Text(0, 2), r.Text(0, 5), r.Bool(0, 6)},
          r.Int(0, 3),
          r.Bool(0, 4),
          r.Bool(0, 7)};
      KIOSK_ASSIGN_OR_RETURN(auto grant, store::CheckTokenUse(token, kiosk_id, now));
      KIOSK_TRY(s.Exec(kUseToken, {token_hash, now}));
      return grant;
    });
  }

  Status RegisterDevice(const DeviceRecord& d) override {
    return db_->Transaction([&](Session& s) -> Status {
      KIOSK_TRY(s.Exec(kRevokeCertificates, {d.kiosk_id, d.enrolled_at}));
      KIOSK_TRY(s.Exec(kAddCertificate, {d.serial, d.kiosk_id, d.enrolled_at}));
      KIOSK_TRY(s.Exec(kRegister, {d.kiosk_id, d.commune, d.agency, d.serial, d.enrolled_at}));
      return core::Ok();
    });
  }

  Expected<bool> RevokeDevice(const std::string& kiosk_id, std::int64_t now) override {
    return db_->Transaction([&](Session& s) -> Expected<bool> {
      KIOSK_TRY(s.Exec(kRevokeCertificates, {kiosk_id, now}));
      KIOSK_ASSIGN_OR_RETURN(const auto r, s.Exec(kRevoke, {kiosk_id}));
      return r.Affected() > 0;
    });
  }

  Expected<std::optional<DeviceRecord>> FindDevice(const std::string& kiosk_id) override {
    return db_->Run([&](Session& s) -> Expected<std::optional<DeviceRecord>> {
      KIOSK_ASSIGN_OR_RETURN(const auto r, s.Exec(kFind, {kiosk_id}));
      return First<DeviceRecord>(r, ReadDevice);
    });
  }

  Expected<std::vector<KioskView>> Fleet() override {
    return db_->Run([&](Session& s) -> Expected<std::vector<KioskView>> {
      KIOSK_ASSIGN_OR_RETURN(const auto r, s.Exec(kFleet, {}));
      return Each<KioskView>(r, [](const Result& row, int i) {
        KioskView view{ReadDevice(row, i), std::nullopt};
        if (row.Int(i, 6) != 0) view.last = HeartbeatRecord{row.Int(i, 6), row.Text(i, 7)};
        return view;
      });
    });
  }

  Status RecordHeartbeat(const std::string& kiosk_id, std::int64_t at,
                         const std::string& body) override {
    return db_->Run([&](Session& s) -> Status {
      KIOSK_TRY(s.Exec(kHeartbeat, {kiosk_id, at, body}));
      return core::Ok();
    });
  }

  Expected<std::vector<HeartbeatRecord>> History(const std::string& kiosk_id, int limit) override {
    return db_->Run([&](Session& s) -> Expected<std::vector<HeartbeatRecord>> {
      KIOSK_ASSIGN_OR_RETURN(const auto r, s.Exec(kHistory, {kiosk_id, limit}));
      return Each<HeartbeatRecord>(r, [](const Result& row, int i) {
        return HeartbeatRecord{row.Int(i, 0), row.Text(i, 1)};
      });
    });
  }

  Status PruneHistory(std::int64_t before) override {
    return db_->Run([&](Session& s) -> Status {
      KIOSK_TRY(s.Exec(kPrune, {before}));
      return core::Ok();
    });
  }

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace

std::unique_ptr<DeviceStore> NewDeviceStore(std::shared_ptr<Database> db) {
  return std::make_unique<PostgresDeviceStore>(std::move(db));
}

}  // namespace kiosk::gateway::postgres
