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

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "kiosk/board/profile.h"
#include "kiosk/core/device_config.h"
#include "kiosk/core/encoding.h"
#include "kiosk/core/files.h"
#include "kiosk/core/log.h"
#include "kiosk/core/pk.h"
#include "kiosk/core/random.h"
#include "kiosk/core/secret.h"
#include "kiosk/dossier/sealing_key.h"
#include "kiosk/printer/escpos_printer.h"
#include "kiosk/printer/transport.h"
#include "kiosk/provisioning/enroll.h"
#include "kiosk/provisioning/provisioned.h"
#include "kiosk/provisioning/self_test.h"

namespace core = kiosk::core;
namespace prov = kiosk::provisioning;
namespace fs = std::filesystem;

namespace {

// On a kiosk (the appliance's users exist and we run as root), what was
// written goes to the services: kiosk-agent owns the state, group kiosk
// (kiosk-app) may read it, but each key is its owner's alone: the device key
// kiosk-agent's, the sealing key kiosk-app's. Elsewhere (a development
// machine) the files stay the caller's.
void HandOver(const std::filesystem::path& state) {
  const passwd* agent = ::getpwnam("kiosk-agent");
  const passwd* app = ::getpwnam("kiosk");
  const group* kiosk = ::getgrnam("kiosk");
  if (::geteuid() != 0 || agent == nullptr || app == nullptr || kiosk == nullptr) return;
  auto give = [kiosk](const std::filesystem::path& path, const passwd* to, mode_t mode) {
    if (::chown(path.c_str(), to->pw_uid, kiosk->gr_gid) != 0 || ::chmod(path.c_str(), mode) != 0) {
      std::fprintf(stderr, "kiosk-provision: cannot hand %s to %s: %s\n", path.c_str(), to->pw_name,
                   std::strerror(errno));
    }
  };
  give(state, agent, 02770);
  for (const char* file :
       {"device.pem", "gateway-ca.pem", "config-signer.pem", "sealing-key.jws", "provisioned",
        "provisioned/agent.toml", "provisioned/app.toml", "provisioned/kiosk.json"}) {
    give(state / file, agent, std::filesystem::is_directory(state / file) ? 02750 : 0644);
  }
  give(state / "device-key.pem", agent, 0600);
  give(state / "sealing-key.pem", app, 0600);
  std::printf(
      "  handed to kiosk-agent, readable by group kiosk; the device key kiosk-agent's "
      "alone (0600), the sealing key kiosk-app's alone (0600)\n");
}

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

struct Options {
  std::string step = "all";
  std::map<std::string, std::string> values;
  std::vector<std::string> scanner_options;
  bool yes = false;
  bool allow_failed = false;
};

class Technician {
 public:
  explicit Technician(Options& o) : o_(o), interactive_(!o.yes && ::isatty(0)) {}

  // The value of --name, else asked, else an error.
  core::Expected<std::string> Get(const std::string& name, const std::string& question,
                                  const std::string& fallback = "") {
    if (o_.values.contains(name)) return o_.values[name];
    if (interactive_) {
      std::printf("  %s%s: ", question.c_str(),
                  fallback.empty() ? "" : (" [" + fallback + "]").c_str());
      std::fflush(stdout);
      std::string line;
      if (!std::getline(std::cin, line)) return Missing(name);
      if (line.empty()) line = fallback;
      if (line.empty()) return Missing(name);
      o_.values[name] = line;
      return line;
    }
    if (!fallback.empty()) return fallback;
    return Missing(name);
  }
  std::string Or(const std::string& name, const std::string& fallback) {
    return o_.values.contains(name) ? o_.values[name] : fallback;
  }
  bool Confirm(const std::string& question) {
    if (!interactive_) return true;
    std::printf("  %s [y/N]: ", question.c_str());
    std::fflush(stdout);
    std::string line;
    return std::getline(std::cin, line) && (line == "y" || line == "Y" || line == "yes");
  }

 private:
  static core::Error Missing(const std::string& name) {
    return core::Error::NeedsPerson("args.missing", "--" + name + " is needed");
  }
  Options& o_;
  bool interactive_;
};

int Fail(const core::Error& e) {
  std::fprintf(stderr, "kiosk-provision: %s\n", e.ToString().c_str());
  return 1;
}

prov::SelfTestSettings SelfTestFrom(Technician& t, const Options& o) {
  prov::SelfTestSettings s;
  s.reader = t.Or("reader", "pcsc");
  s.reader_name = t.Or("reader-name", "");
  s.card_wait = std::chrono::milliseconds(std::atoi(t.Or("card-wait-ms", "3000").c_str()));
  s.scanner = t.Or("scanner", "sane");
  s.scanner_options = o.scanner_options;
  s.printer = t.Or("printer", "none");
  s.paper = t.Or("paper", "80mm");
  s.terminal = t.Or("terminal", "none");
  s.terminal_ca = t.Or("terminal-ca", "");
  s.sale_certificate = t.Or("sale-cert", "");
  s.sale_key = t.Or("sale-key", "");
  s.display = t.Or("display", "auto");
  return s;
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

// Overwrites a key file before removing it.
void Shred(const fs::path& file) {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (!ec) {
    const std::string zeros(static_cast<std::size_t>(size), '\0');
    (void)core::WriteFileAtomically(file, core::AsBytes(zeros), 0600);
  }
  fs::remove(file, ec);
}

int Provision(Options& o, Technician& t, const fs::path& state, core::RandomSource& random) {
  const bool only_self_test = o.step == "self-test";
  std::printf("%s\n", only_self_test ? "Self-test" : "[1/5] Self-test of the peripherals");
  const auto settings = SelfTestFrom(t, o);
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

  prov::ProvisionedKiosk kiosk;
  kiosk.self_test = results;
  auto kiosk_id = t.Get("kiosk-id", "Kiosk id (e.g. QNM-TAMKY-0001)");
  auto commune = t.Get("commune", "Commune code");
  auto token = t.Get("token", "One-time enrollment token from the operator");
  auto gateway = t.Get("gateway", "Gateway enrollment address HOST:PORT");
  auto device_gateway = t.Get("device-gateway", "Gateway device address HOST:PORT");
  auto ca_file = t.Get("gateway-ca", "Gateway CA file to pin");
  auto site = t.Get("site-name", "Site name", "UBND " + (commune ? *commune : std::string()));
  for (const auto* v : {&kiosk_id, &commune, &token, &gateway, &device_gateway, &ca_file, &site}) {
    if (!*v) return Fail(v->GetError());
  }
  if (!core::IsValidKioskId(*kiosk_id)) {
    return Fail(core::Error::NeedsPerson("args.kiosk_id", "kiosk ids are 3-64 of A-Z, 0-9, '-'"));
  }
  auto enroll_at = prov::ParseHostPort(*gateway);
  auto device_at = prov::ParseHostPort(*device_gateway);
  if (!enroll_at) return Fail(enroll_at.GetError());
  if (!device_at) return Fail(device_at.GetError());
  auto pinned = core::LoadCertificateFile(*ca_file);
  if (!pinned) return Fail(pinned.GetError());
  if (pinned->empty()) return Fail(core::Error::NeedsPerson("args.gateway_ca", "no certificate"));
  auto ca_key = pinned->front().SubjectPublicKey();
  auto ca_print = ca_key ? ca_key->Fingerprint() : core::Expected<std::string>(ca_key.GetError());
  if (!ca_print) return Fail(ca_print.GetError());
  std::printf("  pinning the gateway CA %s (key SHA-256 %s…)\n", pinned->front().Subject().c_str(),
              ca_print->substr(0, 16).c_str());
  if (!t.Confirm("Does this fingerprint match the one on the operator's sheet?")) {
    return Fail(core::Error::NeedsPerson("provision.ca_refused", "the technician refused the CA"));
  }

  std::printf("[2/5] Device key\n");
  std::error_code ec;
  fs::create_directories(state, ec);
  auto key = core::PrivateKey::GenerateP256(random);
  if (!key) return Fail(key.GetError());
  auto pub = key->Public();
  auto fingerprint = pub ? pub->Fingerprint() : core::Expected<std::string>(pub.GetError());
  if (!fingerprint) return Fail(fingerprint.GetError());
  std::printf("  generated ECDSA P-256, key SHA-256 %s…\n", fingerprint->substr(0, 16).c_str());

  std::printf("[3/5] Enrollment with %s\n", enroll_at->ToString().c_str());
  prov::EnrollmentRequest request;
  request.gateway = *enroll_at;
  request.pinned_ca = *pinned;
  request.server_name = t.Or("server-name", "localhost");
  request.kiosk_id = *kiosk_id;
  request.commune = *commune;
  request.token = *token;
  auto enrolled = prov::Enroll(request, *key, random);
  if (!enrolled) return Fail(enrolled.GetError());
  const auto& cert = enrolled->chain.front();
  std::printf("  certificate %s…, valid until %s, agency %s\n",
              cert.SerialHex().substr(0, 16).c_str(),
              core::FormatRfc3339(cert.NotAfter()).substr(0, 10).c_str(), enrolled->agency.c_str());
  // The key is written only now: a refused enrollment leaves the kiosk as it was.
  auto key_pem = key->ToPem();
  if (!key_pem) return Fail(key_pem.GetError());
  std::string chain_pem;
  for (const auto& c : enrolled->chain) chain_pem += core::ToPem(c);
  std::string pinned_pem;
  for (const auto& c : *pinned) pinned_pem += core::ToPem(c);
  for (const auto& [file, data, mode] : std::vector<std::tuple<fs::path, std::string, mode_t>>{
           {state / "device.pem", chain_pem, 0644},
           {state / "gateway-ca.pem", pinned_pem, 0644},
           {state / "config-signer.pem", enrolled->config_signer_pem, 0644}}) {
    if (auto written = core::WriteFileAtomically(file, core::AsBytes(data), mode); !written) {
      return Fail(written.GetError());
    }
  }
  if (auto written = core::WriteFileAtomically(state / "device-key.pem", key_pem->View(), 0600);
      !written) {
    return Fail(written.GetError());
  }
  std::printf("  %s (mode 0600), %s\n", (state / "device-key.pem").c_str(),
              (state / "device.pem").c_str());
  // kiosk-app's own key for sealing dossiers, vouched for by the device key.
  auto sealing = core::PrivateKey::GenerateP256(random);
  if (!sealing) return Fail(sealing.GetError());
  auto sealing_public = sealing->Public();
  auto sealing_pem = sealing->ToPem();
  if (!sealing_public || !sealing_pem) {
    return Fail(!sealing_public ? sealing_public.GetError() : sealing_pem.GetError());
  }
  auto statement = kiosk::dossier::MakeSealingStatement(
      *key, *kiosk_id, *sealing_public, core::UnixMillis(core::SystemClock().Now()) / 1000, random);
  if (!statement) return Fail(statement.GetError());
  if (auto written =
          core::WriteFileAtomically(state / "sealing-key.pem", sealing_pem->View(), 0600);
      !written) {
    return Fail(written.GetError());
  }
  if (auto written = core::WriteFileAtomically(state / "sealing-key.jws",
                                               core::AsBytes(*statement + "\n"), 0644);
      !written) {
    return Fail(written.GetError());
  }
  std::printf("  %s (mode 0600) for kiosk-app, vouched for by the device key\n",
              (state / "sealing-key.pem").c_str());

  std::printf("[4/5] Config\n");
  kiosk.kiosk_id = *kiosk_id;
  kiosk.commune = enrolled->commune.empty() ? *commune : enrolled->commune;
  kiosk.agency = enrolled->agency;
  kiosk.site_name = *site;
  kiosk.province = t.Or("province", "49");
  kiosk.board = board_name;
  if (board) {
    kiosk.board_profile = fs::absolute(board_file).string();
    const bool rotated = board->display_rotation % 180 != 0;
    const int wide = rotated ? board->display_height : board->display_width;
    const int tall = rotated ? board->display_width : board->display_height;
    if (wide > 0 && tall > 0) kiosk.orientation = wide > tall ? "landscape" : "portrait";
    if (const auto* printer = board->Usb("printer")) {
      char id[32];
      std::snprintf(id, sizeof id, "usb:%04x:%04x", printer->vendor, printer->product);
      kiosk.printer = id;
    }
  }
  // The printer the technician tested is the one the app prints on; the
  // board's is the default.
  if (const std::string tested = t.Or("printer", "none"); tested != "none") kiosk.printer = tested;
  kiosk.procedures = SplitCommas(t.Or("procedures", ""));
  kiosk.enroll_gateway = *enroll_at;
  kiosk.device_gateway = *device_at;
  kiosk.server_name = request.server_name;
  kiosk.certificate_serial = cert.SerialHex();
  kiosk.key_fingerprint = *fingerprint;
  kiosk.valid_until = core::FormatRfc3339(cert.NotAfter());
  kiosk.provisioned_at = core::FormatRfc3339(core::SystemClock().Now());
  if (auto written = prov::WriteProvisioned(state, kiosk); !written) {
    return Fail(written.GetError());
  }
  std::printf("  %s/provisioned/{agent.toml,app.toml,kiosk.json}\n", state.c_str());
  HandOver(state);

  std::printf("[5/5] Provisioning report\n");
  if (settings.printer == "none") {
    std::printf("  no printer configured: the report is provisioned/kiosk.json\n");
  } else if (auto printed = PrintReport(settings.printer, settings.paper, kiosk); !printed) {
    std::printf("  not printed (%s); the report is provisioned/kiosk.json\n",
                printed.GetError().ToString().c_str());
  } else {
    std::printf("  printed on %s\n", settings.printer.c_str());
  }
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
  Shred(state / "device-key.pem");
  Shred(state / "sealing-key.pem");
  std::error_code ec;
  for (const char* f :
       {"device.pem", "config-signer.pem", "provisioned/agent.toml", "provisioned/app.toml"}) {
    fs::remove(state / f, ec);
  }
  std::printf(
      "Kiosk %s is decommissioned: the gateway revoked its certificate and the device "
      "key is wiped.\n",
      kiosk->kiosk_id.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::printf("%s", kHelp);
      return 0;
    }
    if (a == "--yes") {
      o.yes = true;
    } else if (a == "--allow-failed-self-test") {
      o.allow_failed = true;
    } else if (a.rfind("--", 0) == 0) {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s", kHelp);
        return 2;
      }
      if (a == "--scanner-option") {
        o.scanner_options.push_back(argv[++i]);
      } else {
        o.values[a.substr(2)] = argv[++i];
      }
    } else if (a == "all" || a == "self-test" || a == "report" || a == "decommission") {
      o.step = a;
    } else {
      std::fprintf(stderr, "%s", kHelp);
      return 2;
    }
  }
  core::log::Install(std::make_unique<core::log::Logger>(
      core::log::SinkForEnvironment("kiosk-provision"), core::log::Level::kWarn));
  Technician technician(o);
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
