// kiosk-provision: the technician's tool. It brings a kiosk up in five steps,
// asking for what it was not given (or, with --yes, refusing to guess):
//   1. self-test of each peripheral
//   2. the device key, generated here (ECDSA P-256, mode 0600; it never leaves)
//   3. enrollment with the gateway: a CSR and the operator's one-time token
//   4. the kiosk's config (provisioned/ drop-ins for kiosk-app and kiosk-agent)
//   5. the provisioning report, printed on the receipt printer
//
//   kiosk-provision [OPTIONS] [all]          the five steps
//   kiosk-provision [OPTIONS] self-test      step 1 alone (exit 1 if a check fails)
//   kiosk-provision [OPTIONS] report         print the report again
//   kiosk-provision [OPTIONS] decommission   the gateway revokes the certificate;
//                                            the key and config are wiped
// Re-provisioning is running it again: a new key, a new certificate, and the
// gateway revokes the old one. Options: kiosk-provision --help.

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/board/profile.h"
#include "kiosk/core/encoding.h"
#include "kiosk/core/log.h"
#include "kiosk/core/pk.h"
#include "kiosk/core/random.h"
#include "kiosk/core/x509.h"
#include "kiosk/printer/escpos_printer.h"
#include "kiosk/printer/transport.h"
#include "kiosk/provisioning/enroll.h"
#include "kiosk/provisioning/identity.h"
#include "kiosk/provisioning/provisioned.h"
#include "kiosk/provisioning/self_test.h"
#include "kiosk/provisioning/technician.h"

namespace core = kiosk::core;
namespace prov = kiosk::provisioning;
namespace fs = std::filesystem;
using kiosk::provisioning::Technician;

namespace {

constexpr const char* kHelp =
    R"(usage: kiosk-provision [OPTIONS] [all|self-test|report|decommission]

Where things go:
  --state DIR             the kiosk's state directory (default /var/lib/kiosk)
Who the kiosk is (asked for when missing, unless --yes):
  --kiosk-id ID           e.g. QNM-TAMKY-0001 (A-Z, 0-9, '-')
  --commune CODE          the commune (xã/phường) code the token was issued for
  --token TOKEN           the operator's one-time enrollment token
  --site-name TEXT        e.g. "UBND phường An Mỹ"
  --province CODE         two digits (default 49)
  --board NAME            the board profile, e.g. x86-minipc, rpi-cm4
  --board-profiles DIR    where profiles are (default )" KIOSK_BOARD_PROFILES_DIR R"()
  --procedures A,B,...    procedure codes offered here (default: the whole catalog)
The gateway:
  --gateway HOST:PORT         its operator listener (enrollment)
  --device-gateway HOST:PORT  its device listener (mutual TLS)
  --gateway-ca FILE           the gateway CA to pin (compare the fingerprint shown)
  --server-name NAME          the name on the gateway's certificate (default localhost)
Peripherals for the self-test:
  --reader pcsc|none  --reader-name NAME  --card-wait-ms N
  --scanner sane|DEVICE|none  --scanner-option NAME=VALUE (repeatable)
  --printer usb:VVVV:PPPP|tcp:HOST:PORT|file:PATH|none  --paper 80mm|58mm
                      (the app prints on it too; none: the board's printer)
  --terminal HOST:PORT|none  --terminal-ca FILE  --sale-cert FILE  --sale-key FILE
  --display auto|none
  --yes                   never ask: a missing value is an error
  --allow-failed-self-test  enroll even if a check failed (the report says so)
)";

int Fail(const core::Error& e) {
  std::fprintf(stderr, "kiosk-provision: %s\n", e.ToString().c_str());
  return 1;
}

std::vector<prov::CheckResult> SelfTest(const prov::SelfTestSettings& settings) {
  return prov::RunSelfTest(settings, [](const prov::CheckResult& r) {
    const char* mark = r.state == "ok" ? "ok     " : r.state == "skipped" ? "skipped" : "FAILED ";
    std::printf("  %s %-17s %s\n", mark, r.name.c_str(), r.detail.c_str());
    std::fflush(stdout);
  });
}

core::Status PrintReport(const std::string& address, const std::string& paper,
                         const prov::ProvisionedKiosk& kiosk) {
  KIOSK_ASSIGN_OR_RETURN(auto open, kiosk::printer::TransportFor(address));
  KIOSK_ASSIGN_OR_RETURN(auto profile, kiosk::printer::PaperByName(paper));
  KIOSK_ASSIGN_OR_RETURN(auto renderer, kiosk::printer::SlipRenderer::Open(profile));
  kiosk::printer::EscPosPrinter printer(open, std::move(renderer));
  return printer.PrintSlip(prov::ProvisioningReport(kiosk));
}

void ReportHandOver(const fs::path& state) {
  std::vector<std::string> failures;
  if (!prov::HandOver(state, failures)) return;
  for (const auto& f : failures)
    std::fprintf(stderr, "kiosk-provision: cannot hand over %s\n", f.c_str());
  std::printf(
      "  handed to kiosk-agent, readable by group kiosk; the device key kiosk-agent's "
      "alone (0600), the sealing key kiosk-app's alone (0600)\n");
}

void ReportPrinted(const prov::SelfTestSettings& settings, const prov::ProvisionedKiosk& kiosk) {
  if (settings.printer == "none") {
    std::printf("  no printer configured: the report is provisioned/kiosk.json\n");
  } else if (auto printed = PrintReport(settings.printer, settings.paper, kiosk); !printed) {
    std::printf("  not printed (%s); the report is provisioned/kiosk.json\n",
                printed.GetError().ToString().c_str());
  } else {
    std::printf("  printed on %s\n", settings.printer.c_str());
  }
}

// The pinned CA, once the technician has compared its fingerprint.
core::Expected<std::vector<core::Certificate>> PinGatewayCa(Technician& t, const fs::path& file) {
  KIOSK_ASSIGN_OR_RETURN(auto pinned, core::LoadCertificateFile(file));
  if (pinned.empty()) return core::Error::NeedsPerson("args.gateway_ca", "no certificate");
  KIOSK_ASSIGN_OR_RETURN(const core::PublicKey ca_key, pinned.front().SubjectPublicKey());
  KIOSK_ASSIGN_OR_RETURN(const std::string print, ca_key.Fingerprint());
  std::printf("  pinning the gateway CA %s (key SHA-256 %s…)\n", pinned.front().Subject().c_str(),
              print.substr(0, 16).c_str());
  if (!t.Confirm("Does this fingerprint match the one on the operator's sheet?")) {
    return core::Error::NeedsPerson("provision.ca_refused", "the technician refused the CA");
  }
  return pinned;
}

int Provision(prov::Options& o, Technician& t, const fs::path& state, core::RandomSource& random) {
  const bool only_self_test = o.step == "self-test";
  std::printf("%s\n", only_self_test ? "Self-test" : "[1/5] Self-test of the peripherals");
  const auto selected = prov::SelfTestSettingsFrom(o);
  if (!selected) return Fail(selected.GetError());
  const prov::SelfTestSettings& settings = *selected;
  const auto results = SelfTest(settings);
  const bool passed = prov::AllPassed(results);
  if (only_self_test) return passed ? 0 : 1;
  if (!passed && !o.allow_failed && !t.Confirm("A check failed. Enroll anyway?")) {
    std::fprintf(stderr,
                 "kiosk-provision: a self-test check failed; fix it and run again "
                 "(or --allow-failed-self-test)\n");
    return 1;
  }
  // The board: its profile must exist, so the agent finds its lines and the
  // app its orientation.
  const std::string board_name = t.Or("board", "");
  const fs::path board_file =
      fs::path(t.Or("board-profiles", KIOSK_BOARD_PROFILES_DIR)) / (board_name + ".toml");
  std::optional<kiosk::board::BoardProfile> board;
  if (!board_name.empty()) {
    auto profile = kiosk::board::LoadProfile(board_file);
    if (!profile) {
      auto error = profile.GetError();
      return Fail(error.WithContext("board " + board_name));
    }
    board = *profile;
  }
  auto answers = prov::GatherAnswers(t);
  if (!answers) return Fail(answers.GetError());
  auto pinned = PinGatewayCa(t, answers->ca_file);
  if (!pinned) return Fail(pinned.GetError());

  std::printf("[2/5] Device key\n");
  auto key = core::PrivateKey::GenerateP256(random);
  if (!key) return Fail(key.GetError());
  auto pub = key->Public();
  auto fingerprint = pub ? pub->Fingerprint() : core::Expected<std::string>(pub.GetError());
  if (!fingerprint) return Fail(fingerprint.GetError());
  std::printf("  generated ECDSA P-256, key SHA-256 %s…\n", fingerprint->substr(0, 16).c_str());

  std::printf("[3/5] Enrollment with %s\n", answers->enroll_gateway.ToString().c_str());
  prov::EnrollmentRequest request;
  request.gateway = answers->enroll_gateway;
  request.pinned_ca = *pinned;
  request.server_name = answers->server_name;
  request.kiosk_id = answers->kiosk_id;
  request.commune = answers->commune;
  request.token = answers->token;
  auto enrolled = prov::Enroll(request, *key, random);
  if (!enrolled) return Fail(enrolled.GetError());
  const core::WallTime now = core::SystemClock().Now();
  auto kiosk = prov::RecordOf(*answers, *enrolled, *fingerprint, settings.printer, now);
  kiosk.self_test = results;
  if (board) prov::ApplyBoard(kiosk, *board, board_file);
  std::printf("  certificate %s…, valid until %s, agency %s\n",
              kiosk.certificate_serial.substr(0, 16).c_str(),
              kiosk.valid_until.substr(0, 10).c_str(), kiosk.agency.c_str());
  // The keys are written only now: a refused enrollment leaves the kiosk as it was.
  const prov::IdentityInputs identity{*key, *enrolled, *pinned, answers->kiosk_id,
                                      core::UnixMillis(now) / 1000};
  if (auto written = prov::WriteIdentity(state, identity, random); !written) {
    return Fail(written.GetError());
  }
  std::printf("  %s (mode 0600), %s\n", (state / "device-key.pem").c_str(),
              (state / "device.pem").c_str());
  std::printf("  %s (mode 0600) for kiosk-app, vouched for by the device key\n",
              (state / "sealing-key.pem").c_str());

  std::printf("[4/5] Config\n");
  if (auto written = prov::WriteProvisioned(state, kiosk); !written) {
    return Fail(written.GetError());
  }
  std::printf("  %s/provisioned/{agent.toml,app.toml,kiosk.json}\n", state.c_str());
  ReportHandOver(state);

  std::printf("[5/5] Provisioning report\n");
  ReportPrinted(settings, kiosk);
  std::printf("Kiosk %s is provisioned for commune %s.\n", kiosk.kiosk_id.c_str(),
              kiosk.commune.c_str());
  return 0;
}

int Decommission(Technician& t, const fs::path& state) {
  auto kiosk = prov::ReadProvisioned(state);
  if (!kiosk) return Fail(kiosk.GetError());
  if (!t.Confirm("Decommission kiosk " + kiosk->kiosk_id + "? Its certificate is revoked.")) {
    return 1;
  }
  auto pinned = core::LoadCertificateFile(state / "gateway-ca.pem");
  auto chain = core::LoadCertificateFile(state / "device.pem");
  auto key = core::LoadPrivateKeyFile(state / "device-key.pem");
  if (!pinned) return Fail(pinned.GetError());
  if (!chain) return Fail(chain.GetError());
  if (!key) return Fail(key.GetError());
  core::TlsOptions tls;
  tls.trusted = *pinned;
  tls.identity = core::TlsIdentity{*chain, &*key};
  tls.server_name = kiosk->server_name;
  if (auto done = prov::Decommission(kiosk->device_gateway, tls); !done) {
    return Fail(done.GetError());
  }
  prov::WipeIdentity(state);
  std::printf(
      "Kiosk %s is decommissioned: the gateway revoked its certificate and the device "
      "key is wiped.\n",
      kiosk->kiosk_id.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto options = prov::ParseOptions(argc, argv);
  if (!options) {
    std::fprintf(stderr, "kiosk-provision: %s\n%s", options.GetError().Message().c_str(), kHelp);
    return 2;
  }
  if (options->help) {
    std::printf("%s", kHelp);
    return 0;
  }
  prov::Options& o = *options;
  core::log::Install(std::make_unique<core::log::Logger>(
      core::log::SinkForEnvironment("kiosk-provision"), core::log::Level::kWarn));
  Technician technician(o, std::cin, std::cout, ::isatty(0) != 0);
  const fs::path state = technician.Or("state", "/var/lib/kiosk");
  auto random = core::Drbg::Create(core::AsBytes("kiosk-provision"));
  if (!random) return Fail(random.GetError());
  if (o.step == "decommission") return Decommission(technician, state);
  if (o.step == "report") {
    auto kiosk = prov::ReadProvisioned(state);
    if (!kiosk) return Fail(kiosk.GetError());
    auto printed =
        PrintReport(technician.Or("printer", "none"), technician.Or("paper", "80mm"), *kiosk);
    if (!printed) return Fail(printed.GetError());
    std::printf("report printed\n");
    return 0;
  }
  return Provision(o, technician, state, **random);
}
