#include "kiosk/i18n/translator.h"

#include <fstream>
#include <iterator>

namespace kiosk::i18n {

namespace {

constexpr std::uint32_t kMagic = 0x950412de;

core::Error Malformed(const std::string& what) {
  return core::Error::Fatal("mo.malformed", "not a valid .mo file: " + what);
}

}  // namespace

core::Expected<MessageCatalog> MessageCatalog::Parse(const std::vector<std::uint8_t>& mo) {
  if (mo.size() < 28) return Malformed("too short");
  const bool little = mo[0] == 0xde && mo[1] == 0x12 && mo[2] == 0x04 && mo[3] == 0x95;
  const bool big = mo[0] == 0x95 && mo[1] == 0x04 && mo[2] == 0x12 && mo[3] == 0xde;
  if (!little && !big) return Malformed("bad magic");
  auto u32 = [&](std::size_t at) -> std::uint32_t {
    if (little) {
      return std::uint32_t{mo[at]} | std::uint32_t{mo[at + 1]} << 8 |
             std::uint32_t{mo[at + 2]} << 16 | std::uint32_t{mo[at + 3]} << 24;
    }
    return std::uint32_t{mo[at + 3]} | std::uint32_t{mo[at + 2]} << 8 |
           std::uint32_t{mo[at + 1]} << 16 | std::uint32_t{mo[at]} << 24;
  };
  (void)kMagic;
  if (u32(4) >> 16 != 0) return Malformed("unknown major revision");
  const std::uint64_t count = u32(8);
  const std::uint64_t originals = u32(12);
  const std::uint64_t translations = u32(16);
  if (originals + count * 8 > mo.size() || translations + count * 8 > mo.size()) {
    return Malformed("string tables out of range");
  }
  auto string_at = [&](std::uint64_t table, std::uint64_t i) -> core::Expected<std::string> {
    const std::uint64_t length = u32(static_cast<std::size_t>(table + i * 8));
    const std::uint64_t offset = u32(static_cast<std::size_t>(table + i * 8 + 4));
    if (offset + length > mo.size()) {
      return Malformed("string out of range");
    }
    return std::string(mo.begin() + static_cast<std::ptrdiff_t>(offset),
                       mo.begin() + static_cast<std::ptrdiff_t>(offset + length));
  };
  MessageCatalog catalog;
  for (std::uint64_t i = 0; i < count; ++i) {
    KIOSK_ASSIGN_OR_RETURN(auto id, string_at(originals, i));
    KIOSK_ASSIGN_OR_RETURN(auto text, string_at(translations, i));
    if (id.empty()) continue;  // the header
    // Plural forms and contexts: msgid\0plural, ctx\x04msgid. Keep the singular.
    id = id.substr(0, id.find('\0'));
    text = text.substr(0, text.find('\0'));
    if (!text.empty()) catalog.messages_.emplace(std::move(id), std::move(text));
  }
  return catalog;
}

core::Expected<MessageCatalog> MessageCatalog::Load(const std::filesystem::path& mo) {
  std::ifstream in(mo, std::ios::binary);
  if (!in) return core::Error::Fatal("mo.missing", "cannot read " + mo.string());
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
  auto parsed = Parse(bytes);
  if (!parsed) return std::move(parsed).GetError().WithContext(mo.string());
  return parsed;
}

const std::string* MessageCatalog::Find(std::string_view msgid) const {
  auto it = messages_.find(std::string(msgid));
  return it == messages_.end() ? nullptr : &it->second;
}

core::Expected<Translator> Translator::Load(const std::filesystem::path& locale_dir,
                                            const std::vector<std::string>& languages,
                                            const std::string& domain) {
  Translator t;
  for (const auto& lang : languages) {
    if (lang == "en") continue;
    KIOSK_ASSIGN_OR_RETURN(
        auto catalog, MessageCatalog::Load(locale_dir / lang / "LC_MESSAGES" / (domain + ".mo")));
    t.catalogs_.emplace(lang, std::move(catalog));
  }
  return t;
}

Words Translator::In(const std::string& language) const {
  auto it = catalogs_.find(language);
  return Words(it == catalogs_.end() ? nullptr : &it->second);
}

const char* Words::operator()(const char* msgid) const {
  if (catalog_ == nullptr) return msgid;
  const std::string* text = catalog_->Find(msgid);
  return text != nullptr ? text->c_str() : msgid;
}

const char* Translator::operator()(const char* msgid) const {
  auto it = catalogs_.find(language_);
  if (it == catalogs_.end()) return msgid;
  const std::string* text = it->second.Find(msgid);
  return text != nullptr ? text->c_str() : msgid;
}

}  // namespace kiosk::i18n
