#pragma once

// Vietnamese text is UTF-8 and normalised to NFC at every input boundary
// (card, QR, keyboard, OCR), so that "Nguyễn" typed and "Nguyễn" read from a
// chip compare equal whatever composition each source used.

#include <string>
#include <string_view>

#include "kiosk/core/error.h"

namespace kiosk::core {

bool IsValidUtf8(std::string_view text);

// NFC form of UTF-8 text; fails with "text.bad_utf8" on malformed input.
Expected<std::string> NormalizeNfc(std::string_view utf8);

// Vietnamese folded to ASCII: diacritics removed, "đ" to "d" ("Nguyễn Đức" ->
// "Nguyen Duc"). For MRZ names and search without diacritics.
Expected<std::string> FoldToAscii(std::string_view utf8);

// Removes leading and trailing ASCII whitespace (space, tab, CR, LF).
std::string_view TrimAscii(std::string_view text);

}  // namespace kiosk::core
