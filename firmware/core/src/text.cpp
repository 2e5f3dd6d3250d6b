#include "kiosk/core/text.h"

#include <memory>

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
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Transliterator> fold(icu::Transliterator::createInstance(
      "NFD; [:Nonspacing Mark:] Remove; Latin-ASCII; NFC", UTRANS_FORWARD, status));
  if (U_FAILURE(status) || !fold) return Error::Fatal("text.icu", u_errorName(status));
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<std::int32_t>(utf8.size())));
  fold->transliterate(text);
  std::string out;
  text.toUTF8String(out);
  return out;
}

std::string_view TrimAscii(std::string_view text) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace kiosk::core
