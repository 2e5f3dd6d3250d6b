#include "kiosk/agent/board_monitor.h"

namespace kiosk::agent {

BoardMonitor::BoardMonitor(board::Board& board, board::TamperLatch& latch,
                           std::function<bool()> out_of_service)
    : board_(board), latch_(latch), out_of_service_(std::move(out_of_service)) {}

core::Expected<bool> BoardMonitor::Step() {
  KIOSK_ASSIGN_OR_RETURN(const bool raised, latch_.Observe(board_.ReadDoor()));
  if (raised) KIOSK_TRY(board_.Buzz(std::chrono::milliseconds(300)));
  const bool fault = latch_.Latched() || (out_of_service_ && out_of_service_());
  if (fault_shown_ != fault) {
    KIOSK_TRY(board_.SetLed(board::Led::kFault, fault));
    KIOSK_TRY(board_.SetLed(board::Led::kOk, !fault));
    fault_shown_ = fault;
  }
  return raised;
}

}  // namespace kiosk::agent
