#include "kiosk/printer/fake_printer.h"

#include <fstream>

namespace kiosk::printer {

core::Status FakePrinter::Emit(const std::string& kind, std::vector<std::string> lines) {
  switch (status_) {
    case PrinterStatus::kPaperOut:
      return core::Error::NeedsPerson("printer.paper_out", "paper out");
    case PrinterStatus::kCoverOpen:
      return core::Error::NeedsPerson("printer.cover_open", "cover open");
    case PrinterStatus::kOffline:
      return core::Error::Retryable("printer.offline", "offline");
    default:
      break;
  }
  printed_.push_back(lines);
  if (!dir_.empty()) {
    const auto path = dir_ / (kind + "-" + std::to_string(printed_.size()) + ".txt");
    std::ofstream out(path);
    for (const auto& line : lines) out << line << '\n';
    if (!out) return core::Error::Fatal("printer.write", "cannot write " + path.string());
  }
  return core::Ok();
}

core::Status FakePrinter::Print(const Receipt& receipt) {
  return Emit("receipt", ReceiptLines(receipt));
}

core::Status FakePrinter::Print(const FeeReceipt& receipt) {
  return Emit("fee-receipt", FeeReceiptLines(receipt));
}

core::Status FakePrinter::Print(const QueueTicket& ticket) {
  return Emit("ticket", TicketLines(ticket));
}

}  // namespace kiosk::printer
