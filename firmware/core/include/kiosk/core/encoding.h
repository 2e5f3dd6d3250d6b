#pragma once

// Text encodings of bytes. Decoders are strict: they reject anything that a
// canonical encoder would not have produced, because their input comes from
// outside (QR codes, JWS, HTTP).

#include <string>
#include <string_view>

#include "kiosk/core/bytes.h"
#include "kiosk/core/error.h"

namespace kiosk::core {

// Lower-case hex.
std::string HexEncode(ByteView bytes);
// Upper or lower case; even length; no separators.
Expected<Bytes> HexDecode(std::string_view text);

// RFC 4648 §5 without padding, as JWS (RFC 7515) uses it.
std::string Base64UrlEncode(ByteView bytes);
Expected<Bytes> Base64UrlDecode(std::string_view text);

// RFC 4648 §4 with padding.
std::string Base64Encode(ByteView bytes);
Expected<Bytes> Base64Decode(std::string_view text);

}  // namespace kiosk::core
