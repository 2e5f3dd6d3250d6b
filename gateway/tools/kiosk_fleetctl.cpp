// kiosk-fleetctl: the operator's command line for the fleet, on the gateway's
// own config and state (the gateway may be running: the store is SQLite WAL).
//
//   kiosk-fleetctl --config gateway.toml token --commune CODE --agency CODE [--hours N] [--by NAME]
//   kiosk-fleetctl --config gateway.toml operator NAME        (password on stdin)
//   kiosk-fleetctl --config gateway.toml revoke KIOSK-ID
//   kiosk-fleetctl --config gateway.toml command KIOSK-ID KIND [--settings JSON]
//   kiosk-fleetctl --config gateway.toml list
//
// Exit status: 0 done, 1 refused or failed (the reason on stderr), 2 usage.

#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "gateway_config.h"
#include "kiosk/core/log.h"
#include "kiosk/gateway/dashboard.h"

namespace core = kiosk::core;
namespace gw = kiosk::gateway;

namespace {

int Usage() {
  std::fprintf(stderr,
               "usage: kiosk-fleetctl --config FILE token --commune CODE --agency CODE "
               "[--hours N] [--by NAME]\n"
               "       kiosk-fleetctl --config FILE operator NAME   (password on stdin)\n"
               "       kiosk-fleetctl --config FILE revoke KIOSK-ID\n"
               "       kiosk-fleetctl --config FILE command KIOSK-ID KIND [--settings JSON]\n"
               "       kiosk-fleetctl --config FILE list\n");
  return 2;
}

int Fail(const core::Error& e) {
  std::fprintf(stderr, "kiosk-fleetctl: %s\n", e.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() < 3 || args[0] != "--config") return Usage();
  const std::string verb = args[2];
  std::vector<std::string> positional;
  std::map<std::string, std::string> flags;
  for (std::size_t i = 3; i < args.size(); ++i) {
    if (args[i].rfind("--", 0) == 0) {
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
  auto fleet = gw::OpenFleet(*config, **random);
  if (!fleet) return Fail(fleet.GetError());
  if (!fleet->desk) {
    return Fail(core::Error::NeedsPerson("config.fleet", "the gateway config has no [fleet]"));
  }
  gw::FleetDesk& desk = *fleet->desk;
  const std::string by = flags.contains("by") ? flags["by"] : "kiosk-fleetctl";

  if (verb == "token" && positional.empty()) {
    if (!flags.contains("commune") || !flags.contains("agency")) return Usage();
    int hours = 24;
    if (flags.contains("hours")) hours = std::atoi(flags["hours"].c_str());
    auto token = desk.CreateToken(flags["commune"], flags["agency"], hours * 3600, by);
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
    if (auto set = desk.Store().SetOperator(positional[0], *hash); !set)
      return Fail(set.GetError());
    std::printf("operator %s can log in\n", positional[0].c_str());
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
  return Usage();
}
