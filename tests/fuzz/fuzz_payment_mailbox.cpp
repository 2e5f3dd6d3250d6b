// The payment mailbox's files (firmware/link): an ask as kiosk-agent reads
// it, an answer as kiosk-app reads it. What parses must write back the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kiosk/link/payment_mailbox.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto ask = kiosk::link::ParsePaymentAsk(text)) {
    auto back = kiosk::link::ParsePaymentAsk(kiosk::link::PaymentAskJson(*ask));
    if (!back || back->reference != ask->reference || back->amount_vnd != ask->amount_vnd ||
        back->qr != ask->qr || !kiosk::link::IsPaymentReference(back->reference)) {
      std::abort();
    }
  }
  if (auto answer = kiosk::link::ParsePaymentAnswer(text)) {
    auto back = kiosk::link::ParsePaymentAnswer(kiosk::link::PaymentAnswerJson(*answer));
    if (!back || back->state != answer->state || back->ask_id != answer->ask_id) std::abort();
  }
  return 0;
}
