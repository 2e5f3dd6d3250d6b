#include "kiosk/dossier/upload.h"

namespace kiosk::dossier {

namespace {
constexpr std::string_view kMagic = "KUP1";
constexpr std::uint64_t kMaxAttachment = std::uint64_t{1} << 32;

void Put(std::string& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

core::Error Bad(const std::string& why) {
  return core::Error::NeedsPerson("upload.malformed", why);
}
}  // namespace

std::uint64_t UploadBodySize(const PackageReader& package, const std::string& manifest_jws) {
  std::uint64_t size = kMagic.size() + 4 + manifest_jws.size() + 4;
  const auto& entries = package.Entries();
  for (std::size_t i = 1; i < entries.size(); ++i) size += 8 + entries[i].size;
  return size;
}

core::Status WriteUploadBody(PackageReader& package, const std::string& manifest_jws,
                             const std::function<core::Status(core::ByteView)>& write) {
  std::string head(kMagic);
  Put(head, manifest_jws.size(), 4);
  head += manifest_jws;
  const auto& entries = package.Entries();
  Put(head, entries.size() - 1, 4);
  KIOSK_TRY(write(core::AsBytes(head)));
  for (std::size_t i = 1; i < entries.size(); ++i) {
    std::string length;
    Put(length, entries[i].size, 8);
    KIOSK_TRY(write(core::AsBytes(length)));
    KIOSK_TRY(package.ReadEntry(i, write));
  }
  return core::Ok();
}

core::Expected<std::string> BuildUploadBody(PackageReader& package) {
  KIOSK_ASSIGN_OR_RETURN(const std::string jws, package.ManifestJws());
  std::string out;
  KIOSK_TRY(WriteUploadBody(package, jws, [&out](core::ByteView piece) {
    out.append(core::AsChars(piece));
    return core::Ok();
  }));
  return out;
}

core::Expected<UploadBody> ParseUploadBody(std::string_view body) {
  std::size_t pos = 0;
  auto take = [&](std::size_t n) -> core::Expected<std::string_view> {
    if (body.size() - pos < n) return Bad("body ends early");
    auto part = body.substr(pos, n);
    pos += n;
    return part;
  };
  auto number = [&](int bytes) -> core::Expected<std::uint64_t> {
    KIOSK_ASSIGN_OR_RETURN(const std::string_view raw, take(static_cast<std::size_t>(bytes)));
    std::uint64_t v = 0;
    for (char c : raw) v = (v << 8) | static_cast<unsigned char>(c);
    return v;
  };
  KIOSK_ASSIGN_OR_RETURN(const std::string_view magic, take(4));
  if (magic != kMagic) return Bad("not a dossier upload");
  KIOSK_ASSIGN_OR_RETURN(const std::uint64_t jws_length, number(4));
  KIOSK_ASSIGN_OR_RETURN(const std::string_view jws, take(jws_length));
  UploadBody out;
  out.manifest_jws = std::string(jws);
  KIOSK_ASSIGN_OR_RETURN(const std::uint64_t count, number(4));
  if (count > 1000) return Bad("too many attachments");
  for (std::uint64_t i = 0; i < count; ++i) {
    KIOSK_ASSIGN_OR_RETURN(const std::uint64_t length, number(8));
    if (length > kMaxAttachment) return Bad("attachment too large");
    KIOSK_ASSIGN_OR_RETURN(const std::string_view bytes, take(length));
    out.attachments.emplace_back(bytes);
  }
  if (pos != body.size()) return Bad("trailing bytes after the last attachment");
  return out;
}

}  // namespace kiosk::dossier
