// A SANE frame as a backend reports it: parameters and bytes, both untrusted.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "kiosk/scanner/sane_scanner.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 12) return 0;
  kiosk::scanner::FrameParameters p;
  p.rgb = data[0] & 1;
  p.depth = data[1];
  std::int16_t bpl = 0, ppl = 0, lines = 0;
  std::memcpy(&bpl, data + 2, 2);
  std::memcpy(&ppl, data + 4, 2);
  std::memcpy(&lines, data + 6, 2);
  p.bytes_per_line = bpl;
  p.pixels_per_line = ppl;
  p.lines = lines;
  const kiosk::scanner::Bytes bytes(data + 8, data + size);
  auto page = kiosk::scanner::AssembleFrame(p, bytes, 300);
  if (page) {
    const std::size_t channels = page->gray ? 1 : 3;
    if (page->pixels.size() !=
        static_cast<std::size_t>(page->width) * static_cast<std::size_t>(page->height) * channels) {
      std::abort();
    }
  }
  return 0;
}
