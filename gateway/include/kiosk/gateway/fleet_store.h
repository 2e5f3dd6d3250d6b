#pragma once

// What the gateway knows about its fleet, in fleet.db (SQLite): enrollment
// tokens, the device registry with every certificate it issued, each kiosk's
// heartbeats, the commands queued for it, and the operators who may log in
// to the dashboard. The store holds no personal data: heartbeats are checked
// against a closed schema before they get here (fleet.h).
//
// One connection serves every thread; each call holds it.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/error.h"

namespace kiosk::gateway {

// Times are Unix milliseconds.
struct TokenGrant {
  std::string commune;  // the commune code the token was issued for
  std::string agency;   // the receiving agency code kiosks of that commune use
  std::string issued_by;
  std::string kiosk_id;   // the only kiosk id it enrolls; empty: any id not enrolled yet
  bool reenroll = false;  // replaces the certificate of kiosk_id, which is enrolled
};

// What the dashboard raises as a security alert: a re-enrolled kiosk, a
// locked operator account, a burst of wrong passwords.
struct FleetEvent {
  std::int64_t at = 0;
  std::string kind;     // "reenrolled", "login_locked", ...
  std::string subject;  // the kiosk id or the operator's name
  std::string detail;
};

struct DeviceRecord {
  std::string kiosk_id;
  std::string commune;
  std::string agency;
  std::string serial;  // hex of the current certificate's serial
  std::string state;   // "active", "revoked"
  std::int64_t enrolled_at = 0;
};

struct HeartbeatRecord {
  std::int64_t received_at = 0;
  std::string body;  // the checked heartbeat as JSON
};

// One kiosk, as the fleet view lists it.
struct KioskView {
  DeviceRecord device;
  std::optional<HeartbeatRecord> last;  // absent: never heard from
};

struct CommandRecord {
  std::int64_t id = 0;
  std::string kiosk_id;
  std::string kind;
  std::string args;   // JSON object
  std::string state;  // "pending", "sent", "done", "failed"
  std::string issued_by;
  std::int64_t created_at = 0;
  std::int64_t finished_at = 0;
  std::string result;
};

struct SessionRecord {
  std::string operator_name;
  std::string csrf_token;
  std::int64_t expires_at = 0;
};

class FleetStore {
 public:
  static core::Expected<std::unique_ptr<FleetStore>> Open(const std::filesystem::path& file);
  virtual ~FleetStore() = default;

  // Enrollment tokens, kept as their SHA-256 only.
  virtual core::Status AddToken(const std::string& token_hash, const TokenGrant& grant,
                                std::int64_t expires_at) = 0;
  // Marks the token used and returns its grant, in one transaction:
  // "enroll.token_unknown", "enroll.token_used", "enroll.token_expired";
  // without spending it, "enroll.wrong_kiosk" (bound to another id),
  // "enroll.kiosk_exists" (the id is enrolled and this is no re-enroll
  // token), "enroll.not_enrolled" (a re-enroll token for an unknown id).
  virtual core::Expected<TokenGrant> ConsumeToken(const std::string& token_hash,
                                                  const std::string& kiosk_id,
                                                  std::int64_t now) = 0;

  // Registers a newly issued certificate; any earlier certificate of the same
  // kiosk is revoked (re-provisioning).
  virtual core::Status RegisterDevice(const DeviceRecord& device) = 0;
  // Revokes every certificate of the kiosk; false if it was never enrolled.
  virtual core::Expected<bool> RevokeDevice(const std::string& kiosk_id, std::int64_t now) = 0;
  virtual core::Expected<std::optional<DeviceRecord>> FindDevice(const std::string& kiosk_id) = 0;
  // Every enrolled kiosk (active or revoked) with its last heartbeat.
  virtual core::Expected<std::vector<KioskView>> Fleet() = 0;

  virtual core::Status RecordHeartbeat(const std::string& kiosk_id, std::int64_t at,
                                       const std::string& body) = 0;
  virtual core::Expected<std::vector<HeartbeatRecord>> History(const std::string& kiosk_id,
                                                               int limit) = 0;
  // Drops heartbeats older than `before` (the latest of each kiosk stays).
  virtual core::Status PruneHistory(std::int64_t before) = 0;

  virtual core::Expected<std::int64_t> AddCommand(const CommandRecord& command) = 0;
  // The kiosk's pending commands, marked sent.
  virtual core::Expected<std::vector<CommandRecord>> TakeCommands(const std::string& kiosk_id) = 0;
  // Records the kiosk's answer; false if no such command was sent to it.
  virtual core::Expected<bool> FinishCommand(const std::string& kiosk_id, std::int64_t id, bool ok,
                                             const std::string& result, std::int64_t at) = 0;
  virtual core::Expected<std::vector<CommandRecord>> Commands(const std::string& kiosk_id,
                                                              int limit) = 0;
  virtual core::Expected<std::optional<CommandRecord>> FindCommand(std::int64_t id) = 0;
  virtual core::Status StoreLog(std::int64_t command_id, const std::string& text) = 0;
  virtual core::Expected<std::optional<std::string>> FindLog(std::int64_t command_id) = 0;

  virtual core::Status SetOperator(const std::string& name, const std::string& password_hash) = 0;
  virtual core::Expected<std::optional<std::string>> OperatorHash(const std::string& name) = 0;
  virtual core::Status AddSession(const std::string& id_hash, const SessionRecord& session) = 0;
  virtual core::Expected<std::optional<SessionRecord>> FindSession(const std::string& id_hash,
                                                                   std::int64_t now) = 0;
  virtual core::Status DeleteSession(const std::string& id_hash) = 0;
  virtual core::Status DeleteExpiredSessions(std::int64_t now) = 0;

  virtual core::Status AddEvent(const FleetEvent& event) = 0;
  // The newest first, from `since` on.
  virtual core::Expected<std::vector<FleetEvent>> Events(std::int64_t since, int limit) = 0;
};

}  // namespace kiosk::gateway
