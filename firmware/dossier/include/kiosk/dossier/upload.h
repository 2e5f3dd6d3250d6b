#pragma once

// The body of POST /v1/dossiers (content type application/vnd.kiosk.dossier):
//   "KUP1" | u32 JWS length | manifest.jws | u32 count | count x (u64 length | bytes)
// Attachments come in manifest order; the gateway checks every length and
// SHA-256 against the signed manifest.

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

core::Expected<std::string> BuildUploadBody(PackageReader& package);
core::Expected<UploadBody> ParseUploadBody(std::string_view body);

}  // namespace kiosk::dossier
