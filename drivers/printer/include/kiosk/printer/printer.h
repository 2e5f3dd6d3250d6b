#pragma once

// The receipt printer in domain words: what is printed (the receipt and
// appointment slip, Mẫu 01 of TT 01/2018 and TT 03/2025, and the queue
// ticket) and the printer's state. The ESC/POS driver over USB comes with the
// printer work; FakePrinter serves the kiosk app's tests and the demo
// meanwhile: it keeps what was printed and can write it out as text.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "kiosk/core/error.h"
#include "kiosk/core/secret.h"

namespace kiosk::printer {

enum class PrinterStatus { kReady, kPaperNearEnd, kPaperOut, kCoverOpen, kOffline };
const char* ToString(PrinterStatus status);

// Giấy tiếp nhận hồ sơ và hẹn trả kết quả. All text is Vietnamese, NFC.
struct Receipt : core::NotLoggable {
  std::string agency;           // the receiving agency's name
  std::string dossier_code;     // the official code, empty while provisional
  std::string local_reference;  // the kiosk's reference, always printed
  bool provisional = false;     // the gateway had not answered: the code follows
  core::PersonalText applicant_name;
  core::PersonalText applicant_address;
  core::PersonalText applicant_phone;
  std::string procedure_name;
  std::string procedure_code;
  std::vector<std::string> papers;  // "Giấy chứng sinh (1 trang)"
  std::string time_limit;           // as the procedure states it
  std::string received_at;          // "09 giờ 05 phút, ngày 30/11/2026"
  std::string appointment;          // "ngày 30/11/2026"
  std::string return_method;        // "Nhận tại Bộ phận một cửa"
  std::vector<std::string> fees;    // "Phí chứng thực: 7.000 đ"
  std::string fee_total;
  std::string payment_reference;
  std::string lookup_secret;  // mã tra cứu
  std::string lookup_url;     // what the QR holds
};

struct QueueTicket {
  int number = 0;
  std::string day;  // "30/11/2026"
  std::string issued_at;
  std::string site;
};

// The slip as lines of text, in print order.
std::vector<std::string> ReceiptLines(const Receipt& receipt);
std::vector<std::string> TicketLines(const QueueTicket& ticket);

class ReceiptPrinter {
 public:
  virtual ~ReceiptPrinter() = default;
  virtual PrinterStatus Status() = 0;
  // Errors: "printer.paper_out", "printer.cover_open", "printer.offline".
  virtual core::Status Print(const Receipt& receipt) = 0;
  virtual core::Status Print(const QueueTicket& ticket) = 0;
};

class FakePrinter final : public ReceiptPrinter {
 public:
  // `output_dir` not empty: each print is also written there as
  // receipt-N.txt / ticket-N.txt.
  explicit FakePrinter(std::filesystem::path output_dir = {}) : dir_(std::move(output_dir)) {}
  void SetStatus(PrinterStatus status) { status_ = status; }
  const std::vector<std::vector<std::string>>& Printed() const { return printed_; }

  PrinterStatus Status() override { return status_; }
  core::Status Print(const Receipt& receipt) override;
  core::Status Print(const QueueTicket& ticket) override;

 private:
  core::Status Emit(const std::string& kind, std::vector<std::string> lines);
  std::filesystem::path dir_;
  PrinterStatus status_ = PrinterStatus::kReady;
  std::vector<std::vector<std::string>> printed_;
};

}  // namespace kiosk::printer
