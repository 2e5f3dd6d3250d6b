#pragma once

// The journey's settings from kiosk-app's config: the agency, the procedures
// offered (the config's list, narrowed or widened by an operator's signed
// settings that kiosk-agent verified), holidays, waits and the private work
// folder.

#include <filesystem>

#include "kiosk/app/app_config.h"
#include "kiosk/catalog/catalog.h"
#include "kiosk/core/error.h"
#include "kiosk/journey/journey.h"

namespace kiosk::app {

// "config.invalid" when the config names a procedure the catalog lacks, a
// holiday that is not a date, or a scanner set below what the catalog's
// page formats ask (CheckScannerSettings). Codes in the remote settings the catalog does
// not know are skipped (and logged): an operator's typo never empties the
// kiosk.
core::Expected<journey::Settings> JourneySettings(const AppConfig& config,
                                                  const catalog::Catalog& catalog,
                                                  const std::filesystem::path& state);

// "config.invalid" when the scanner's settings (resolution, colour) cannot
// give pages in `format` (the catalog's strictest).
core::Expected<void> CheckScannerSettings(const AppConfig& config,
                                          const catalog::PageFormat& format);

// Creates the work folder (owner only) and removes what a crash left in it.
// Returns how many leftovers were removed.
core::Expected<int> PrepareWorkDir(const std::filesystem::path& work_dir);

}  // namespace kiosk::app
