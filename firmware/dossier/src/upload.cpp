#include "kiosk/dossier/upload.h"

#include <algorithm>

namespace kiosk::dossier {

namespace {
constexpr std::string_view kMagic = "KUP1";
constexpr std::uint64_t kMaxAttachment = std::uint64_t{1} << 32;
constexpr std::uint64_t kMaxManifestJws = 4 * 1024 * 1024;
constexpr std::uint64_t kMaxAttachments = 1000;

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

namespace {

// Exactly `out.size()` bytes from the source, or "upload.malformed".
core::Status ReadExactly(const UploadSource& source, std::span<std::uint8_t> out) {
  while (!out.empty()) {
    KIOSK_ASSIGN_OR_RETURN(const std::size_t n, source(out));
    if (n == 0) return Bad("body ends early");
    out = out.subspan(n);
  }
  return core::Ok();
}

core::Expected<std::uint64_t> ReadNumber(const UploadSource& source, std::size_t bytes) {
  std::uint8_t raw[8] = {0};
  KIOSK_TRY(ReadExactly(source, std::span<std::uint8_t>(raw, bytes)));
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < bytes; ++i) v = (v << 8) | raw[i];
  return v;
}

}  // namespace

core::Status ReadUploadBody(const UploadSource& source, const UploadVisitor& visitor) {
  std::uint8_t magic[4];
  KIOSK_TRY(ReadExactly(source, magic));
  if (core::AsChars(core::ByteView(magic, 4)) != kMagic) return Bad("not a dossier upload");
  KIOSK_ASSIGN_OR_RETURN(const std::uint64_t jws_length, ReadNumber(source, 4));
  if (jws_length > kMaxManifestJws) return Bad("manifest too large");
  std::string jws(jws_length, '\0');
  KIOSK_TRY(ReadExactly(
      source, std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(jws.data()), jws.size())));
  KIOSK_ASSIGN_OR_RETURN(const std::uint64_t count, ReadNumber(source, 4));
  if (count > kMaxAttachments) return Bad("too many attachments");
  KIOSK_TRY(visitor.manifest(std::move(jws), static_cast<std::uint32_t>(count)));
  std::vector<std::uint8_t> buffer(kChunkSize);
  for (std::uint32_t i = 0; i < count; ++i) {
    KIOSK_ASSIGN_OR_RETURN(std::uint64_t left, ReadNumber(source, 8));
    if (left > kMaxAttachment) return Bad("attachment too large");
    KIOSK_TRY(visitor.begin_attachment(i, left));
    while (left > 0) {
      const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(left, buffer.size()));
      const std::span<std::uint8_t> piece(buffer.data(), want);
      KIOSK_TRY(ReadExactly(source, piece));
      KIOSK_TRY(visitor.piece(piece));
      left -= want;
    }
    KIOSK_TRY(visitor.end_attachment());
  }
  std::uint8_t extra = 0;
  KIOSK_ASSIGN_OR_RETURN(const std::size_t more, source(std::span<std::uint8_t>(&extra, 1)));
  if (more != 0) return Bad("trailing bytes after the last attachment");
  return core::Ok();
}

UploadSource UploadSourceOf(std::string_view body) {
  return [body](std::span<std::uint8_t> out) mutable -> core::Expected<std::size_t> {
    const std::size_t n = std::min(out.size(), body.size());
    std::copy_n(body.data(), n, reinterpret_cast<char*>(out.data()));
    body.remove_prefix(n);
    return n;
  };
}

core::Expected<UploadBody> ParseUploadBody(std::string_view body) {
  UploadBody out;
  UploadVisitor visitor;
  visitor.manifest = [&](std::string jws, std::uint32_t) {
    out.manifest_jws = std::move(jws);
    return core::Ok();
  };
  visitor.begin_attachment = [&](std::uint32_t, std::uint64_t) {
    out.attachments.emplace_back();
    return core::Ok();
  };
  visitor.piece = [&](core::ByteView piece) {
    out.attachments.back().append(core::AsChars(piece));
    return core::Ok();
  };
  visitor.end_attachment = [] { return core::Ok(); };
  KIOSK_TRY(ReadUploadBody(UploadSourceOf(body), visitor));
  return out;
}

}  // namespace kiosk::dossier
