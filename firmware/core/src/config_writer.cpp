#include "kiosk/core/config_writer.h"

#include <cstdio>
#include <map>

namespace kiosk::core::config {

std::string QuoteToml(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

void Recorder::Section::Read(std::string_view key, const std::string& value) {
  Record(key, QuoteToml(value));
}

void Recorder::Section::Read(std::string_view key, const bool& value) {
  Record(key, value ? "true" : "false");
}

void Recorder::Section::Read(std::string_view key, const std::vector<std::string>& value) {
  std::string out = "[";
  for (std::size_t i = 0; i < value.size(); ++i) out += (i ? ", " : "") + QuoteToml(value[i]);
  Record(key, out + "]");
}

void Recorder::Section::Read(std::string_view key, const double& value, double, double) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  std::string toml = text;
  if (toml.find_first_of(".eE") == std::string::npos) toml += ".0";  // stays a float
  Record(key, toml);
}

Recorder::Section Recorder::Section::Table(std::string_view key) const {
  return Section(recorder_, path_.empty() ? std::string(key) : path_ + "." + std::string(key));
}

void Recorder::Section::Record(std::string_view key, std::string toml) {
  recorder_->entries_.push_back({path_, std::string(key), std::move(toml)});
}

std::string Recorder::Difference(const Recorder& base) const {
  std::map<std::pair<std::string, std::string>, std::string> before;
  for (const auto& e : base.entries_) before[{e.table, e.key}] = e.toml;
  std::vector<std::string> tables;
  std::map<std::string, std::string> lines;
  for (const auto& e : entries_) {
    const auto was = before.find({e.table, e.key});
    if (was != before.end() && was->second == e.toml) continue;
    if (!lines.count(e.table)) tables.push_back(e.table);
    lines[e.table] += e.key + " = " + e.toml + "\n";
  }
  std::string out;
  // Root keys first: after a [table] header they would belong to it.
  if (lines.count("")) out += lines[""];
  for (const auto& table : tables) {
    if (table.empty()) continue;
    out += (out.empty() ? "" : "\n") + ("[" + table + "]\n") + lines[table];
  }
  return out;
}

}  // namespace kiosk::core::config
