#include "kiosk/printer/layout.h"

#include <qrencode.h>

#include <algorithm>
#include <memory>
#include <optional>

#include <opencv2/core.hpp>

#include "kiosk/core/text.h"
#include "kiosk/typeset/text_painter.h"

namespace kiosk::printer {

namespace {

Block Text(std::string text, TextStyle style = TextStyle::kBody, Align align = Align::kLeft,
           int hanging_indent = 0) {
  Block b;
  b.text = std::move(text);
  b.style = style;
  b.align = align;
  b.hanging_indent = hanging_indent;
  return b;
}

Block Centered(std::string text, TextStyle style = TextStyle::kSmall) {
  return Text(std::move(text), style, Align::kCenter);
}

Block Rule() {
  Block b;
  b.kind = Block::Kind::kRule;
  return b;
}

Block Space(int dots) {
  Block b;
  b.kind = Block::Kind::kSpace;
  b.dots = dots;
  return b;
}

Block Qr(std::string data) {
  Block b;
  b.kind = Block::Kind::kQr;
  b.text = std::move(data);
  return b;
}

constexpr int kIndent = 28;  // the hanging indent of list items, in dots

}  // namespace

PaperProfile Paper80() { return {"80mm", 576, 8, 203}; }
PaperProfile Paper58() { return {"58mm", 384, 6, 203}; }

core::Expected<PaperProfile> PaperByName(const std::string& name) {
  if (name == "80mm") return Paper80();
  if (name == "58mm") return Paper58();
  return core::Error::NeedsPerson("printer.paper", "paper must be 80mm or 58mm, not " + name);
}

namespace {

// "a) ", "b) ", ...: the sub-items of a numbered item, as legal texts write them.
std::string Letter(std::size_t i) { return std::string(1, static_cast<char>('a' + i % 26)) + ") "; }

Block Item(std::string text, TextStyle style = TextStyle::kBody) {
  return Text(std::move(text), style, Align::kLeft, kIndent);
}

Block SubItem(std::size_t i, const std::string& text, TextStyle style = TextStyle::kBody) {
  return Text("   " + Letter(i) + text, style, Align::kLeft, 2 * kIndent);
}

// "https://dichvucong.gov.vn/tra-cuu-ho-so?code=…": "dichvucong.gov.vn/tra-cuu-ho-so".
std::string SiteOf(const std::string& url) {
  std::string site = url;
  const auto scheme = site.find("://");
  if (scheme != std::string::npos) site = site.substr(scheme + 3);
  const auto query = site.find('?');
  if (query != std::string::npos) site = site.substr(0, query);
  return site;
}

}  // namespace

Slip LayoutReceipt(const Receipt& r) {
  Slip slip{"receipt", {}};
  auto& b = slip.blocks;
  b.push_back(Centered(r.agency, TextStyle::kBold));
  b.push_back(Centered("BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"));
  b.push_back(Centered("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", TextStyle::kSmallBold));
  b.push_back(Centered("Độc lập - Tự do - Hạnh phúc"));
  b.push_back(Rule());
  if (r.provisional) {
    b.push_back(Centered("GIẤY TIẾP NHẬN HỒ SƠ (TẠM THỜI)", TextStyle::kTitle));
    b.push_back(
        Centered("Mã hồ sơ sẽ được cấp khi hồ sơ đến hệ thống một cửa. "
                 "Tra cứu bằng mã QR hoặc số tham chiếu bên dưới."));
  } else {
    b.push_back(Centered("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", TextStyle::kTitle));
    b.push_back(Centered("Mã hồ sơ:", TextStyle::kBody));
    b.push_back(Centered(r.dossier_code, TextStyle::kBold));
  }
  b.push_back(Centered("Số tham chiếu tại ki-ốt: " + r.local_reference));
  b.push_back(Space(10));
  b.push_back(Text("Tiếp nhận hồ sơ của: " + r.applicant_title + " " + r.applicant_name.Reveal()));
  b.push_back(Text("Địa chỉ: " + r.applicant_address.Reveal()));
  if (!r.applicant_phone.Reveal().empty()) {
    b.push_back(Text("Số điện thoại: " + r.applicant_phone.Reveal()));
  }
  b.push_back(Text("Nội dung yêu cầu giải quyết: " + r.procedure_name));
  if (!r.procedure_code.empty()) {
    b.push_back(Text("Mã thủ tục: " + r.procedure_code, TextStyle::kSmall));
  }
  b.push_back(Item("1. Thành phần hồ sơ nộp gồm:"));
  if (r.papers.empty()) b.push_back(SubItem(0, "Tờ khai điện tử"));
  for (std::size_t i = 0; i < r.papers.size(); ++i) b.push_back(SubItem(i, r.papers[i]));
  b.push_back(Item("2. Số lượng hồ sơ: 01 (bộ)"));
  b.push_back(Item("3. Thời gian giải quyết hồ sơ theo quy định: " + r.time_limit));
  b.push_back(Item("4. Thời gian nhận hồ sơ: " + r.received_at));
  b.push_back(Item("5. Thời gian trả kết quả giải quyết hồ sơ:", TextStyle::kBold));
  // "16 giờ 30 phút," over "ngày 30/11/2026": each part whole on its line.
  const auto comma = r.appointment.find(", ");
  if (comma == std::string::npos) {
    b.push_back(Centered(r.appointment, TextStyle::kLarge));
  } else {
    b.push_back(Centered(r.appointment.substr(0, comma + 1), TextStyle::kLarge));
    b.push_back(Centered(r.appointment.substr(comma + 2), TextStyle::kLarge));
  }
  b.push_back(Item("6. Đăng ký nhận kết quả tại: " + r.return_method));
  if (!r.fees.empty()) {
    b.push_back(Item("7. Phí, lệ phí:"));
    for (std::size_t i = 0; i < r.fees.size(); ++i) b.push_back(SubItem(i, r.fees[i]));
    b.push_back(Text("   Tổng cộng: " + r.fee_total, TextStyle::kBold, Align::kLeft, kIndent));
    if (!r.payment_reference.empty()) {
      b.push_back(Text("   Đã thanh toán, mã giao dịch: " + r.payment_reference, TextStyle::kBody,
                       Align::kLeft, kIndent));
    } else if (r.fee_at_counter) {
      b.push_back(Text("   Chưa nộp: " + r.applicant_title + " nộp tại quầy một cửa.",
                       TextStyle::kBold, Align::kLeft, kIndent));
    }
  } else {
    b.push_back(Item("7. Phí, lệ phí: không thu"));
  }
  if (!r.at_counter.empty()) {
    b.push_back(Rule());
    b.push_back(Text("Việc " + r.applicant_title + " làm tại quầy một cửa:", TextStyle::kBold));
    for (std::size_t i = 0; i < r.at_counter.size(); ++i) b.push_back(SubItem(i, r.at_counter[i]));
  }
  b.push_back(Rule());
  b.push_back(Text("Khi đến nhận kết quả, " + r.applicant_title + " mang theo:", TextStyle::kBold));
  std::vector<std::string> bring{"Giấy tiếp nhận này", "Thẻ căn cước của người nộp hồ sơ"};
  bring.insert(bring.end(), r.bring.begin(), r.bring.end());
  for (std::size_t i = 0; i < bring.size(); ++i) b.push_back(SubItem(i, bring[i]));
  b.push_back(Rule());
  b.push_back(Centered("TRA CỨU HỒ SƠ", TextStyle::kBold));
  b.push_back(Qr(r.lookup_url));
  if (r.provisional || r.lookup_secret.empty()) {
    b.push_back(Centered("Số tham chiếu:", TextStyle::kBody));
    b.push_back(Centered(r.local_reference, TextStyle::kTitle));
  } else {
    b.push_back(Centered("Mã tra cứu:", TextStyle::kBody));
    b.push_back(Centered(r.lookup_secret, TextStyle::kTitle));
  }
  const std::string site = r.lookup_site.empty() ? SiteOf(r.lookup_url) : r.lookup_site;
  b.push_back(Centered("Quét mã QR, hoặc vào " + site));
  if (!r.working_hours.empty()) b.push_back(Centered("Giờ làm việc: " + r.working_hours));
  if (!r.hotline.empty()) b.push_back(Centered("Đường dây nóng: " + r.hotline, TextStyle::kBold));
  b.push_back(Space(8));
  b.push_back(Centered("Giấy in tại ki-ốt dịch vụ công, không cần chữ ký."));
  return slip;
}

Slip LayoutFeeReceipt(const FeeReceipt& r) {
  Slip slip{"fee-receipt", {}};
  auto& b = slip.blocks;
  b.push_back(Centered(r.agency, TextStyle::kBold));
  b.push_back(Centered("BIÊN LAI THU PHÍ, LỆ PHÍ", TextStyle::kTitle));
  if (!r.series.empty() || !r.number.empty()) {
    b.push_back(Centered("Ký hiệu: " + r.series + "   Số: " + r.number));
  } else {
    b.push_back(Centered("Biên lai điện tử do cơ quan thu phí phát hành và gửi kèm hồ sơ."));
  }
  b.push_back(Rule());
  b.push_back(Text("Người nộp: " + r.payer_name.Reveal(), TextStyle::kBody, Align::kLeft, kIndent));
  b.push_back(Text("Hồ sơ: " + r.dossier_reference));
  b.push_back(Text("Thủ tục: " + r.procedure_name, TextStyle::kBody, Align::kLeft, kIndent));
  for (const auto& line : r.lines) {
    b.push_back(
        Text("   " + line.label + ": " + line.amount, TextStyle::kBody, Align::kLeft, kIndent));
  }
  b.push_back(Text("Tổng cộng: " + r.total, TextStyle::kTitle));
  b.push_back(Text("Bằng chữ: " + r.total_in_words, TextStyle::kBody, Align::kLeft, kIndent));
  b.push_back(Text("Hình thức thanh toán: " + r.method, TextStyle::kBody, Align::kLeft, kIndent));
  b.push_back(Text("Mã giao dịch: " + r.transaction_reference));
  b.push_back(Text("Thời gian: " + r.paid_at));
  b.push_back(Rule());
  b.push_back(Centered("Tiền được chuyển thẳng vào tài khoản của cơ quan thu."));
  return slip;
}

Slip LayoutTicket(const QueueTicket& t) {
  Slip slip{"ticket", {}};
  auto& b = slip.blocks;
  b.push_back(Centered(t.site, TextStyle::kBold));
  b.push_back(Centered("PHIẾU SỐ THỨ TỰ", TextStyle::kTitle));
  b.push_back(Centered(TicketNumberText(t.number), TextStyle::kHuge));
  b.push_back(
      Centered(t.counter.empty() ? std::string("Quầy một cửa") : t.counter, TextStyle::kTitle));
  b.push_back(Centered("Ngày " + t.day + ", lúc " + t.issued_at));
  if (t.ahead > 0) {
    b.push_back(Centered("Đã có " + std::to_string(t.ahead) + " người lấy số trước hôm nay.",
                         TextStyle::kBody));
  }
  b.push_back(Centered("Xin vui lòng chờ gọi đến số của mình.", TextStyle::kBody));
  return slip;
}

std::string TicketNumberText(int number) {
  char text[16];
  std::snprintf(text, sizeof text, "%03d", number);
  return text;
}

std::vector<std::string> SlipText(const Slip& slip) {
  std::vector<std::string> lines;
  for (const auto& block : slip.blocks) {
    if (block.kind == Block::Kind::kText) lines.push_back(block.text);
  }
  return lines;
}

std::vector<std::string> ReceiptLines(const Receipt& receipt) {
  return SlipText(LayoutReceipt(receipt));
}
std::vector<std::string> FeeReceiptLines(const FeeReceipt& receipt) {
  return SlipText(LayoutFeeReceipt(receipt));
}
std::vector<std::string> TicketLines(const QueueTicket& ticket) {
  return SlipText(LayoutTicket(ticket));
}

core::Expected<Bitmap> QrBitmap(std::string_view data, int module_dots, QrLevel level) {
  QRecLevel ec = QR_ECLEVEL_M;
  switch (level) {
    case QrLevel::kL:
      ec = QR_ECLEVEL_L;
      break;
    case QrLevel::kM:
      ec = QR_ECLEVEL_M;
      break;
    case QrLevel::kQ:
      ec = QR_ECLEVEL_Q;
      break;
    case QrLevel::kH:
      ec = QR_ECLEVEL_H;
      break;
  }
  const std::string text(data);
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeData(static_cast<int>(text.size()),
                        reinterpret_cast<const unsigned char*>(text.data()), 0, ec),
      QRcode_free);
  if (!code) return core::Error::Fatal("printer.qr", "the QR code cannot hold this content");
  const int quiet = 4;
  const int modules = code->width + 2 * quiet;
  Bitmap image(modules * module_dots, modules * module_dots);
  for (int my = 0; my < code->width; ++my) {
    for (int mx = 0; mx < code->width; ++mx) {
      if (!(code->data[my * code->width + mx] & 1)) continue;
      for (int dy = 0; dy < module_dots; ++dy) {
        for (int dx = 0; dx < module_dots; ++dx) {
          image.Set((mx + quiet) * module_dots + dx, (my + quiet) * module_dots + dy);
        }
      }
    }
  }
  return image;
}

struct SlipRenderer::State {
  PaperProfile paper;
  std::optional<typeset::TextPainter> body, small, small_bold, bold, title, large, huge;

  const typeset::TextPainter& Painter(TextStyle style) const {
    switch (style) {
      case TextStyle::kSmall:
        return *small;
      case TextStyle::kBold:
        return *bold;
      case TextStyle::kTitle:
        return *title;
      case TextStyle::kSmallBold:
        return *small_bold;
      case TextStyle::kLarge:
        return *large;
      case TextStyle::kHuge:
        return *huge;
      case TextStyle::kBody:
        break;
    }
    return *body;
  }

  int QrModule() const { return paper.width_dots >= 512 ? 5 : 4; }

  // Greedy word wrap; a word wider than the line is split between characters.
  // Words are measured once each (a line's width is the sum of its words and
  // spaces), so a long paragraph costs no more than its words.
  std::vector<std::string> Wrap(const std::string& text, const typeset::TextPainter& painter,
                                int first_width, int next_width) const {
    std::vector<std::string> lines;
    std::string line;
    int line_width = 0;
    const int space = painter.Width(" ");
    auto width = [&] { return lines.empty() ? first_width : next_width; };
    std::size_t at = 0;
    while (at <= text.size()) {
      std::size_t end = text.find(' ', at);
      if (end == std::string::npos) end = text.size();
      std::string word = text.substr(at, end - at);
      at = end + 1;
      const int word_width = painter.Width(word);
      const int joined = line.empty() ? word_width : line_width + space + word_width;
      if (joined <= width()) {
        line = line.empty() ? word : line + " " + word;
        line_width = joined;
        continue;
      }
      if (!line.empty()) {
        lines.push_back(line);
        line.clear();
      }
      // The word alone: split it if it is still too wide.
      std::u32string rest = core::ToCodePoints(word);
      while (!rest.empty() && painter.Width(core::FromCodePoints(rest)) > width()) {
        std::size_t n = rest.size();
        while (n > 1 && painter.Width(core::FromCodePoints(rest.substr(0, n))) > width()) --n;
        lines.push_back(core::FromCodePoints(rest.substr(0, n)));
        rest = rest.substr(n);
      }
      line = core::FromCodePoints(rest);
      line_width = painter.Width(line);
    }
    if (!line.empty() || lines.empty()) lines.push_back(line);
    return lines;
  }

  // A text block's printed lines, and where its first and next lines start.
  struct Wrapped {
    std::vector<std::string> lines;
    int first = 0;   // dots from the margin
    int indent = 0;  // of the lines after the first
  };
  Wrapped WrapBlock(const Block& block) const {
    const int inner = paper.width_dots - 2 * paper.margin_dots;
    const auto& painter = Painter(block.style);
    // Leading spaces indent the first line; the hanging indent the rest.
    const std::size_t spaces = std::min(block.text.find_first_not_of(' '), block.text.size());
    Wrapped w;
    w.first = std::min(static_cast<int>(spaces) * painter.Width(" "), inner / 2);
    w.indent = std::min(block.hanging_indent, inner / 2);
    w.lines = Wrap(block.text.substr(spaces), painter, inner - w.first, inner - w.indent);
    return w;
  }

  struct Part {
    cv::Mat gray;    // a raster part, white paper and black ink
    std::string qr;  // or a native QR code
  };

  core::Expected<std::vector<Part>> Layout(const Slip& slip, bool native_qr, int module) const {
    const int width = paper.width_dots;
    const int inner = width - 2 * paper.margin_dots;
    std::vector<Part> parts;
    std::vector<cv::Mat> rows;
    auto flush = [&] {
      if (rows.empty()) return;
      Part part;
      cv::vconcat(rows, part.gray);
      parts.push_back(std::move(part));
      rows.clear();
    };
    for (const auto& block : slip.blocks) {
      switch (block.kind) {
        case Block::Kind::kText: {
          const auto& painter = Painter(block.style);
          const auto [lines, first, indent] = WrapBlock(block);
          for (std::size_t i = 0; i < lines.size(); ++i) {
            cv::Mat line(painter.LineHeight() + 2, width, CV_8UC1, cv::Scalar(255));
            const int w = painter.Width(lines[i]);
            int x = paper.margin_dots + (i > 0 ? indent : first);
            if (block.align == Align::kCenter) x = (width - w) / 2;
            if (block.align == Align::kRight) x = width - paper.margin_dots - w;
            painter.Draw(line, std::max(0, x), painter.Ascender() + 1, lines[i]);
            rows.push_back(line);
          }
          break;
        }
        case Block::Kind::kRule: {
          cv::Mat rule(12, width, CV_8UC1, cv::Scalar(255));
          rule(cv::Rect(paper.margin_dots, 5, inner, 2)).setTo(0);
          rows.push_back(rule);
          break;
        }
        case Block::Kind::kSpace:
          if (block.dots > 0) rows.emplace_back(block.dots, width, CV_8UC1, cv::Scalar(255));
          break;
        case Block::Kind::kQr: {
          if (native_qr) {
            flush();
            parts.push_back(Part{cv::Mat(), block.text});
            break;
          }
          KIOSK_ASSIGN_OR_RETURN(auto qr, QrBitmap(block.text, module, QrLevel::kM));
          if (qr.width > width) return core::Error::Fatal("printer.qr", "the QR code is too wide");
          cv::Mat area(qr.height, width, CV_8UC1, cv::Scalar(255));
          const int left = (width - qr.width) / 2;
          for (int y = 0; y < qr.height; ++y) {
            auto* row = area.ptr<std::uint8_t>(y);
            for (int x = 0; x < qr.width; ++x) {
              if (qr.Black(x, y)) row[left + x] = 0;
            }
          }
          rows.push_back(area);
          break;
        }
      }
    }
    flush();
    return parts;
  }
};

namespace {

Bitmap ToBitmap(const cv::Mat& gray) {
  Bitmap image(gray.cols, gray.rows);
  for (int y = 0; y < gray.rows; ++y) {
    const auto* row = gray.ptr<std::uint8_t>(y);
    for (int x = 0; x < gray.cols; ++x) {
      if (row[x] < 128) image.Set(x, y);
    }
  }
  return image;
}

}  // namespace

SlipRenderer::SlipRenderer(std::unique_ptr<State> state) : state_(std::move(state)) {}
SlipRenderer::~SlipRenderer() = default;
SlipRenderer::SlipRenderer(SlipRenderer&&) noexcept = default;
SlipRenderer& SlipRenderer::operator=(SlipRenderer&&) noexcept = default;

core::Expected<SlipRenderer> SlipRenderer::Open(PaperProfile paper, SlipFonts fonts) {
  auto state = std::make_unique<State>();
  const bool wide = paper.width_dots >= 512;
  state->paper = std::move(paper);
  // Sizes in dots at 203 dpi: body 29 (about 10 pt) on 80 mm paper, 25 on
  // 58 mm; the appointment in `large`.
  KIOSK_ASSIGN_OR_RETURN(auto body, typeset::TextPainter::Open(fonts.regular, wide ? 29 : 25));
  KIOSK_ASSIGN_OR_RETURN(auto small, typeset::TextPainter::Open(fonts.regular, wide ? 24 : 21));
  KIOSK_ASSIGN_OR_RETURN(auto small_bold, typeset::TextPainter::Open(fonts.bold, wide ? 24 : 21));
  KIOSK_ASSIGN_OR_RETURN(auto bold, typeset::TextPainter::Open(fonts.bold, wide ? 29 : 25));
  KIOSK_ASSIGN_OR_RETURN(auto title, typeset::TextPainter::Open(fonts.bold, wide ? 32 : 27));
  KIOSK_ASSIGN_OR_RETURN(auto large, typeset::TextPainter::Open(fonts.bold, wide ? 40 : 32));
  KIOSK_ASSIGN_OR_RETURN(auto huge, typeset::TextPainter::Open(fonts.bold, wide ? 160 : 120));
  state->body.emplace(std::move(body));
  state->small.emplace(std::move(small));
  state->bold.emplace(std::move(bold));
  state->small_bold.emplace(std::move(small_bold));
  state->title.emplace(std::move(title));
  state->large.emplace(std::move(large));
  state->huge.emplace(std::move(huge));
  return SlipRenderer(std::move(state));
}

const PaperProfile& SlipRenderer::Paper() const { return state_->paper; }

std::vector<std::string> SlipRenderer::Lines(const Slip& slip) const {
  std::vector<std::string> lines;
  for (const auto& block : slip.blocks) {
    if (block.kind != Block::Kind::kText) continue;
    auto wrapped = state_->WrapBlock(block);
    lines.insert(lines.end(), wrapped.lines.begin(), wrapped.lines.end());
  }
  return lines;
}

core::Expected<Bitmap> SlipRenderer::Render(const Slip& slip) const {
  KIOSK_ASSIGN_OR_RETURN(auto parts, state_->Layout(slip, false, state_->QrModule()));
  Bitmap image(state_->paper.width_dots, 0);
  for (const auto& part : parts) image.Append(ToBitmap(part.gray));
  return image;
}

core::Expected<core::Bytes> SlipRenderer::Encode(const Slip& slip,
                                                 const EncodeOptions& options) const {
  const int module = options.qr_module_dots > 0 ? options.qr_module_dots : state_->QrModule();
  KIOSK_ASSIGN_OR_RETURN(auto parts, state_->Layout(slip, options.native_qr, module));
  EscPosWriter out;
  out.Initialize();
  for (const auto& part : parts) {
    if (part.gray.empty()) {
      out.SetAlign(Align::kCenter).Qr(part.qr, module, QrLevel::kM).SetAlign(Align::kLeft);
    } else {
      out.Raster(ToBitmap(part.gray), options.band_rows);
    }
  }
  out.FeedDots(options.feed_before_cut_dots).Cut();
  return out.Take();
}

}  // namespace kiosk::printer
