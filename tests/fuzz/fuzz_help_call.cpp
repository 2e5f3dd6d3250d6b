// The help mailbox's files (firmware/link): a call as kiosk-agent reads it,
// an answer as kiosk-app reads it. What parses must write back the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kiosk/link/help_call.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto call = kiosk::link::ParseHelpCall(text)) {
    auto back = kiosk::link::ParseHelpCall(kiosk::link::HelpCallJson(*call));
    if (!back || back->id != call->id || back->screen != call->screen ||
        back->attempt != call->attempt || back->pin != call->pin ||
        !kiosk::link::IsHelpCallId(back->id)) {
      std::abort();
    }
  }
  if (auto answer = kiosk::link::ParseHelpAnswer(text)) {
    auto back = kiosk::link::ParseHelpAnswer(kiosk::link::HelpAnswerJson(*answer));
    if (!back || back->state != answer->state || back->call_id != answer->call_id ||
        back->officer_name != answer->officer_name || back->credential != answer->credential) {
      std::abort();
    }
  }
  return 0;
}
