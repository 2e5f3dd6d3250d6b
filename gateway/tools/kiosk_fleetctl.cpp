// kiosk-fleetctl: the operator's command line for the fleet, on the gateway's
// own config and state (the gateway may be running: the store is SQLite WAL).
//
//   kiosk-fleetctl --config gateway.toml token --commune CODE --agency CODE [--kiosk-id ID]
//                                               [--hours N] [--by NAME]
//   kiosk-fleetctl --config gateway.toml token --reenroll KIOSK-ID [--hours N] [--by NAME]
//   kiosk-fleetctl --config gateway.toml operator NAME        (password on stdin)
//   kiosk-fleetctl --config gateway.toml staff --commune CODE --name NAME [--days N]
//                                                 (an officer's PIN for assisted mode)
//   kiosk-fleetctl --config gateway.toml revoke KIOSK-ID
//   kiosk-fleetctl --config gateway.toml command KIOSK-ID KIND [--settings JSON]
//   kiosk-fleetctl --config gateway.toml list
//   kiosk-fleetctl --config gateway.toml bundle add FILE --version V --compatible C
//   kiosk-fleetctl --config gateway.toml bundle list
//   kiosk-fleetctl --config gateway.toml rollout start SHA256 --percent N [--communes A,B]
//                                                  [--downgrade]   (to an older version)
//   kiosk-fleetctl --config gateway.toml rollout percent ID N
//   kiosk-fleetctl --config gateway.toml rollout pause|resume ID
//   kiosk-fleetctl --config gateway.toml rollout list
//
// Exit status: 0 done, 1 refused or failed (the reason on stderr), 2 usage.

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "gateway_config.h"
#include "kiosk/core/log.h"
#include "kiosk/core/text.h"
#include "kiosk/core/usage.h"
#include "kiosk/gateway/dashboard.h"

namespace core = kiosk::core;
namespace gw = kiosk::gateway;

namespace {

int Usage(bool asked = false) {
  std::fprintf(kiosk::core::UsageStream(asked),
               "usage: kiosk-fleetctl --config FILE token --commune CODE --agency CODE "
               "[--kiosk-id ID] [--hours N] [--by NAME]\n"
               "       kiosk-fleetctl --config FILE token --reenroll KIOSK-ID [--hours N] "
               "[--by NAME]\n"
               "       kiosk-fleetctl --config FILE operator NAME   (password on stdin)\n"
               "       kiosk-fleetctl --config FILE staff --commune CODE --name NAME "
               "[--days N]\n"
               "       kiosk-fleetctl --config FILE revoke KIOSK-ID\n"
               "       kiosk-fleetctl --config FILE command KIOSK-ID KIND [--settings JSON]\n"
               "       kiosk-fleetctl --config FILE list\n"
               "       kiosk-fleetctl --config FILE bundle add FILE --version V --compatible C\n"
               "       kiosk-fleetctl --config FILE bundle list\n"
               "       kiosk-fleetctl --config FILE rollout start SHA256 --percent N "
               "[--communes A,B] [--downgrade]\n"
               "       kiosk-fleetctl --config FILE rollout percent ID N\n"
               "       kiosk-fleetctl --config FILE rollout pause|resume ID\n"
               "       kiosk-fleetctl --config FILE rollout list\n");
  return asked ? 0 : 2;
}

int Fail(const core::Error& e) {
  std::fprintf(stderr, "kiosk-fleetctl: %s\n", e.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (kiosk::core::AsksForHelp(argc, argv)) return Usage(true);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() < 3 || args[0] != "--config") return Usage();
  const std::string verb = args[2];
  std::vector<std::string> positional;
  std::map<std::string, std::string> flags;
  for (std::size_t i = 3; i < args.size(); ++i) {
    if (args[i] == "--downgrade") {  // the one flag without a value
      flags["downgrade"] = "yes";
    } else if (args[i].rfind("--", 0) == 0) {
      if (i + 1 >= args.size()) return Usage();
      flags[args[i].substr(2)] = args[i + 1];
      ++i;
    } else {
      positional.push_back(args[i]);
    }
  }
  kiosk::core::log::Install(std::make_unique<kiosk::core::log::Logger>(
      kiosk::core::log::SinkForEnvironment("kiosk-fleetctl"), kiosk::core::log::Level::kWarn));
  auto config = gw::ReadGatewayConfig(args[1]);
  if (!config) return Fail(config.GetError());
  auto random = core::Drbg::Create(core::AsBytes("kiosk-fleetctl"));
  if (!random) return Fail(random.GetError());
  auto stores = gw::OpenStores(*config);
  if (!stores) return Fail(stores.GetError());
  auto fleet = gw::OpenFleet(*config, *stores, **random);
  if (!fleet) return Fail(fleet.GetError());
  if (!fleet->desk) {
    return Fail(core::Error::NeedsPerson("config.fleet", "the gateway config has no [fleet]"));
  }
  gw::FleetDesk& desk = *fleet->desk;
  const std::string by = flags.contains("by") ? flags["by"] : "kiosk-fleetctl";

  if (verb == "token" && positional.empty()) {
    int hours = 24;
    if (flags.contains("hours")) hours = std::atoi(flags["hours"].c_str());
    const bool reenroll = flags.contains("reenroll");
    if (reenroll == (flags.contains("commune") || flags.contains("agency"))) return Usage();
    if (!reenroll && (!flags.contains("commune") || !flags.contains("agency"))) return Usage();
    auto token = reenroll ? desk.CreateReenrollToken(flags["reenroll"], hours * 3600, by)
                          : desk.CreateToken(flags["commune"], flags["agency"], hours * 3600, by,
                                             flags["kiosk-id"]);
    if (!token) return Fail(token.GetError());
    std::printf("%s\n", token->c_str());
    return 0;
  }
  if (verb == "operator" && positional.size() == 1) {
    std::string password;
    std::getline(std::cin, password);
    if (password.size() < 12) {
      return Fail(core::Error::NeedsPerson("operator.weak_password",
                                           "an operator password has at least 12 characters"));
    }
    auto hash = gw::HashPassword(password, **random);
    if (!hash) return Fail(hash.GetError());
    if (auto set = desk.Stores().operators->SetOperator(positional[0], *hash); !set)
      return Fail(set.GetError());
    std::printf("operator %s can log in\n", positional[0].c_str());
    return 0;
  }
  if (verb == "staff" && positional.empty()) {
    if (!flags.contains("commune") || !flags.contains("name")) return Usage();
    const int days = flags.contains("days") ? std::atoi(flags["days"].c_str()) : 90;
    auto issued = fleet->help->IssueStaff(flags["commune"], flags["name"], days, by);
    if (!issued) return Fail(issued.GetError());
    // The PIN is shown once, here; the gateway keeps its hash.
    std::printf("%s %s\n", issued->id.c_str(), issued->pin.c_str());
    return 0;
  }
  if (verb == "revoke" && positional.size() == 1) {
    auto revoked = desk.Revoke(positional[0]);
    if (!revoked) return Fail(revoked.GetError());
    if (!*revoked) {
      return Fail(core::Error::NeedsPerson("fleet.unknown", "no kiosk " + positional[0]));
    }
    std::printf("revoked %s: its certificates are refused from the next handshake\n",
                positional[0].c_str());
    return 0;
  }
  if (verb == "command" && positional.size() == 2) {
    std::string command_args;
    if (flags.contains("settings")) command_args = "{\"settings\":" + flags["settings"] + "}";
    auto id = desk.IssueCommand(positional[0], positional[1], command_args, by);
    if (!id) return Fail(id.GetError());
    std::printf("%lld\n", static_cast<long long>(*id));
    return 0;
  }
  if (verb == "list" && positional.empty()) {
    auto states = desk.States();
    if (!states) return Fail(states.GetError());
    for (const auto& s : *states) {
      std::string alerts;
      for (const auto& a : s.alerts) alerts += (alerts.empty() ? "" : ",") + a;
      std::printf("%-24s %-8s %-8s outbox=%lld %s\n", s.view.device.kiosk_id.c_str(),
                  s.view.device.commune.c_str(),
                  s.view.device.state != "active" ? "revoked" : (s.online ? "online" : "offline"),
                  static_cast<long long>(s.outbox_depth), alerts.c_str());
    }
    return 0;
  }
  gw::RolloutDesk& rollouts = *fleet->rollouts;
  if (verb == "bundle" && positional.size() == 2 && positional[0] == "add") {
    if (!flags.contains("version") || !flags.contains("compatible")) return Usage();
    auto bundle = rollouts.AddBundle(positional[1], flags["version"], flags["compatible"], by);
    if (!bundle) return Fail(bundle.GetError());
    std::printf("%s %s %lld bytes\n", bundle->sha256.c_str(), bundle->version.c_str(),
                static_cast<long long>(bundle->size));
    return 0;
  }
  if (verb == "bundle" && positional.size() == 1 && positional[0] == "list") {
    auto bundles = rollouts.Bundles();
    if (!bundles) return Fail(bundles.GetError());
    for (const auto& b : *bundles) {
      std::printf("%s %-12s %-24s %lld\n", b.sha256.c_str(), b.version.c_str(),
                  b.compatible.c_str(), static_cast<long long>(b.size));
    }
    return 0;
  }
  if (verb == "rollout" && positional.size() == 2 && positional[0] == "start") {
    const auto percent = core::ParseDecimal(flags.contains("percent") ? flags["percent"] : "");
    if (!percent) return Usage();
    std::vector<std::string> communes;
    std::string current;
    for (char c : (flags.contains("communes") ? flags["communes"] : "") + ",") {
      if (c == ',') {
        if (!current.empty()) communes.push_back(current);
        current.clear();
      } else {
        current += c;
      }
    }
    auto id = rollouts.StartRollout(positional[1],
                                    static_cast<int>(std::clamp<std::int64_t>(*percent, -1, 101)),
                                    communes, by, flags.contains("downgrade"));
    if (!id) return Fail(id.GetError());
    std::printf("%lld\n", static_cast<long long>(*id));
    return 0;
  }
  if (verb == "rollout" && positional.size() == 3 && positional[0] == "percent") {
    const auto id = core::ParseDecimal(positional[1]);
    const auto percent = core::ParseDecimal(positional[2]);
    if (!id || !percent) return Usage();
    auto set =
        rollouts.SetPercent(*id, static_cast<int>(std::clamp<std::int64_t>(*percent, -1, 101)));
    return set ? 0 : Fail(set.GetError());
  }
  if (verb == "rollout" && positional.size() == 2 &&
      (positional[0] == "pause" || positional[0] == "resume")) {
    const auto id = core::ParseDecimal(positional[1]);
    if (!id) return Usage();
    auto set = rollouts.SetState(*id, positional[0] == "pause" ? "paused" : "active");
    return set ? 0 : Fail(set.GetError());
  }
  if (verb == "rollout" && positional.size() == 1 && positional[0] == "list") {
    auto views = rollouts.Rollouts();
    if (!views) return Fail(views.GetError());
    for (const auto& v : *views) {
      std::string states;
      for (const auto& [state, count] : v.states) {
        states += " " + state + "=" + std::to_string(count);
      }
      std::printf("%lld %-12s %-7s %3d%% targeted=%lld%s\n", static_cast<long long>(v.rollout.id),
                  v.rollout.bundle.version.c_str(), v.rollout.state.c_str(), v.rollout.percent,
                  static_cast<long long>(v.targeted), states.c_str());
    }
    return 0;
  }
  return Usage();
}
