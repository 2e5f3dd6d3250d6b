#include "kiosk/idcard/sim/virtual_channel.h"

namespace kiosk::idcard::sim {

void VirtualCardChannel::Insert() {
  present_ = true;
  remove_after_.reset();
  card_.PowerOn();
}

core::Expected<ResponseApdu> VirtualCardChannel::Transmit(const CommandApdu& command) {
  if (remove_after_ && *remove_after_ == 0) {
    present_ = false;
    remove_after_.reset();
    card_.PowerOff();
  }
  if (!present_) {
    return core::Error::NeedsPerson("card.removed", "the card was taken away during the read");
  }
  if (remove_after_) --*remove_after_;
  return ResponseApdu::Parse(card_.Process(command.Encode()));
}

}  // namespace kiosk::idcard::sim
