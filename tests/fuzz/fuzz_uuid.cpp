// UUIDs arrive in receipts' QR codes and in gateway responses.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "kiosk/core/uuid.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto uuid = kiosk::core::Uuid::Parse(text);
  if (!uuid) return 0;
  std::string lower = text;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (uuid->ToString() != lower) std::abort();
  if (*kiosk::core::Uuid::Parse(uuid->ToString()) != *uuid) std::abort();
  return 0;
}
