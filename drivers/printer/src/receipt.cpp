#include <fstream>

#include "kiosk/printer/printer.h"

namespace kiosk::printer {

const char* ToString(PrinterStatus status) {
  switch (status) {
    case PrinterStatus::kReady:
      return "ready";
    case PrinterStatus::kPaperNearEnd:
      return "paper_near_end";
    case PrinterStatus::kPaperOut:
      return "paper_out";
    case PrinterStatus::kCoverOpen:
      return "cover_open";
    case PrinterStatus::kOffline:
      return "offline";
  }
  return "?";
}

std::vector<std::string> ReceiptLines(const Receipt& r) {
  std::vector<std::string> lines;
  lines.push_back(r.agency);
  lines.push_back("BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ");
  lines.push_back("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
  lines.push_back("Độc lập - Tự do - Hạnh phúc");
  lines.push_back("");
  lines.push_back(r.provisional ? "GIẤY TIẾP NHẬN HỒ SƠ (TẠM THỜI)"
                                : "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ");
  if (r.provisional) {
    lines.push_back("Mã hồ sơ: sẽ được cấp khi hồ sơ đến hệ thống một cửa;");
    lines.push_back("tra cứu bằng mã QR hoặc số tham chiếu bên dưới.");
  } else {
    lines.push_back("Mã hồ sơ: " + r.dossier_code);
  }
  lines.push_back("Số tham chiếu tại ki-ốt: " + r.local_reference);
  lines.push_back("");
  lines.push_back("Tiếp nhận hồ sơ của: Ông/Bà " + r.applicant_name.Reveal());
  lines.push_back("Địa chỉ: " + r.applicant_address.Reveal());
  if (!r.applicant_phone.Reveal().empty()) {
    lines.push_back("Số điện thoại: " + r.applicant_phone.Reveal());
  }
  lines.push_back("Nội dung yêu cầu giải quyết: " + r.procedure_name + " (" + r.procedure_code +
                  ")");
  lines.push_back("1. Thành phần hồ sơ nộp gồm:");
  int n = 0;
  for (const auto& p : r.papers) lines.push_back("   " + std::to_string(++n) + ". " + p);
  if (r.papers.empty()) lines.push_back("   Tờ khai điện tử");
  lines.push_back("2. Số lượng hồ sơ: 01 (bộ)");
  lines.push_back("3. Thời gian giải quyết hồ sơ theo quy định: " + r.time_limit);
  lines.push_back("4. Thời gian nhận hồ sơ: " + r.received_at);
  lines.push_back("5. Thời gian trả kết quả giải quyết hồ sơ: " + r.appointment);
  lines.push_back("6. Đăng ký nhận kết quả tại: " + r.return_method);
  if (!r.fees.empty()) {
    lines.push_back("Phí, lệ phí:");
    for (const auto& f : r.fees) lines.push_back("   " + f);
    lines.push_back("   Tổng cộng: " + r.fee_total);
    if (!r.payment_reference.empty()) {
      lines.push_back("   Đã thanh toán, mã giao dịch: " + r.payment_reference);
    }
  } else {
    lines.push_back("Phí, lệ phí: không thu");
  }
  lines.push_back("Mã tra cứu: " + r.lookup_secret);
  lines.push_back("Tra cứu: " + r.lookup_url);
  return lines;
}

std::vector<std::string> TicketLines(const QueueTicket& t) {
  return {t.site, "PHIẾU SỐ THỨ TỰ", std::to_string(t.number),
          "Ngày " + t.day + ", lúc " + t.issued_at, "Vui lòng chờ gọi số tại quầy một cửa."};
}

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

core::Status FakePrinter::Print(const QueueTicket& ticket) {
  return Emit("ticket", TicketLines(ticket));
}

}  // namespace kiosk::printer
