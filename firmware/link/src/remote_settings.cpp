#include "kiosk/link/remote_settings.h"

#include <nlohmann/json.hpp>

#include "kiosk/core/files.h"
#include "kiosk/core/text.h"

namespace kiosk::link {

using nlohmann::json;

namespace {

core::Error Invalid(const std::string& what) {
  return core::Error::NeedsPerson("settings.invalid", what);
}

}  // namespace

core::Expected<RemoteSettings> ParseRemoteSettings(std::string_view text) {
  const json doc = json::parse(text, nullptr, false);
  if (!doc.is_object()) return Invalid("not a JSON object");
  RemoteSettings out;
  if (!doc.contains("kiosk_id") || !doc["kiosk_id"].is_string() ||
      !core::IsCode(doc["kiosk_id"].get<std::string>(), 64)) {
    return Invalid("kiosk_id");
  }
  out.kiosk_id = doc["kiosk_id"].get<std::string>();
  if (!doc.contains("issued_at") || !doc["issued_at"].is_number_integer()) {
    return Invalid("issued_at");
  }
  out.issued_at = doc["issued_at"].get<std::int64_t>();
  if (!doc.contains("settings") || !doc["settings"].is_object()) return Invalid("settings");
  for (const auto& [key, value] : doc["settings"].items()) {
    if (key == "heartbeat_interval_s") {
      if (!value.is_number_integer() || value.get<std::int64_t>() < 10 ||
          value.get<std::int64_t>() > 3600) {
        return Invalid("heartbeat_interval_s must be 10 to 3600");
      }
      out.heartbeat_interval_s = value.get<int>();
    } else if (key == "enabled_procedures") {
      if (!value.is_array()) return Invalid("enabled_procedures");
      std::vector<std::string> codes;
      for (const auto& code : value) {
        if (!code.is_string() || !core::IsCode(code.get<std::string>(), 32)) {
          return Invalid("enabled_procedures");
        }
        codes.push_back(code.get<std::string>());
      }
      out.enabled_procedures = std::move(codes);
    } else {
      return Invalid("unknown setting " + key.substr(0, 40));
    }
  }
  return out;
}

std::string RemoteSettingsJson(const RemoteSettings& s) {
  json settings = json::object();
  if (s.heartbeat_interval_s) settings["heartbeat_interval_s"] = *s.heartbeat_interval_s;
  if (s.enabled_procedures) settings["enabled_procedures"] = *s.enabled_procedures;
  return json{{"kiosk_id", s.kiosk_id}, {"issued_at", s.issued_at}, {"settings", settings}}.dump();
}

core::Status WriteRemoteSettings(const std::filesystem::path& path, const RemoteSettings& s) {
  return core::WriteFileAtomically(path, core::AsBytes(RemoteSettingsJson(s)), 0644);
}

core::Expected<RemoteSettings> ReadRemoteSettings(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return core::Error::NeedsPerson("settings.absent", "no remote settings applied");
  }
  KIOSK_ASSIGN_OR_RETURN(auto text, core::ReadSmallFile(path, 64 * 1024));
  return ParseRemoteSettings(text);
}

}  // namespace kiosk::link
