#pragma once

// The receipt printer's fake, for tests and development builds only
// (library kiosk_printer_fake; release programs cannot link it): slips kept
// as lines of text, and a status set on demand.

#include <filesystem>
#include <string>
#include <vector>

#include "kiosk/printer/printer.h"

namespace kiosk::printer {

class FakePrinter final : public ReceiptPrinter {
 public:
  // `output_dir` not empty: each print is also written there as
  // receipt-N.txt / fee-receipt-N.txt / ticket-N.txt.
  explicit FakePrinter(std::filesystem::path output_dir = {}) : dir_(std::move(output_dir)) {}
  void SetStatus(PrinterStatus status) { status_ = status; }
  const std::vector<std::vector<std::string>>& Printed() const { return printed_; }

  PrinterStatus Status() override { return status_; }
  core::Status Print(const Receipt& receipt) override;
  core::Status Print(const FeeReceipt& receipt) override;
  core::Status Print(const QueueTicket& ticket) override;

 private:
  core::Status Emit(const std::string& kind, std::vector<std::string> lines);
  std::filesystem::path dir_;
  PrinterStatus status_ = PrinterStatus::kReady;
  std::vector<std::vector<std::string>> printed_;
};

}  // namespace kiosk::printer
