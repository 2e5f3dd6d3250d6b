#pragma once

// Settings an operator sends a kiosk in a config command: a document the
// gateway's config key signed for this kiosk (kiosk-config+jws). kiosk-agent
// verifies it and stores it; kiosk-app reads what was stored. One schema, in
// one place, for both:
//
//   {"kiosk_id": "QNM-TAMKY-0001", "issued_at": 1767225600,
//    "settings": {"heartbeat_interval_s": 60, "enabled_procedures": ["1.001193"]}}

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/error.h"

namespace kiosk::link {

struct RemoteSettings {
  std::string kiosk_id;
  std::int64_t issued_at = 0;  // Unix seconds; a kiosk never goes back to an older document
  std::optional<int> heartbeat_interval_s;                     // 10 to 3600
  std::optional<std::vector<std::string>> enabled_procedures;  // procedure codes
};

// The signed document's payload; "settings.invalid" names the first field
// outside the schema (an unknown setting included).
core::Expected<RemoteSettings> ParseRemoteSettings(std::string_view json);
std::string RemoteSettingsJson(const RemoteSettings& settings);

// kiosk-agent, once verified: atomically, readable by kiosk-app.
core::Status WriteRemoteSettings(const std::filesystem::path& path, const RemoteSettings& settings);
// kiosk-app and kiosk-agent at start: "settings.absent" when none was applied.
core::Expected<RemoteSettings> ReadRemoteSettings(const std::filesystem::path& path);

}  // namespace kiosk::link
