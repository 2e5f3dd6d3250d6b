#include "kiosk/app/devices.h"

#include <algorithm>

#include "kiosk/core/log.h"
#include "kiosk/core/pk.h"
#include "kiosk/core/x509.h"

namespace kiosk::app {

namespace klog = core::log;

namespace {

bool Absent(const std::string& device) { return device.empty() || device == "none"; }

core::Error NoDevelopmentDevices(const std::string& what) {
  return core::Error::NeedsPerson("config.invalid", what + " exists in development builds only");
}

}  // namespace

core::Expected<std::unique_ptr<KioskDevices>> KioskDevices::Open(
    const AppConfig& config, const std::filesystem::path& state, const core::Clock& clock,
    core::RandomSource& random, const SealedCheck& sealed, DevelopmentDevices* development) {
  std::unique_ptr<KioskDevices> d(new KioskDevices());
  KIOSK_TRY(d->OpenCardReader(config, state, random, development));
  KIOSK_TRY(d->OpenScanner(config, development));
  KIOSK_TRY(d->OpenPayments(config, state, clock, sealed, development));
  KIOSK_TRY(d->OpenPrinter(config, state, development));
  KIOSK_TRY(d->OpenCamera(config, state, development));
  return d;
}

KioskDevices::~KioskDevices() = default;

core::Status KioskDevices::OpenCardReader(const AppConfig& c, const std::filesystem::path& state,
                                          core::RandomSource& random,
                                          DevelopmentDevices* development) {
  if (!c.csca_dir.empty()) {
    KIOSK_ASSIGN_OR_RETURN(auto loaded,
                           idcard::TrustStore::LoadDirectory(Under(state, c.csca_dir)));
    trust_ = std::move(loaded);
  }
  if (c.card_reader == "pcsc") {
    card_reader_ =
        std::make_unique<idcard::PcscIdCardReader>(c.reader_name, core::SystemClock(), random);
    return core::Ok();
  }
  if (development == nullptr) return NoDevelopmentDevices("a virtual card");
  KIOSK_ASSIGN_OR_RETURN(card_reader_, development->VirtualCard(c, state, random));
  return core::Ok();
}

core::Status KioskDevices::OpenScanner(const AppConfig& c, DevelopmentDevices* development) {
  if (Absent(c.scanner)) {
    klog::Warn("scanner.absent", {{"why", "no [scanner] device"}});
    return core::Ok();
  }
  if (c.scanner == "fake") {
    if (development == nullptr) return NoDevelopmentDevices("a fake scanner");
    scanner_ = &development->FakeScanner();
    return core::Ok();
  }
  scanner::ScanSettings scan;
  scan.dpi = c.scan_dpi;
  scan.color = c.scan_color;
  scan.feeder = c.scan_feeder;
  for (const auto& option : c.sane_options) {
    const auto eq = option.find('=');
    if (eq == std::string::npos) {
      return core::Error::NeedsPerson("config.invalid",
                                      "scanner.sane_options: expected name=value, got " + option);
    }
    scan.options[option.substr(0, eq)] = option.substr(eq + 1);
  }
  KIOSK_ASSIGN_OR_RETURN(sane_scanner_,
                         scanner::SaneScanner::Open(c.scanner == "sane" ? "" : c.scanner, scan));
  scanner_ = sane_scanner_.get();
  return core::Ok();
}

core::Status KioskDevices::OpenPayments(const AppConfig& c, const std::filesystem::path& state,
                                        const core::Clock& clock, const SealedCheck& sealed,
                                        DevelopmentDevices* development) {
  // The ledger first, then the drivers, then what a crash left open.
  KIOSK_ASSIGN_OR_RETURN(auto ledger, payment::PaymentLedger::Open(Under(state, c.payment_ledger)));
  ledger_.emplace(std::move(ledger));
  auto recover = [&sealed](auto& driver) {
    auto report = driver.Recover(sealed);
    if (!report) klog::Warn("payment.recovery_failed", {{"error", report.GetError().Code()}});
  };
  if (c.card_terminal == "nexo") {
    KIOSK_ASSIGN_OR_RETURN(auto ca, core::LoadCertificateFile(Under(state, c.terminal_ca)));
    KIOSK_ASSIGN_OR_RETURN(auto cert, core::LoadCertificateFile(Under(state, c.sale_certificate)));
    KIOSK_ASSIGN_OR_RETURN(auto key, core::LoadPrivateKeyFile(Under(state, c.sale_key)));
    sale_identity_.emplace(core::CertifiedKey{cert.front(), std::move(key)});
    payment::NexoOptions o;
    o.host = c.terminal_host;
    o.port = static_cast<std::uint16_t>(c.terminal_port);
    o.tls.trusted = ca;
    o.tls.identity = core::TlsIdentity{cert, &sale_identity_->key};
    o.tls.server_name = c.terminal_host == "127.0.0.1" ? "localhost" : c.terminal_host;
    o.sale_id = c.sale_id.empty() ? c.device.kiosk_id : c.sale_id;
    o.poi_id = c.poi_id;
    o.payment_timeout = std::chrono::seconds(c.card_timeout_s);
    // Service ids only: a stream of its own, so no other thread shares it.
    KIOSK_ASSIGN_OR_RETURN(terminal_random_, core::Drbg::Create(core::AsBytes("kiosk-app nexo")));
    card_terminal_ = std::make_unique<payment::NexoTerminal>(o, *ledger_, clock, *terminal_random_);
    recover(*card_terminal_);
    router_.Add("card", *card_terminal_);
  } else if (c.card_terminal == "fake") {
    if (development == nullptr) return NoDevelopmentDevices("a fake terminal");
    router_.Add("card", development->FakeTerminal());
  }
  if (std::find(c.payment_methods.begin(), c.payment_methods.end(), "vietqr") !=
      c.payment_methods.end()) {
    payment::VietQrOptions o;
    o.bank_bin = c.vietqr_bank_bin;
    o.account = c.vietqr_account;
    o.beneficiary = c.vietqr_beneficiary;
    o.bank_name = c.vietqr_bank_name;
    o.wait_timeout = std::chrono::seconds(c.vietqr_wait_s);
    payment::GatewayPayments* relay = nullptr;
    if (c.vietqr_relay == "fake") {
      if (development == nullptr) return NoDevelopmentDevices("a fake bank");
      relay = &development->FakeBank();
    } else {
      relayed_ =
          std::make_unique<RelayedPayments>(link::PaymentMailbox(Under(state, c.payment_mailbox)));
      relay = relayed_.get();
    }
    vietqr_ = std::make_unique<payment::VietQrPayments>(o, *relay, *ledger_, clock);
    recover(*vietqr_);
    router_.Add("vietqr", *vietqr_);
  }
  return core::Ok();
}

core::Status KioskDevices::OpenPrinter(const AppConfig& c, const std::filesystem::path& state,
                                       DevelopmentDevices* development) {
  std::error_code ec;
  std::filesystem::create_directories(Under(state, c.printer_dir), ec);
  if (Absent(c.printer)) {
    klog::Warn("printer.absent", {{"why", "no [printer] device"}});
    return core::Ok();
  }
  if (c.printer == "fake") {
    if (development == nullptr) return NoDevelopmentDevices("a fake printer");
    printer_ = &development->FakePrinter();
    return core::Ok();
  }
  KIOSK_ASSIGN_OR_RETURN(auto transport, printer::TransportFor(c.printer));
  KIOSK_ASSIGN_OR_RETURN(auto paper, printer::PaperByName(c.paper));
  KIOSK_ASSIGN_OR_RETURN(auto renderer, printer::SlipRenderer::Open(paper));
  printer::EscPosPrinterOptions options;
  options.encode.native_qr = c.native_qr;
  escpos_ =
      std::make_unique<printer::EscPosPrinter>(std::move(transport), std::move(renderer), options);
  printer_ = escpos_.get();
  klog::Info("printer.configured",
             {{"device", c.printer}, {"status", printer::ToString(escpos_->Status())}});
  return core::Ok();
}

core::Status KioskDevices::OpenCamera(const AppConfig& c, const std::filesystem::path& state,
                                      DevelopmentDevices* development) {
  if (Absent(c.camera)) return core::Ok();  // the key comes from the QR reader or the ID number
  if (c.camera == "sim") {
    if (development == nullptr) return NoDevelopmentDevices("a simulated camera");
    KIOSK_ASSIGN_OR_RETURN(camera_, development->SimCamera(c, state));
  } else {
    KIOSK_ASSIGN_OR_RETURN(camera_, camera::VideoCamera::Open(c.camera));
  }
  card_look_ = std::make_unique<CameraCardLook>(*camera_);
  return core::Ok();
}

}  // namespace kiosk::app
