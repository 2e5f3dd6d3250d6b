// Command APDUs as the virtual chip receives them: parse, re-encode, compare.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "kiosk/idcard/apdu.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const kiosk::core::ByteView input(data, size);
  auto command = kiosk::idcard::CommandApdu::Parse(input);
  if (command) {
    auto again = kiosk::idcard::CommandApdu::Parse(command->Encode());
    if (!again || !(*again == *command)) std::abort();
  }
  return 0;
}
