#pragma once

// Commands operators queue for a kiosk (restart, config, log upload...),
// what each kiosk answered, and the logs kiosks upload. Times are Unix
// milliseconds.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/error.h"

namespace kiosk::gateway {

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

class CommandStore {
 public:
  virtual ~CommandStore() = default;

  // Queues the command as pending; returns its id.
  virtual core::Expected<std::int64_t> AddCommand(const CommandRecord& command) = 0;
  // The kiosk's pending commands, oldest first, marked sent.
  virtual core::Expected<std::vector<CommandRecord>> TakeCommands(const std::string& kiosk_id) = 0;
  // Records the kiosk's answer; false if no such command was sent to it.
  virtual core::Expected<bool> FinishCommand(const std::string& kiosk_id, std::int64_t id, bool ok,
                                             const std::string& result, std::int64_t at) = 0;
  // The kiosk's commands, the newest first.
  virtual core::Expected<std::vector<CommandRecord>> Commands(const std::string& kiosk_id,
                                                              int limit) = 0;
  virtual core::Expected<std::optional<CommandRecord>> FindCommand(std::int64_t id) = 0;
  // A log a kiosk uploaded in answer to a command; a second upload replaces it.
  virtual core::Status StoreLog(std::int64_t command_id, const std::string& text) = 0;
  virtual core::Expected<std::optional<std::string>> FindLog(std::int64_t command_id) = 0;
};

}  // namespace kiosk::gateway
