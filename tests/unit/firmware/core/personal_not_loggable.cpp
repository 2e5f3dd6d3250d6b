// Compiled by the core_personal_not_loggable test, never linked.
#include <string>

#include "kiosk/core/log.h"
#include "kiosk/core/secret.h"

void LogSomething(const kiosk::core::PersonalText& name) {
  kiosk::core::log::Info("form.filled", {{"fields", 12}});
#ifdef KIOSK_LOG_PERSONAL
  kiosk::core::log::Info("form.filled", {{"name", name}});
#else
  (void)name;
#endif
}
