#pragma once

// The body of POST /v1/dossiers (content type application/vnd.kiosk.dossier):
//   "KUP1" | u32 JWS length | manifest.jws | u32 count | count x (u64 length | bytes)
// Attachments come in manifest order; the gateway checks every length and
// SHA-256 against the signed manifest.

#include <functional>
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

}  // namespace kiosk::dossier
