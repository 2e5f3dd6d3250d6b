// MRZ text correction: any OCR output, including noise, lines of any length
// and bytes that are not text, either yields a TD1 whose check digits hold or
// an error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kiosk/mrz/mrz_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto mrz = kiosk::mrz::CorrectTd1Text(text);
  if (mrz && mrz->size() != 90) std::abort();
  return 0;
}
