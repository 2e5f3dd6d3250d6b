// manifest.json as the gateway receives it from a kiosk.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kiosk/dossier/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto dossier = kiosk::dossier::ParseManifest(text);
  if (!dossier) return 0;
  // What parses writes back to a manifest that parses to the same text.
  const std::string again = kiosk::dossier::ToManifestJson(*dossier);
  auto back = kiosk::dossier::ParseManifest(again);
  if (!back || kiosk::dossier::ToManifestJson(*back) != again) std::abort();
  return 0;
}
