#include "kiosk/core/text.h"

#include <algorithm>
#include <memory>
#include <vector>

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

namespace kiosk::core {

bool IsValidUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto length = static_cast<std::int32_t>(text.size());
  if (static_cast<std::size_t>(length) != text.size()) return false;
  std::int32_t i = 0;
  while (i < length) {
    UChar32 c = 0;
    U8_NEXT(s, i, length, c);
    if (c < 0) return false;
  }
  return true;
}

Expected<std::string> NormalizeNfc(std::string_view utf8) {
  if (!IsValidUtf8(utf8)) return Error::NeedsPerson("text.bad_utf8", "text is not valid UTF-8");
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return Error::Fatal("text.icu", u_errorName(status));
  const icu::UnicodeString source = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<std::int32_t>(utf8.size())));
  if (nfc->isNormalized(source, status) && U_SUCCESS(status)) return std::string(utf8);
  status = U_ZERO_ERROR;
  const icu::UnicodeString normalized = nfc->normalize(source, status);
  if (U_FAILURE(status)) return Error::Fatal("text.icu", u_errorName(status));
  std::string out;
  normalized.toUTF8String(out);
  return out;
}

Expected<std::string> FoldToAscii(std::string_view utf8) {
  if (!IsValidUtf8(utf8)) return Error::NeedsPerson("text.bad_utf8", "text is not valid UTF-8");
  // Made once per thread: creating the transliterator costs far more than
  // using it, and one instance must not be shared between threads.
  thread_local UErrorCode status = U_ZERO_ERROR;
  thread_local std::unique_ptr<icu::Transliterator> fold(icu::Transliterator::createInstance(
      "NFD; [:Nonspacing Mark:] Remove; Latin-ASCII; NFC", UTRANS_FORWARD, status));
  if (U_FAILURE(status) || !fold) return Error::Fatal("text.icu", u_errorName(status));
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<std::int32_t>(utf8.size())));
  fold->transliterate(text);
  std::string out;
  text.toUTF8String(out);
  return out;
}

Expected<std::string> ToUpper(std::string_view utf8) {
  if (!IsValidUtf8(utf8)) return Error::NeedsPerson("text.bad_utf8", "text is not valid UTF-8");
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<std::int32_t>(utf8.size())));
  text.toUpper(icu::Locale("vi"));
  std::string out;
  text.toUTF8String(out);
  return NormalizeNfc(out);
}

std::string_view TrimAscii(std::string_view text) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace kiosk::core

namespace kiosk::core {

std::u32string ToCodePoints(std::string_view utf8) {
  const auto* s = reinterpret_cast<const std::uint8_t*>(utf8.data());
  const auto length = static_cast<std::int32_t>(std::min<std::size_t>(utf8.size(), INT32_MAX));
  std::u32string out;
  out.reserve(utf8.size());
  std::int32_t i = 0;
  while (i < length) {
    UChar32 c = 0;
    U8_NEXT(s, i, length, c);
    out.push_back(c < 0 ? U'\uFFFD' : static_cast<char32_t>(c));
  }
  return out;
}

std::string FromCodePoints(std::u32string_view code_points) {
  std::string out;
  out.reserve(code_points.size());
  for (char32_t c : code_points) {
    if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) c = 0xFFFD;
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

std::size_t EditDistance(std::u32string_view a, std::u32string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

namespace {

std::u32string ForComparison(std::string_view text) {
  auto nfc = NormalizeNfc(text);
  const std::u32string points = ToCodePoints(nfc ? std::string_view(*nfc) : text);
  std::u32string out;
  bool space = false;
  for (char32_t c : points) {
    const bool is_space = c == U' ' || c == U'\t' || c == U'\n' || c == U'\r' || c == U'\f' ||
                          c == U'\v' || c == 0xA0;
    if (is_space) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(U' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

double CharacterErrorRate(std::string_view truth, std::string_view recognized) {
  const auto t = ForComparison(truth);
  const auto r = ForComparison(recognized);
  if (t.empty()) return r.empty() ? 0.0 : 1.0;
  return static_cast<double>(EditDistance(t, r)) / static_cast<double>(t.size());
}

bool IsCode(std::string_view text, std::size_t max_length, std::string_view extra) {
  if (text.empty() || text.size() > max_length) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || extra.find(c) == std::string_view::npos)) return false;
  }
  return true;
}

std::optional<std::int64_t> ParseDecimal(std::string_view digits) {
  if (digits.empty() || digits.size() > 18) return std::nullopt;
  std::int64_t value = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace kiosk::core
