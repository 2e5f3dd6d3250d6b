#pragma once

// The peripherals kiosk-app drives, chosen once from its config: the chip
// reader over PC/SC, the scanner over SANE, the receipt printer over
// ESC/POS, fees by card on a nexo terminal and by VietQR through kiosk-agent.
// A device the config does not name is absent (the kiosk says what it
// cannot do); "fake" and "virtual" exist only where a development build
// passes DevelopmentDevices. Payments a crash left open are settled here,
// before the first citizen.

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "kiosk/app/app_config.h"
#include "kiosk/app/card_camera.h"
#include "kiosk/app/relayed_payments.h"
#include "kiosk/core/clock.h"
#include "kiosk/core/dev_pki.h"
#include "kiosk/core/error.h"
#include "kiosk/core/random.h"
#include "kiosk/idcard/reader.h"
#include "kiosk/payment/card_terminal.h"
#include "kiosk/payment/ledger.h"
#include "kiosk/payment/payment.h"
#include "kiosk/payment/vietqr_payments.h"
#include "kiosk/printer/escpos_printer.h"
#include "kiosk/printer/printer.h"
#include "kiosk/scanner/sane_scanner.h"
#include "kiosk/scanner/scanner.h"

namespace kiosk::app {

// What a development build offers beside the real drivers: the virtual card
// ([card] reader = "virtual") and the fakes (device = "fake"). A release
// build has none; its config refuses those names.
class DevelopmentDevices {
 public:
  virtual ~DevelopmentDevices() = default;
  virtual core::Expected<std::unique_ptr<idcard::IdCardReader>> VirtualCard(
      const AppConfig& config, const std::filesystem::path& state, core::RandomSource& random) = 0;
  virtual scanner::Scanner& FakeScanner() = 0;
  virtual printer::ReceiptPrinter& FakePrinter() = 0;
  virtual payment::PaymentTerminal& FakeTerminal() = 0;
  virtual payment::GatewayPayments& FakeBank() = 0;  // VietQR transfers, paid at once
  // The virtual card's persona under the camera ([camera] device = "sim").
  virtual core::Expected<std::unique_ptr<camera::CardCamera>> SimCamera(
      const AppConfig& config, const std::filesystem::path& state) = 0;
};

// Whether the outbox holds the dossier a payment was for.
using SealedCheck = std::function<bool(const std::string& payment_reference)>;

class KioskDevices {
 public:
  // `random` feeds the chip reader's secure messaging (the worker's stream).
  static core::Expected<std::unique_ptr<KioskDevices>> Open(
      const AppConfig& config, const std::filesystem::path& state, const core::Clock& clock,
      core::RandomSource& random, const SealedCheck& sealed, DevelopmentDevices* development);
  ~KioskDevices();
  KioskDevices(const KioskDevices&) = delete;
  KioskDevices& operator=(const KioskDevices&) = delete;

  idcard::IdCardReader& CardReader() { return *card_reader_; }
  scanner::Scanner& Scanner() { return *scanner_; }
  payment::PaymentTerminal& Payments() { return router_; }
  printer::ReceiptPrinter& Printer() { return *printer_; }
  // The camera above the card tray, as the journey looks through it; null
  // when the config names none.
  journey::CardLook* CardCamera() { return card_look_.get(); }
  // The CSCA certificates chips are checked against; null: not checked.
  const idcard::TrustStore* Trust() const { return trust_ ? &*trust_ : nullptr; }

 private:
  KioskDevices() = default;
  core::Status OpenCardReader(const AppConfig& c, const std::filesystem::path& state,
                              core::RandomSource& random, DevelopmentDevices* development);
  core::Status OpenScanner(const AppConfig& c, DevelopmentDevices* development);
  core::Status OpenPayments(const AppConfig& c, const std::filesystem::path& state,
                            const core::Clock& clock, const SealedCheck& sealed,
                            DevelopmentDevices* development);
  core::Status OpenPrinter(const AppConfig& c, const std::filesystem::path& state,
                           DevelopmentDevices* development);
  core::Status OpenCamera(const AppConfig& c, const std::filesystem::path& state,
                          DevelopmentDevices* development);

  std::optional<idcard::TrustStore> trust_;
  std::unique_ptr<idcard::IdCardReader> card_reader_;
  scanner::AbsentScanner absent_scanner_;
  std::unique_ptr<scanner::SaneScanner> sane_scanner_;
  scanner::Scanner* scanner_ = &absent_scanner_;
  std::optional<payment::PaymentLedger> ledger_;
  std::optional<core::CertifiedKey> sale_identity_;
  std::unique_ptr<core::RandomSource> terminal_random_;
  std::unique_ptr<payment::NexoTerminal> card_terminal_;
  std::unique_ptr<RelayedPayments> relayed_;
  std::unique_ptr<payment::VietQrPayments> vietqr_;
  payment::MethodRouter router_;
  printer::AbsentPrinter absent_printer_;
  std::unique_ptr<printer::EscPosPrinter> escpos_;
  printer::ReceiptPrinter* printer_ = &absent_printer_;
  std::unique_ptr<camera::CardCamera> camera_;
  std::unique_ptr<CameraCardLook> card_look_;
};

}  // namespace kiosk::app
