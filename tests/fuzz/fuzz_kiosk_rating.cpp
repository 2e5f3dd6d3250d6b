// The ratings outbox's files (firmware/link/ratings.h) as kiosk-agent reads
// them. What parses must write back the same and name a dossier.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kiosk/link/ratings.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto rating = kiosk::link::ParseKioskRating(text)) {
    auto back = kiosk::link::ParseKioskRating(kiosk::link::KioskRatingJson(*rating));
    if (!back || back->dossier_id != rating->dossier_id || back->score != rating->score ||
        back->rated_at != rating->rated_at || !kiosk::link::IsDossierId(back->dossier_id) ||
        back->score < 1 || back->score > 3) {
      std::abort();
    }
  }
  return 0;
}
