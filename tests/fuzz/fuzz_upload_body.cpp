// The body of a dossier upload (POST /v1/dossiers), read the way the gateway
// reads it: streamed in pieces of every size, the manifest first, then each
// attachment; and whole, as ParseUploadBody does.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kiosk/dossier/upload.h"

namespace dossier = kiosk::dossier;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)dossier::ParseUploadBody(body);
  // A source that hands out 1..7 bytes at a time, as a slow network would.
  std::size_t pos = 0;
  std::size_t step = 0;
  const dossier::UploadSource trickle =
      [&](std::span<std::uint8_t> out) -> kiosk::core::Expected<std::size_t> {
    const std::size_t n = std::min({out.size(), body.size() - pos, 1 + step++ % 7});
    std::copy_n(data + pos, n, out.data());
    pos += n;
    return n;
  };
  std::uint64_t seen = 0;
  dossier::UploadVisitor visitor;
  visitor.manifest = [](std::string, std::uint32_t) { return kiosk::core::Ok(); };
  visitor.begin_attachment = [](std::uint32_t, std::uint64_t) { return kiosk::core::Ok(); };
  visitor.piece = [&](kiosk::core::ByteView piece) {
    seen += piece.size();
    return kiosk::core::Ok();
  };
  visitor.end_attachment = [] { return kiosk::core::Ok(); };
  (void)dossier::ReadUploadBody(trickle, visitor);
  return 0;
}
