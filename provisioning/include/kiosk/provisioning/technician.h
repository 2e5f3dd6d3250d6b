#pragma once

// kiosk-provision's conversation with the technician: a value comes from the
// command line, else is asked for on the terminal, else is an error (always
// an error with --yes, which never asks).

#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "kiosk/core/error.h"
#include "kiosk/provisioning/enroll.h"
#include "kiosk/provisioning/self_test.h"

namespace kiosk::provisioning {

// The command line: a step (all, self-test, report, decommission) and
// --name VALUE pairs.
struct Options {
  std::string step = "all";
  std::map<std::string, std::string> values;
  std::vector<std::string> scanner_options;  // --scanner-option, repeatable
  bool yes = false;                          // never ask
  bool allow_failed = false;                 // enroll even if a self-test check failed
  bool help = false;
};

// "args.usage" for an unknown step, or an option without its value.
core::Expected<Options> ParseOptions(int argc, const char* const* argv);

class Technician {
 public:
  // Asks on `in`/`out` only when `interactive` (a terminal, and not --yes).
  Technician(Options& options, std::istream& in, std::ostream& out, bool interactive);

  // The value of --name, else the answer to `question` (the fallback on an
  // empty answer), else "args.missing".
  core::Expected<std::string> Get(const std::string& name, const std::string& question,
                                  const std::string& fallback = "");
  // The value of --name, else the fallback; never asks.
  std::string Or(const std::string& name, const std::string& fallback) const;
  // Yes when not interactive: the flags already said what to do.
  bool Confirm(const std::string& question);

 private:
  Options& options_;
  std::istream& in_;
  std::ostream& out_;
  bool interactive_;
};

// Who the kiosk is and where its gateway is, checked before anything is
// generated or sent.
struct Answers {
  std::string kiosk_id;
  std::string commune;
  std::string token;
  std::string site_name;
  std::string province = "49";
  std::string ca_file;
  HostPort enroll_gateway;
  HostPort device_gateway;
  std::string server_name = "localhost";
  std::vector<std::string> procedures;  // empty: the whole catalog
};

// Asks for what is missing; "args.missing", "args.kiosk_id", "args.address".
core::Expected<Answers> GatherAnswers(Technician& technician);

// The peripherals to check, from --reader, --scanner, --printer, ...;
// "args.card_wait_ms" when --card-wait-ms is not a number of milliseconds.
core::Expected<SelfTestSettings> SelfTestSettingsFrom(const Options& options);

// "a,b,,c" -> {a, b, c}.
std::vector<std::string> SplitCommas(const std::string& text);

}  // namespace kiosk::provisioning
