#pragma once

// Vietnamese text is UTF-8 and normalised to NFC at every input boundary
// (card, QR, keyboard, OCR), so that "Nguyễn" typed and "Nguyễn" read from a
// chip compare equal whatever composition each source used.

#include <cstdint>
#include <optional>
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

// Upper case as Vietnamese prints it on cards and forms ("Nguyễn Đức" ->
// "NGUYỄN ĐỨC"), NFC.
Expected<std::string> ToUpper(std::string_view utf8);

// The code points of UTF-8 text; malformed sequences become U+FFFD.
std::u32string ToCodePoints(std::string_view utf8);
std::string FromCodePoints(std::u32string_view code_points);

// Levenshtein distance between two texts in code points.
std::size_t EditDistance(std::u32string_view a, std::u32string_view b);

// Character error rate of `recognized` against `truth`: edit distance in code
// points, after NFC and collapsing every run of whitespace to one space,
// divided by the length of the truth (0 for two empty texts).
double CharacterErrorRate(std::string_view truth, std::string_view recognized);

// Removes leading and trailing ASCII whitespace (space, tab, CR, LF).
std::string_view TrimAscii(std::string_view text);

// An identifier-like code: 1 to `max_length` ASCII letters and digits, and
// the characters of `extra` (but not first). Error codes, versions, states
// and agency codes are such codes; names and free text are not.
bool IsCode(std::string_view text, std::size_t max_length, std::string_view extra = "._+:-");

// A decimal number of 1 to 18 digits and nothing else.
std::optional<std::int64_t> ParseDecimal(std::string_view digits);

}  // namespace kiosk::core
