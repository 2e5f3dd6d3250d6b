#include "kiosk/provisioning/technician.h"

#include <charconv>
#include <istream>
#include <ostream>

#include "kiosk/core/device_config.h"

namespace kiosk::provisioning {

using core::Error;

core::Expected<Options> ParseOptions(int argc, const char* const* argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      o.help = true;
    } else if (a == "--yes") {
      o.yes = true;
    } else if (a == "--allow-failed-self-test") {
      o.allow_failed = true;
    } else if (a.starts_with("--")) {
      if (i + 1 >= argc) return Error::NeedsPerson("args.usage", a + " needs a value");
      if (a == "--scanner-option") {
        o.scanner_options.emplace_back(argv[++i]);
      } else {
        o.values[a.substr(2)] = argv[++i];
      }
    } else if (a == "all" || a == "self-test" || a == "report" || a == "decommission") {
      o.step = a;
    } else {
      return Error::NeedsPerson("args.usage", "unknown step or argument: " + a);
    }
  }
  return o;
}

Technician::Technician(Options& options, std::istream& in, std::ostream& out, bool interactive)
    : options_(options), in_(in), out_(out), interactive_(interactive && !options.yes) {}

core::Expected<std::string> Technician::Get(const std::string& name, const std::string& question,
                                            const std::string& fallback) {
  if (const auto it = options_.values.find(name); it != options_.values.end()) return it->second;
  const Error missing = Error::NeedsPerson("args.missing", "--" + name + " is needed");
  if (!interactive_) {
    if (fallback.empty()) return missing;
    return fallback;
  }
  out_ << "  " << question << (fallback.empty() ? "" : " [" + fallback + "]") << ": " << std::flush;
  std::string line;
  if (!std::getline(in_, line)) return missing;
  if (line.empty()) line = fallback;
  if (line.empty()) return missing;
  options_.values[name] = line;
  return line;
}

std::string Technician::Or(const std::string& name, const std::string& fallback) const {
  const auto it = options_.values.find(name);
  return it == options_.values.end() ? fallback : it->second;
}

bool Technician::Confirm(const std::string& question) {
  if (!interactive_) return true;
  out_ << "  " << question << " [y/N]: " << std::flush;
  std::string line;
  return std::getline(in_, line) && (line == "y" || line == "Y" || line == "yes");
}

core::Expected<Answers> GatherAnswers(Technician& t) {
  Answers a;
  KIOSK_ASSIGN_OR_RETURN(a.kiosk_id, t.Get("kiosk-id", "Kiosk id (e.g. QNM-TAMKY-0001)"));
  if (!core::IsValidKioskId(a.kiosk_id)) {
    return Error::NeedsPerson("args.kiosk_id", "kiosk ids are 3-64 of A-Z, 0-9, '-'");
  }
  KIOSK_ASSIGN_OR_RETURN(a.commune, t.Get("commune", "Commune code"));
  KIOSK_ASSIGN_OR_RETURN(a.token, t.Get("token", "One-time enrollment token from the operator"));
  KIOSK_ASSIGN_OR_RETURN(const std::string enroll,
                         t.Get("gateway", "Gateway enrollment address HOST:PORT"));
  KIOSK_ASSIGN_OR_RETURN(a.enroll_gateway, ParseHostPort(enroll));
  KIOSK_ASSIGN_OR_RETURN(const std::string device,
                         t.Get("device-gateway", "Gateway device address HOST:PORT"));
  KIOSK_ASSIGN_OR_RETURN(a.device_gateway, ParseHostPort(device));
  KIOSK_ASSIGN_OR_RETURN(a.ca_file, t.Get("gateway-ca", "Gateway CA file to pin"));
  KIOSK_ASSIGN_OR_RETURN(a.site_name, t.Get("site-name", "Site name", "UBND " + a.commune));
  a.province = t.Or("province", a.province);
  a.server_name = t.Or("server-name", a.server_name);
  a.procedures = SplitCommas(t.Or("procedures", ""));
  return a;
}

core::Expected<SelfTestSettings> SelfTestSettingsFrom(const Options& options) {
  auto value = [&](const char* name, const std::string& fallback) {
    const auto it = options.values.find(name);
    return it == options.values.end() ? fallback : it->second;
  };
  SelfTestSettings s;
  const std::string wait = value("card-wait-ms", "3000");
  int wait_ms = -1;
  const auto [end, error] = std::from_chars(wait.data(), wait.data() + wait.size(), wait_ms);
  if (error != std::errc() || end != wait.data() + wait.size() || wait_ms < 0) {
    return Error::NeedsPerson("args.card_wait_ms",
                              "--card-wait-ms is milliseconds, e.g. 3000; not \"" + wait + "\"");
  }
  s.card_wait = std::chrono::milliseconds(wait_ms);
  s.reader = value("reader", s.reader);
  s.reader_name = value("reader-name", "");
  s.scanner = value("scanner", s.scanner);
  s.scanner_options = options.scanner_options;
  s.printer = value("printer", s.printer);
  s.paper = value("paper", s.paper);
  s.terminal = value("terminal", s.terminal);
  s.terminal_ca = value("terminal-ca", "");
  s.sale_certificate = value("sale-cert", "");
  s.sale_key = value("sale-key", "");
  s.display = value("display", s.display);
  return s;
}

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto end = text.find(',', pos);
    std::string item = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (!item.empty()) out.push_back(item);
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return out;
}

}  // namespace kiosk::provisioning
