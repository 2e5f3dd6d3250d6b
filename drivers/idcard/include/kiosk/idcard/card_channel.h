#pragma once

// One APDU exchange with a card. The PC/SC transport implements it for real
// readers; tests implement it over the virtual chip directly.

#include "kiosk/core/error.h"
#include "kiosk/idcard/apdu.h"

namespace kiosk::idcard {

class CardChannel {
 public:
  virtual ~CardChannel() = default;
  // Fails with "card.removed" when the card left the field, "reader.gone"
  // when the reader was unplugged.
  virtual core::Expected<ResponseApdu> Transmit(const CommandApdu& command) = 0;
};

}  // namespace kiosk::idcard
