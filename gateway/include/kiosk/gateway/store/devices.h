#pragma once

// The fleet's devices: one-time enrollment tokens, the registry with every
// certificate the gateway issued, and each kiosk's heartbeats. Nothing here
// is personal: heartbeats are checked against a closed schema before they
// are stored (fleet.h). Times are Unix milliseconds.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/error.h"

namespace kiosk::gateway {

struct TokenGrant {
  std::string commune;  // the commune code the token was issued for
  std::string agency;   // the receiving agency code kiosks of that commune use
  std::string issued_by;
  std::string kiosk_id;   // the only kiosk id it enrolls; empty: any id not enrolled yet
  bool reenroll = false;  // replaces the certificate of kiosk_id, which is enrolled
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

class DeviceStore {
 public:
  virtual ~DeviceStore() = default;

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
  // Every enrolled kiosk (active or revoked) with its last heartbeat, by
  // commune and id.
  virtual core::Expected<std::vector<KioskView>> Fleet() = 0;

  virtual core::Status RecordHeartbeat(const std::string& kiosk_id, std::int64_t at,
                                       const std::string& body) = 0;
  // The newest first.
  virtual core::Expected<std::vector<HeartbeatRecord>> History(const std::string& kiosk_id,
                                                               int limit) = 0;
  // Drops heartbeats older than `before` (the latest of each kiosk stays).
  virtual core::Status PruneHistory(std::int64_t before) = 0;
};

}  // namespace kiosk::gateway
