// The device store on SQLite: tokens, certificates, devices, heartbeats
// in fleet.db.

#include <mutex>
#include <vector>

#include "../records.h"
#include "connection.h"

namespace kiosk::gateway::sqlite {

using core::Error;
using core::Expected;
using core::Status;

namespace {

DeviceRecord ReadDevice(const Stmt& st) {
  return {st.Text(0), st.Text(1), st.Text(2), st.Text(3), st.Text(4), st.Int(5)};
}

class SqliteDeviceStore final : public gateway::DeviceStore {
 public:
  explicit SqliteDeviceStore(std::shared_ptr<Connection> connection)
      : connection_(std::move(connection)) {}

  Status AddToken(const std::string& token_hash, const TokenGrant& grant,
                  std::int64_t expires_at) override {
    std::lock_guard lock(connection_->mutex);
    Stmt st(Sql(),
            "INSERT INTO tokens (hash, commune, agency, issued_by, expires_at, kiosk_id, reenroll) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    st.Bind(1, token_hash).Bind(2, grant.commune).Bind(3, grant.agency).Bind(4, grant.issued_by);
    st.Bind(5, expires_at).Bind(6, grant.kiosk_id).Bind(7, std::int64_t{grant.reenroll ? 1 : 0});
    return Done(st);
  }

  Expected<TokenGrant> ConsumeToken(const std::string& token_hash, const std::string& kiosk_id,
                                    std::int64_t now) override {
    std::lock_guard lock(connection_->mutex);
    return connection_->db.InTransaction([&]() -> Expected<TokenGrant> {
      Stmt find(Sql(),
                "SELECT commune, agency, issued_by, expires_at, used_at IS NOT NULL, kiosk_id, "
                "reenroll, (SELECT COUNT(*) FROM devices WHERE devices.kiosk_id = ?2) "
                "FROM tokens WHERE hash = ?1");
      KIOSK_TRY(find.Ready());
      find.Bind(1, token_hash).Bind(2, kiosk_id);
      KIOSK_ASSIGN_OR_RETURN(const bool found, find.Step());
      if (!found) return Error::NeedsPerson("enroll.token_unknown", "no such enrollment token");
      const store::TokenRow token{
          {find.Text(0), find.Text(1), find.Text(2), find.Text(5), find.Int(6) != 0},
          find.Int(3),
          find.Int(4) != 0,
          find.Int(7) != 0};
      KIOSK_ASSIGN_OR_RETURN(auto grant, store::CheckTokenUse(token, kiosk_id, now));
      Stmt use(Sql(), "UPDATE tokens SET used_at = ?2 WHERE hash = ?1");
      use.Bind(1, token_hash).Bind(2, now);
      KIOSK_TRY(Done(use));
      return grant;
    });
  }

  Status RegisterDevice(const DeviceRecord& d) override {
    std::lock_guard lock(connection_->mutex);
    return connection_->db.InTransaction([&]() -> Status {
      KIOSK_TRY(RevokeCertificates(d.kiosk_id, d.enrolled_at));
      Stmt cert(Sql(),
                "INSERT INTO certificates (serial, kiosk_id, issued_at) VALUES (?1, ?2, ?3)");
      cert.Bind(1, d.serial).Bind(2, d.kiosk_id).Bind(3, d.enrolled_at);
      KIOSK_TRY(Done(cert));
      Stmt dev(Sql(),
               "INSERT INTO devices (kiosk_id, commune, agency, serial, state, enrolled_at) "
               "VALUES (?1, ?2, ?3, ?4, 'active', ?5) ON CONFLICT (kiosk_id) DO UPDATE SET "
               "commune = ?2, agency = ?3, serial = ?4, state = 'active', enrolled_at = ?5");
      dev.Bind(1, d.kiosk_id).Bind(2, d.commune).Bind(3, d.agency).Bind(4, d.serial);
      dev.Bind(5, d.enrolled_at);
      return Done(dev);
    });
  }

  Expected<bool> RevokeDevice(const std::string& kiosk_id, std::int64_t now) override {
    std::lock_guard lock(connection_->mutex);
    return connection_->db.InTransaction([&]() -> Expected<bool> {
      KIOSK_TRY(RevokeCertificates(kiosk_id, now));
      Stmt dev(Sql(), "UPDATE devices SET state = 'revoked' WHERE kiosk_id = ?1");
      dev.Bind(1, kiosk_id);
      KIOSK_TRY(Done(dev));
      return connection_->db.Changes() > 0;
    });
  }

  Expected<std::optional<DeviceRecord>> FindDevice(const std::string& kiosk_id) override {
    std::lock_guard lock(connection_->reader_mutex);
    Stmt st(connection_->reader,
            "SELECT kiosk_id, commune, agency, serial, state, enrolled_at FROM devices "
            "WHERE kiosk_id = ?1");
    st.Bind(1, kiosk_id);
    return FirstRow<DeviceRecord>(st, ReadDevice);
  }

  Expected<std::vector<KioskView>> Fleet() override {
    std::lock_guard lock(connection_->mutex);
    Stmt st(Sql(),
            "SELECT kiosk_id, commune, agency, serial, state, enrolled_at, last_seen, "
            "last_body FROM devices ORDER BY commune, kiosk_id");
    return Rows<KioskView>(st, [](const Stmt& row) {
      KioskView view{ReadDevice(row), std::nullopt};
      if (row.Int(6) != 0) view.last = HeartbeatRecord{row.Int(6), row.Text(7)};
      return view;
    });
  }

  // Group commit: heartbeats arriving together share one transaction and
  // one sync. Each waits for the connection; the first to get it writes
  // every heartbeat queued by then, its own and the others'; those find
  // theirs written when their turn comes. None returns before its
  // heartbeat is committed.
  Status RecordHeartbeat(const std::string& kiosk_id, std::int64_t at,
                         const std::string& body) override {
    QueuedHeartbeat mine{kiosk_id, at, body, false, core::Ok()};
    {
      std::lock_guard queue_lock(queue_mutex_);
      queue_.push_back(&mine);
    }
    std::lock_guard lock(connection_->mutex);
    std::vector<QueuedHeartbeat*> batch;
    {
      std::lock_guard queue_lock(queue_mutex_);
      if (mine.written) return std::move(mine.result);
      batch.swap(queue_);
    }
    Status written = connection_->db.InTransaction([&]() -> Status {
      Stmt add(Sql(), "INSERT INTO heartbeats (kiosk_id, received_at, body) VALUES (?1, ?2, ?3)");
      Stmt last(Sql(), "UPDATE devices SET last_seen = ?2, last_body = ?3 WHERE kiosk_id = ?1");
      for (const auto* beat : batch) {
        add.Bind(1, beat->kiosk_id).Bind(2, beat->at).Bind(3, beat->body);
        KIOSK_TRY(Done(add));
        add.Reset();
        last.Bind(1, beat->kiosk_id).Bind(2, beat->at).Bind(3, beat->body);
        KIOSK_TRY(Done(last));
        last.Reset();
      }
      return core::Ok();
    });
    std::lock_guard queue_lock(queue_mutex_);
    for (auto* beat : batch) {
      if (beat == &mine) continue;
      beat->result = written ? Status() : Status(written.GetError());
      beat->written = true;
    }
    return written;
  }

  Expected<std::vector<HeartbeatRecord>> History(const std::string& kiosk_id, int limit) override {
    std::lock_guard lock(connection_->mutex);
    Stmt st(Sql(),
            "SELECT received_at, body FROM heartbeats WHERE kiosk_id = ?1 "
            "ORDER BY received_at DESC LIMIT ?2");
    st.Bind(1, kiosk_id).Bind(2, std::int64_t{limit});
    return Rows<HeartbeatRecord>(st, [](const Stmt& row) {
      return HeartbeatRecord{row.Int(0), row.Text(1)};
    });
  }

  Status PruneHistory(std::int64_t before) override {
    std::lock_guard lock(connection_->mutex);
    Stmt st(Sql(), "DELETE FROM heartbeats WHERE received_at < ?1");
    st.Bind(1, before);
    return Done(st);
  }

 private:
  sqlite3* Db() const { return connection_->Handle(); }
  // Statements come from the connection's cache.
  const storage::Database& Sql() const { return connection_->db; }

  Status RevokeCertificates(const std::string& kiosk_id, std::int64_t now) {
    Stmt st(Sql(),
            "UPDATE certificates SET revoked_at = ?2 WHERE kiosk_id = ?1 AND "
            "revoked_at IS NULL");
    st.Bind(1, kiosk_id).Bind(2, now);
    return Done(st);
  }

  struct QueuedHeartbeat {
    const std::string& kiosk_id;
    std::int64_t at;
    const std::string& body;
    bool written = false;
    Status result;
  };

  std::shared_ptr<Connection> connection_;
  std::mutex queue_mutex_;
  std::vector<QueuedHeartbeat*> queue_;  // heartbeats waiting for the connection
};

}  // namespace

std::unique_ptr<gateway::DeviceStore> NewDeviceStore(std::shared_ptr<Connection> connection) {
  return std::make_unique<SqliteDeviceStore>(std::move(connection));
}

}  // namespace kiosk::gateway::sqlite
