#pragma once

// The agent's watch over the board: the door switch latched into the tamper
// alarm (the kiosk goes out of service and the next heartbeat says so), the
// buzzer when it opens, the status LEDs (fault while out of service for any
// reason, ok otherwise), and the call lamp while a citizen calls an officer.

#include <functional>
#include <memory>
#include <optional>

#include "kiosk/agent/agent_config.h"
#include "kiosk/board/board.h"

namespace kiosk::agent {

class BoardMonitor {
 public:
  BoardMonitor(board::Board& board, board::TamperLatch& latch, std::function<bool()> out_of_service,
               std::function<bool()> help_called = {});
  // True when this step raised the door alarm.
  core::Expected<bool> Step();

 private:
  board::Board& board_;
  board::TamperLatch& latch_;
  std::function<bool()> out_of_service_;
  std::function<bool()> help_called_;
  std::optional<bool> fault_shown_;
  std::optional<bool> lamp_shown_;
};

// The board the config names (its profile, GPIO backend and /sys root) and
// the hardware watchdog when asked; none when the config names no profile.
// What the heartbeat reports of the board (door switch, latch, thermal
// zones) goes into `health`.
struct BoardParts {
  std::unique_ptr<board::Board> board;
  std::unique_ptr<board::WatchdogFeeder> watchdog;
};
core::Expected<BoardParts> OpenBoard(const AgentConfig& config, HealthSources& health);

}  // namespace kiosk::agent
