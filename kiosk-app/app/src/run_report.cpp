#include "kiosk/app/run_report.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

namespace kiosk::app {

using Json = nlohmann::ordered_json;

namespace {

double Milliseconds(std::chrono::microseconds t) {
  return std::round(static_cast<double>(t.count()) / 10.0) / 100.0;  // two decimals
}

Json Percentiles(std::vector<std::chrono::microseconds> times) {
  if (times.empty()) return Json::object();
  std::sort(times.begin(), times.end());
  auto at = [&](double q) {
    const auto i = static_cast<std::size_t>(q * static_cast<double>(times.size()));
    return Milliseconds(times[std::min(times.size() - 1, i)]);
  };
  return Json{{"frames", times.size()}, {"p50_ms", at(0.5)}, {"p99_ms", at(0.99)}};
}

// `{"taps": 7, "screens": 5}`: one line, so a shell script can grep a field.
std::string OneLine(const Json& value) {
  std::string out;
  if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      out += (out.empty() ? "{" : ", ") + Json(key).dump() + ": " + OneLine(item);
    }
    return out.empty() ? "{}" : out + "}";
  }
  if (value.is_array()) {
    for (const auto& item : value) out += (out.empty() ? "[" : ", ") + OneLine(item);
    return out.empty() ? "[]" : out + "]";
  }
  return value.dump();
}

// Each field on a line of its own; an object of objects (frame_times) one
// entry per line.
std::string Layout(const Json& report) {
  std::string out = "{";
  bool first = true;
  for (const auto& [key, value] : report.items()) {
    out += (first ? "\n  " : ",\n  ") + Json(key).dump() + ": ";
    first = false;
    const bool nested = value.is_object() && !value.empty() && value.begin()->is_object();
    if (!nested) {
      out += OneLine(value);
      continue;
    }
    std::string inner;
    for (const auto& [name, item] : value.items()) {
      inner += (inner.empty() ? "{\n    " : ",\n    ") + Json(name).dump() + ": " + OneLine(item);
    }
    out += inner + "\n  }";
  }
  return out + "\n}\n";
}

}  // namespace

std::string RunReportJson(const RunFigures& figures, const ui::RunReport& report) {
  Json frame_times = Json::object();
  for (const auto& [screen, times] : report.frame_times) frame_times[screen] = Percentiles(times);
  Json json = {
      {"script", figures.script},
      {"orientation", figures.orientation},
      {"completed", figures.completed},
      {"cold_start_to_first_frame_ms", figures.cold_start_to_first_frame.count()},
      {"first_frame_rss_kb", figures.first_frame_rss_kb},
      {"taps", report.taps},
      {"keystrokes", report.keystrokes},
      {"card_to_receipt",
       {{"taps", report.card_to_receipt_taps},
        {"keystrokes", report.card_to_receipt_keystrokes},
        {"screens", report.screens}}},
      {"scrolls", report.scrolls},
      {"frames", report.frames},
      {"rss_kb", figures.rss_kb},
      {"peak_rss_kb", figures.peak_rss_kb},
      {"frame_times", frame_times},
  };
  if (!report.card_images.empty()) json["card_images"] = report.card_images;
  if (!report.reference.empty()) {
    json["dossier_code"] = report.dossier_code;
    json["reference"] = report.reference;
  }
  return Layout(json);
}

long ResidentKb(const char* key) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(key, 0) == 0) return std::stol(line.substr(std::strlen(key)));
  }
  return 0;
}

}  // namespace kiosk::app
