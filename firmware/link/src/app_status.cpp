#include "kiosk/link/app_status.h"

#include <nlohmann/json.hpp>

#include "kiosk/core/files.h"
#include "kiosk/core/text.h"

namespace kiosk::link {

using nlohmann::json;

bool IsStatusCode(const std::string& text) { return core::IsCode(text, 64, "._+:-"); }

core::Status WriteAppStatus(const std::filesystem::path& path, const AppStatus& status) {
  json out = {{"version", status.version},
              {"peripherals", status.peripherals},
              {"counters", status.counters},
              {"errors", status.errors},
              {"in_use", status.in_use},
              {"out_of_service", status.out_of_service},
              {"written_at_ms", core::UnixMillis(status.written_at)}};
  const std::string text = out.dump();
  return core::WriteFileAtomically(path, core::AsBytes(text), 0640);
}

core::Expected<AppStatus> ParseAppStatus(std::string_view text) {
  auto bad = [](const std::string& why) { return core::Error::NeedsPerson("status.invalid", why); };
  const json in = json::parse(text, nullptr, false);
  if (!in.is_object()) return bad("not a JSON object");
  // Typed reads that never throw: a wrong type is a refusal.
  auto flag = [&](const char* key) {
    return in.contains(key) && in[key].is_boolean() && in[key].get<bool>();
  };
  AppStatus s;
  if (in.contains("version")) {
    if (!in["version"].is_string() || !IsStatusCode(in["version"].get<std::string>())) {
      return bad("version");
    }
    s.version = in["version"].get<std::string>();
  }
  if (in.contains("peripherals")) {
    if (!in["peripherals"].is_object()) return bad("peripherals");
    for (const auto& [k, v] : in["peripherals"].items()) {
      if (!v.is_string() || !IsStatusCode(k) || !IsStatusCode(v.get<std::string>())) {
        return bad("peripherals." + k.substr(0, 64));
      }
      s.peripherals[k] = v.get<std::string>();
    }
  }
  if (in.contains("counters")) {
    if (!in["counters"].is_object()) return bad("counters");
    for (const auto& [k, v] : in["counters"].items()) {
      if (!v.is_number_integer() || !IsStatusCode(k)) return bad("counters." + k.substr(0, 64));
      s.counters[k] = v.get<std::int64_t>();
    }
  }
  if (in.contains("errors")) {
    if (!in["errors"].is_array()) return bad("errors");
    for (const auto& e : in["errors"]) {
      if (!e.is_string() || !IsStatusCode(e.get<std::string>())) return bad("errors");
      s.errors.push_back(e.get<std::string>());
    }
  }
  s.in_use = flag("in_use");
  s.out_of_service = flag("out_of_service");
  // Within the years 1970 to 2286: a time point that fits the clock.
  if (in.contains("written_at_ms") && in["written_at_ms"].is_number_integer() &&
      in["written_at_ms"].get<std::int64_t>() >= 0 &&
      in["written_at_ms"].get<std::int64_t>() < 10'000'000'000'000) {
    s.written_at =
        core::WallTime{std::chrono::milliseconds(in["written_at_ms"].get<std::int64_t>())};
  }
  return s;
}

core::Expected<AppStatus> ReadAppStatus(const std::filesystem::path& path) {
  auto text = core::ReadSmallFile(path, 64 * 1024);
  if (!text) return core::Error::Retryable("status.absent", "no status from kiosk-app yet");
  return ParseAppStatus(*text);
}

}  // namespace kiosk::link
