#include "kiosk/app/journey_settings.h"

#include "kiosk/core/log.h"
#include "kiosk/link/remote_settings.h"

namespace kiosk::app {

namespace klog = core::log;

core::Expected<void> CheckScannerSettings(const AppConfig& config,
                                          const catalog::PageFormat& format) {
  // No scanner, or the fake (which scans as the rule asks): nothing to set.
  if (config.scanner.empty() || config.scanner == "none" || config.scanner == "fake") {
    return core::Ok();
  }
  if (config.scan_dpi < format.min_dpi) {
    return core::Error::NeedsPerson(
        "config.invalid", "scanner.dpi = " + std::to_string(config.scan_dpi) + ", but " +
                              format.rule + " asks for " + std::to_string(format.min_dpi));
  }
  if (format.mode == catalog::PageMode::kColor && !config.scan_color) {
    return core::Error::NeedsPerson(
        "config.invalid", "scanner.color = false, but " + format.rule + " asks for colour pages");
  }
  return core::Ok();
}

core::Expected<journey::Settings> JourneySettings(const AppConfig& config,
                                                  const catalog::Catalog& catalog,
                                                  const std::filesystem::path& state) {
  journey::Settings settings;
  settings.kiosk_id = config.device.kiosk_id;
  settings.province = config.device.province_code;
  settings.agency_code = config.agency_code;
  settings.agency_name = config.agency_name;
  settings.site_name = config.device.site_name;
  settings.health_facilities = config.health_facilities;
  settings.counter = config.counter;
  settings.working_hours = config.working_hours;
  settings.hotline = config.hotline;
  for (const auto& code : config.procedures) {
    if (catalog.Find(code) == nullptr) {
      return core::Error::NeedsPerson("config.invalid",
                                      "site.procedures: no procedure " + code + " in the catalog");
    }
    settings.enabled_procedures.insert(code);
  }
  KIOSK_TRY(CheckScannerSettings(config, catalog.StrictestPageFormat()));
  if (!config.remote_config.empty()) {
    auto applied = link::ReadRemoteSettings(Under(state, config.remote_config));
    if (applied && applied->enabled_procedures) {
      std::set<std::string> enabled;
      for (const auto& code : *applied->enabled_procedures) {
        if (catalog.Find(code) != nullptr) {
          enabled.insert(code);
        } else {
          klog::Warn("app.remote_procedure_unknown", {{"code", code}});
        }
      }
      if (!enabled.empty()) settings.enabled_procedures = enabled;
    }
  }
  for (const auto& h : config.holidays) {
    KIOSK_ASSIGN_OR_RETURN(const auto day, catalog::ParseDay(h));
    settings.calendar.days_off.insert(day);
  }
  for (const auto& w : config.working_days) {
    KIOSK_ASSIGN_OR_RETURN(const auto day, catalog::ParseDay(w));
    settings.calendar.working_days.insert(day);
  }
  settings.idle_timeout = std::chrono::seconds(config.idle_timeout_s);
  settings.idle_warning = std::chrono::seconds(config.idle_warning_s);
  settings.card_wait = std::chrono::milliseconds(config.card_wait_ms);
  settings.submit_wait = std::chrono::milliseconds(config.submit_wait_ms);
  settings.work_dir = Under(state, config.work_dir);
  settings.payment_methods = config.payment_methods;
  return settings;
}

core::Expected<int> PrepareWorkDir(const std::filesystem::path& work_dir) {
  std::error_code ec;
  std::filesystem::create_directories(work_dir, ec);
  if (ec) return core::Error::NeedsPerson("io.write", "cannot create " + work_dir.string());
  std::filesystem::permissions(work_dir, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, ec);
  if (ec) return core::Error::NeedsPerson("io.write", "cannot restrict " + work_dir.string());
  const int swept = journey::SweepWorkDir(work_dir);
  if (swept > 0) klog::Warn("app.swept_leftovers", {{"count", swept}});
  return swept;
}

}  // namespace kiosk::app
