#pragma once

// The body of POST /v1/dossiers (content type application/vnd.kiosk.dossier):
//   "KUP1" | u32 JWS length | manifest.jws | u32 count | count x (u64 length | bytes)
// Attachments come in manifest order; the gateway checks every length and
// SHA-256 against the signed manifest.

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/error.h"
#include "kiosk/dossier/package.h"

namespace kiosk::dossier {

inline constexpr const char* kUploadContentType = "application/vnd.kiosk.dossier";

struct UploadBody {
  std::string manifest_jws;
  std::vector<std::string> attachments;
};

// The body's length, and the body itself written piece by piece: an
// attachment never has to be in memory whole.
std::uint64_t UploadBodySize(const PackageReader& package, const std::string& manifest_jws);
core::Status WriteUploadBody(PackageReader& package, const std::string& manifest_jws,
                             const std::function<core::Status(core::ByteView)>& write);
// The same, collected into one string (tests, small dossiers).
core::Expected<std::string> BuildUploadBody(PackageReader& package);
core::Expected<UploadBody> ParseUploadBody(std::string_view body);

// The receiving side, streaming: the body is read from `source` piece by
// piece (it fills up to out.size() bytes, 0 at the end) and handed to the
// visitor in order, so an attachment is never in memory whole. The visitor
// may refuse at any step, the manifest first (before any attachment byte
// is read). "upload.malformed" names what is wrong with the body itself.
using UploadSource = std::function<core::Expected<std::size_t>(std::span<std::uint8_t> out)>;
struct UploadVisitor {
  std::function<core::Status(std::string manifest_jws, std::uint32_t attachments)> manifest;
  std::function<core::Status(std::uint32_t index, std::uint64_t size)> begin_attachment;
  std::function<core::Status(core::ByteView piece)> piece;
  std::function<core::Status()> end_attachment;
};
core::Status ReadUploadBody(const UploadSource& source, const UploadVisitor& visitor);
// A body in memory as a source.
UploadSource UploadSourceOf(std::string_view body);

}  // namespace kiosk::dossier
