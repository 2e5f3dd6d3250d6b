// Hex and base64 decoders take text from QR codes, JWS and HTTP headers.
// Property: whatever decodes must re-encode to the same text (canonical form).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "kiosk/core/encoding.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  using namespace kiosk::core;  // NOLINT(google-build-using-namespace): fuzz target

  if (auto b = Base64UrlDecode(text); b && Base64UrlEncode(*b) != text) std::abort();
  if (auto b = Base64Decode(text); b && Base64Encode(*b) != text) std::abort();
  if (auto b = HexDecode(text)) {
    std::string lower = text;
    for (auto& c : lower) {
      if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    }
    if (HexEncode(*b) != lower) std::abort();
  }
  // And every byte string round-trips.
  const ByteView bytes(data, size);
  auto back = Base64UrlDecode(Base64UrlEncode(bytes));
  if (!back || *back != Bytes(bytes.begin(), bytes.end())) std::abort();
  return 0;
}
