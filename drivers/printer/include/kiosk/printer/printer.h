#pragma once

// The receipt printer in domain words: what is printed (the receipt and
// appointment slip, Mẫu 01 of TT 01/2018 and TT 03/2025, its provisional
// form, the fee receipt and the queue ticket) and the printer's state.
// EscPosPrinter (escpos_printer.h) prints them on a thermal printer over USB,
// TCP or a file; FakePrinter (fake/) keeps what was printed as text, for tests.

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
  std::string applicant_title = "Ông/Bà";  // "Ông" or "Bà" from the chip's sex
  core::PersonalText applicant_address;
  core::PersonalText applicant_phone;
  std::string procedure_name;
  std::string procedure_code;
  std::vector<std::string> papers;  // "Giấy chứng sinh (1 trang)"
  std::string time_limit;           // as the procedure states it
  std::string received_at;          // "09 giờ 05 phút, ngày 30/11/2026"
  std::string appointment;          // "16 giờ 30 phút, ngày 30/11/2026", printed large
  std::string return_method;      // "Quầy số 2, Bộ phận một cửa UBND phường An Mỹ"
  std::vector<std::string> fees;  // "Phí chứng thực: 7.000 đ"
  std::string fee_total;
  std::string payment_reference;
  bool fee_at_counter = false;  // not paid at the kiosk: due at the counter
  // What the citizen does at the counter ("Ký trước mặt cán bộ tiếp nhận")
  // and brings to collect the result; each a sentence.
  std::vector<std::string> at_counter;
  std::vector<std::string> bring;
  std::string lookup_secret;  // mã tra cứu: empty while provisional (the QR has it whole)
  std::string lookup_url;     // what the QR holds
  std::string lookup_site;    // where to type the code: "dichvucong.gov.vn/tra-cuu-ho-so"
  std::string
      working_hours;  // "Sáng 7 giờ 30 - 11 giờ 30, chiều 13 giờ 30 - 17 giờ, thứ Hai - thứ Sáu"
  std::string hotline;  // "0235 3812 345"
};

// Biên lai thu phí, lệ phí, as printed at the kiosk once the fee is paid.
// The legal e-receipt (NĐ 123/2020, TT 32/2025) is issued by the collecting
// agency; this slip carries the payment's reference to it.
struct FeeReceipt : core::NotLoggable {
  struct Line {
    std::string label;
    std::string amount;  // "7.000 đ"
  };
  std::string agency;  // the collecting agency
  std::string series;  // ký hiệu, when the agency's e-receipt system gave one
  std::string number;  // số
  core::PersonalText payer_name;
  std::string dossier_reference;  // the dossier code, or the kiosk's reference
  std::string procedure_name;
  std::vector<Line> lines;
  std::string total;           // "7.000 đ"
  std::string total_in_words;  // "Bảy nghìn đồng"
  std::string method;          // "Thẻ ngân hàng", "Chuyển khoản VietQR"
  std::string transaction_reference;
  std::string paid_at;  // "09 giờ 12 phút, ngày 30/11/2026"
};

struct QueueTicket {
  int number = 0;   // printed "001", as the screen shows it
  std::string day;  // "30/11/2026"
  std::string issued_at;
  std::string site;
  std::string counter;  // "Quầy một cửa số 1"; empty: the one-stop counter
  // Tickets of the day issued before this one. The kiosk does not see which
  // numbers the counter has called, so it says no more than that.
  int ahead = 0;
};

// "001": a queue number as the screen and the ticket show it.
std::string TicketNumberText(int number);

// The slips as lines of text, in print order (the text of layout.h's slips).
std::vector<std::string> ReceiptLines(const Receipt& receipt);
std::vector<std::string> FeeReceiptLines(const FeeReceipt& receipt);
std::vector<std::string> TicketLines(const QueueTicket& ticket);

class ReceiptPrinter {
 public:
  virtual ~ReceiptPrinter() = default;
  virtual PrinterStatus Status() = 0;
  // Errors: "printer.paper_out", "printer.cover_open", "printer.offline".
  virtual core::Status Print(const Receipt& receipt) = 0;
  virtual core::Status Print(const FeeReceipt& receipt) = 0;
  virtual core::Status Print(const QueueTicket& ticket) = 0;
};

// The printer of a kiosk whose config names none: nothing prints ("printer.absent"),
// the receipt stays on the screen and the heartbeat says the printer is
// absent. Never a fake standing in for a device.
class AbsentPrinter final : public ReceiptPrinter {
 public:
  PrinterStatus Status() override { return PrinterStatus::kOffline; }
  core::Status Print(const Receipt&) override { return Absent(); }
  core::Status Print(const FeeReceipt&) override { return Absent(); }
  core::Status Print(const QueueTicket&) override { return Absent(); }

 private:
  static core::Error Absent() {
    return core::Error::NeedsPerson("printer.absent", "this kiosk has no printer configured");
  }
};

}  // namespace kiosk::printer
