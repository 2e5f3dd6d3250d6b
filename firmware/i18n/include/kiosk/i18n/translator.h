#pragma once

// The kiosk's screens and the gateway's dashboard take their strings from
// gettext catalogs (kiosk-app/i18n/po/*.po, gateway/po/*.po, compiled by
// msgfmt at build time). Source strings are English; vi.po holds the
// Vietnamese shown by default. The .mo reader is our own: glibc's gettext
// would need the vi_VN locale generated on the device, and the language
// changes per citizen (per request on the dashboard), not per process.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kiosk/core/error.h"

namespace kiosk::i18n {

// The messages of one .mo file: msgid → msgstr (the first plural form).
class MessageCatalog {
 public:
  static core::Expected<MessageCatalog> Parse(const std::vector<std::uint8_t>& mo);
  static core::Expected<MessageCatalog> Load(const std::filesystem::path& mo);
  // nullptr when the catalog has no translation.
  const std::string* Find(std::string_view msgid) const;
  std::size_t Size() const { return messages_.size(); }

 private:
  std::unordered_map<std::string, std::string> messages_;
};

// One language's words, cheap to copy: what a request handler passes down.
// Without a catalog (English, the source language) msgid itself.
class Words {
 public:
  explicit Words(const MessageCatalog* catalog = nullptr) : catalog_(catalog) {}
  const char* operator()(const char* msgid) const;

 private:
  const MessageCatalog* catalog_;
};

class Translator {
 public:
  // Loads `<dir>/<lang>/LC_MESSAGES/<domain>.mo` for each language but English.
  static core::Expected<Translator> Load(const std::filesystem::path& locale_dir,
                                         const std::vector<std::string>& languages,
                                         const std::string& domain = "kiosk");
  // The words of `language`, whatever the current one (thread-safe once loaded).
  Words In(const std::string& language) const;
  void SetLanguage(std::string language) { language_ = std::move(language); }
  const std::string& Language() const { return language_; }
  // The translation of `msgid` in the current language, or msgid itself.
  const char* operator()(const char* msgid) const;

 private:
  std::unordered_map<std::string, MessageCatalog> catalogs_;
  std::string language_ = "vi";
};

}  // namespace kiosk::i18n
