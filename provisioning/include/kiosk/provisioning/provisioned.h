#pragma once

// What provisioning leaves on the kiosk, under its state directory:
//   device-key.pem        the device key (0600), generated here, never sent
//   device.pem            its certificate from the gateway, then the device CA
//   gateway-ca.pem        the pinned CA of the gateway
//   config-signer.pem     the public key remote config changes must be signed with
//   provisioned/agent.toml, provisioned/app.toml
//                         drop-ins read after each program's own config
//   provisioned/kiosk.json the record: who the kiosk is, its certificate, the self-test
// No personal data: a kiosk's identity is its commune's.

#include <filesystem>
#include <string>
#include <vector>

#include "kiosk/agent/agent_config.h"
#include "kiosk/app/app_config.h"
#include "kiosk/board/profile.h"
#include "kiosk/core/clock.h"
#include "kiosk/core/error.h"
#include "kiosk/printer/layout.h"
#include "kiosk/provisioning/enroll.h"
#include "kiosk/provisioning/self_test.h"
#include "kiosk/provisioning/technician.h"

namespace kiosk::provisioning {

struct ProvisionedKiosk {
  std::string kiosk_id;
  std::string commune;
  std::string agency;
  std::string site_name;
  std::string province = "49";
  std::string board;
  std::string board_profile;            // its profile file (board/profiles), for the agent
  std::string orientation;              // portrait or landscape, from the profile's display
  std::string printer;                  // usb:VVVV:PPPP, the profile's receipt printer
  std::vector<std::string> procedures;  // empty: the whole catalog
  HostPort enroll_gateway;              // the operator listener
  HostPort device_gateway;              // the mutual-TLS listener
  std::string server_name = "localhost";
  std::string certificate_serial;
  std::string key_fingerprint;  // SHA-256 of the public key
  std::string valid_until;      // RFC 3339
  std::string provisioned_at;   // RFC 3339
  std::vector<CheckResult> self_test;
};

// The record of a kiosk the gateway has just enrolled: who the technician
// said it is, and what the gateway answered (its commune and agency win).
// The tested printer, when there is one, is the one the app prints on.
ProvisionedKiosk RecordOf(const Answers& answers, const Enrollment& enrollment,
                          const std::string& key_fingerprint, const std::string& tested_printer,
                          core::WallTime now);

// What the board's profile decides: the app's orientation from the panel as
// the citizen sees it, the receipt printer (unless one was tested) from its
// USB ids, and the profile's file for the agent.
void ApplyBoard(ProvisionedKiosk& kiosk, const board::BoardProfile& profile,
                const std::filesystem::path& profile_file);

// Each program's config for this kiosk, as the program's own type: written
// to provisioned/app.toml and provisioned/agent.toml through the schema the
// program reads (only what differs from the packaged defaults).
app::AppConfig AppConfigFor(const ProvisionedKiosk& kiosk, const std::filesystem::path& state_dir);
agent::AgentConfig AgentConfigFor(const ProvisionedKiosk& kiosk,
                                  const std::filesystem::path& state_dir);

core::Status WriteProvisioned(const std::filesystem::path& state_dir,
                              const ProvisionedKiosk& kiosk);
core::Expected<ProvisionedKiosk> ReadProvisioned(const std::filesystem::path& state_dir);

// The report the technician takes away and files, printed on the receipt printer.
printer::Slip ProvisioningReport(const ProvisionedKiosk& kiosk);

}  // namespace kiosk::provisioning
