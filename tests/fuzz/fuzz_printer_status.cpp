// What comes back from a printer: status reply bytes to DLE EOT, and (for the
// simulator that the tests trust) whole ESC/POS streams, split anywhere.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "kiosk/printer/escpos.h"
#include "kiosk/printer/escpos_sim.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  kiosk::printer::StatusFlags flags;
  for (std::size_t i = 0; i < size && i < 16; ++i) {
    (void)kiosk::printer::ParseStatusByte(static_cast<int>(i % 5), data[i], flags);
  }
  kiosk::printer::EscPosInterpreter sim(data[0] & 1 ? 576 : 384);
  sim.SetPaperLeft(data[0] & 2 ? 4000 : -1);
  const std::size_t split = size / 2;
  sim.Feed(kiosk::core::ByteView(data, split));
  sim.Feed(kiosk::core::ByteView(data + split, size - split));
  for (const auto& sheet : sim.TakeSheets()) {
    if (sheet.bits.size() != static_cast<std::size_t>(sheet.Stride() * sheet.height)) std::abort();
  }
  if (sim.BytesConsumed() > size) std::abort();
  return 0;
}
