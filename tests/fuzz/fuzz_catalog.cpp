// The procedure catalog arrives as data (and, later, as a remote update).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kiosk/catalog/catalog.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto catalog = kiosk::catalog::Catalog::Parse(text, "fuzz.toml");
  if (!catalog) return 0;
  const auto day = kiosk::catalog::Day{std::chrono::year{2026} / 11 / 30};
  for (const auto& p : catalog->Procedures()) {
    (void)kiosk::catalog::SelectFees(p, day, "01", {{"pages", "7"}, {"late", "yes"}});
    for (const auto& f : p.form) (void)kiosk::catalog::ValidateField(f, "30/11/2026", day);
  }
  (void)kiosk::catalog::Search(*catalog, "dang ky");
  return 0;
}
