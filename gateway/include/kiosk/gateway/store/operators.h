#pragma once

// The operators who may log in to the dashboard, and their sessions. Kept
// as hashes only: the password's (Argon2id) and the session id's (SHA-256).
// Times are Unix milliseconds.

#include <cstdint>
#include <optional>
#include <string>

#include "kiosk/core/error.h"

namespace kiosk::gateway {

struct SessionRecord {
  std::string operator_name;
  std::string csrf_token;
  std::int64_t expires_at = 0;
};

class OperatorStore {
 public:
  virtual ~OperatorStore() = default;

  // Adds the operator or replaces their password.
  virtual core::Status SetOperator(const std::string& name, const std::string& password_hash) = 0;
  virtual core::Expected<std::optional<std::string>> OperatorHash(const std::string& name) = 0;

  virtual core::Status AddSession(const std::string& id_hash, const SessionRecord& session) = 0;
  // The session, unless it expired by `now`.
  virtual core::Expected<std::optional<SessionRecord>> FindSession(const std::string& id_hash,
                                                                   std::int64_t now) = 0;
  virtual core::Status DeleteSession(const std::string& id_hash) = 0;
  virtual core::Status DeleteExpiredSessions(std::int64_t now) = 0;
};

}  // namespace kiosk::gateway
