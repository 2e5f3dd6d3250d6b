#include "kiosk/gateway/store/dossiers.h"

#include <cstdio>

namespace kiosk::gateway {

std::string FormatDossierCode(const std::string& agency, const Day& day, int sequence) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "-%02d%02u%02u-%04d", static_cast<int>(day.year()) % 100,
                static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()), sequence);
  return agency + buf;
}

}  // namespace kiosk::gateway
