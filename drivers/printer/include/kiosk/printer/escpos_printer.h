#pragma once

// The receipt printer driver: slips laid out and rasterised (layout.h),
// encoded as ESC/POS, sent over a transport in chunks with deadlines, and
// the printer's status read before and after each job, so a slip cut short
// by the paper end is reported (the kiosk offers a reprint) and never taken
// for printed.

#include <chrono>
#include <memory>

#include "kiosk/printer/layout.h"
#include "kiosk/printer/printer.h"
#include "kiosk/printer/transport.h"

namespace kiosk::printer {

struct EscPosPrinterOptions {
  EncodeOptions encode;
  std::chrono::milliseconds write_timeout{5'000};
  std::chrono::milliseconds status_timeout{1'000};
  std::size_t chunk_bytes = 4'096;
};

// What the last job cost, for the benchmark and the logs.
struct JobStats {
  std::string kind;
  std::size_t bytes = 0;
  int raster_rows = 0;
  double seconds_to_last_byte = 0;
};

class EscPosPrinter final : public ReceiptPrinter {
 public:
  EscPosPrinter(TransportFactory open, SlipRenderer renderer, EscPosPrinterOptions options = {});
  ~EscPosPrinter() override;

  PrinterStatus Status() override;
  core::Status Print(const Receipt& receipt) override;
  core::Status Print(const FeeReceipt& receipt) override;
  core::Status Print(const QueueTicket& ticket) override;
  core::Status PrintSlip(const Slip& slip);

  const JobStats& LastJob() const { return last_; }

 private:
  core::Expected<StatusFlags> Query();
  core::Expected<Transport*> Link();
  static core::Status Refusal(const StatusFlags& flags);

  TransportFactory open_;
  SlipRenderer renderer_;
  EscPosPrinterOptions options_;
  std::unique_ptr<Transport> link_;
  JobStats last_;
};

}  // namespace kiosk::printer
