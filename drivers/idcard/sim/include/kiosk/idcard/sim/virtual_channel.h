#pragma once

// The virtual chip as an in-process CardChannel: the fake that unit tests of
// the reader use. It can take the card out of the field after a number of
// commands, as a citizen lifting the card mid-read would.

#include <optional>

#include "kiosk/idcard/card_channel.h"
#include "kiosk/idcard/sim/virtual_card.h"

namespace kiosk::idcard::sim {

class VirtualCardChannel final : public CardChannel {
 public:
  explicit VirtualCardChannel(VirtualCard& card) : card_(card) { card_.PowerOn(); }

  // The card leaves the field once `commands` more have been answered.
  void RemoveAfter(std::size_t commands) { remove_after_ = commands; }
  // Puts the card back (powered up afresh).
  void Insert();
  bool Present() const { return present_; }

  core::Expected<ResponseApdu> Transmit(const CommandApdu& command) override;

 private:
  VirtualCard& card_;
  bool present_ = true;
  std::optional<std::size_t> remove_after_;
};

}  // namespace kiosk::idcard::sim
