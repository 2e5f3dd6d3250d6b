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

Slip LayoutReceipt(const Receipt& r) {
  Slip slip{"receipt", {}};
  auto& b = slip.blocks;
  b.push_back(Centered(r.agency, TextStyle::kBold));
  b.push_back(Centered("BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"));
  b.push_back(Centered("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", TextStyle::kBold));
  b.push_back(Centered("Độc lập - Tự do - Hạnh phúc"));
  b.push_back(Rule());
  if (r.provisional) {
    b.push_back(Centered("GIẤY TIẾP NHẬN HỒ SƠ (TẠM THỜI)", TextStyle::kTitle));
    b.push_back(Centered("Mã hồ sơ: sẽ được cấp khi hồ sơ đến hệ thống một cửa;"));
    b.push_back(Centered("tra cứu bằng mã QR hoặc số tham chiếu bên dưới."));
  } else {
    b.push_back(Centered("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", TextStyle::kTitle));
    b.push_back(Centered("Mã hồ sơ: " + r.dossier_code, TextStyle::kBold));
  }
  b.push_back(Centered("Số tham chiếu tại ki-ốt: " + r.local_reference));
  b.push_back(Space(10));
  b.push_back(Text("Tiếp nhận hồ sơ của: " + r.applicant_title + " " + r.applicant_name.Reveal()));
  b.push_back(Text("Địa chỉ: " + r.applicant_address.Reveal()));
  if (!r.applicant_phone.Reveal().empty()) {
    b.push_back(Text("Số điện thoại: " + r.applicant_phone.Reveal()));
  }
  b.push_back(
      Text("Nội dung yêu cầu giải quyết: " + r.procedure_name + " (" + r.procedure_code + ")"));
  b.push_back(Text("1. Thành phần hồ sơ nộp gồm:", TextStyle::kBody, Align::kLeft, kIndent));
  int n = 0;
  for (const auto& p : r.papers) {
    b.push_back(
        Text("   " + std::to_string(++n) + ". " + p, TextStyle::kBody, Align::kLeft, 2 * kIndent));
  }
  if (r.papers.empty()) b.push_back(Text("   Tờ khai điện tử"));
  b.push_back(Text("2. Số lượng hồ sơ: 01 (bộ)", TextStyle::kBody, Align::kLeft, kIndent));
  b.push_back(Text("3. Thời gian giải quyết hồ sơ theo quy định: " + r.time_limit, TextStyle::kBody,
                   Align::kLeft, kIndent));
  b.push_back(
      Text("4. Thời gian nhận hồ sơ: " + r.received_at, TextStyle::kBody, Align::kLeft, kIndent));
  b.push_back(Text("5. Thời gian trả kết quả giải quyết hồ sơ: " + r.appointment, TextStyle::kBold,
                   Align::kLeft, kIndent));
  b.push_back(Text("6. Đăng ký nhận kết quả tại: " + r.return_method, TextStyle::kBody,
                   Align::kLeft, kIndent));
  if (!r.fees.empty()) {
    b.push_back(Text("Phí, lệ phí:"));
    for (const auto& f : r.fees)
      b.push_back(Text("   " + f, TextStyle::kBody, Align::kLeft, kIndent));
    b.push_back(Text("   Tổng cộng: " + r.fee_total, TextStyle::kBold));
    if (!r.payment_reference.empty()) {
      b.push_back(Text("   Đã thanh toán, mã giao dịch: " + r.payment_reference, TextStyle::kBody,
                       Align::kLeft, kIndent));
    }
  } else {
    b.push_back(Text("Phí, lệ phí: không thu"));
  }
  b.push_back(Rule());
  b.push_back(Centered("Mã tra cứu: " + r.lookup_secret, TextStyle::kTitle));
  b.push_back(Qr(r.lookup_url));
  b.push_back(Centered("Quét mã QR để tra cứu hồ sơ"));
  b.push_back(Centered("Tra cứu: " + r.lookup_url));
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
  b.push_back(Centered(std::to_string(t.number), TextStyle::kHuge));
  b.push_back(Centered("Ngày " + t.day + ", lúc " + t.issued_at));
  b.push_back(Centered("Vui lòng chờ gọi số tại quầy một cửa."));
  return slip;
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
  std::optional<typeset::TextPainter> body, small, bold, title, huge;

  const typeset::TextPainter& Painter(TextStyle style) const {
    switch (style) {
      case TextStyle::kSmall:
        return *small;
      case TextStyle::kBold:
        return *bold;
      case TextStyle::kTitle:
        return *title;
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
          // Leading spaces indent the first line; the hanging indent the rest.
          const std::size_t spaces = std::min(block.text.find_first_not_of(' '), block.text.size());
          const int first = std::min(static_cast<int>(spaces) * painter.Width(" "), inner / 2);
          const int indent = std::min(block.hanging_indent, inner / 2);
          const auto lines =
              Wrap(block.text.substr(spaces), painter, inner - first, inner - indent);
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
  KIOSK_ASSIGN_OR_RETURN(auto body, typeset::TextPainter::Open(fonts.regular, wide ? 24 : 20));
  KIOSK_ASSIGN_OR_RETURN(auto small, typeset::TextPainter::Open(fonts.regular, wide ? 20 : 17));
  KIOSK_ASSIGN_OR_RETURN(auto bold, typeset::TextPainter::Open(fonts.bold, wide ? 24 : 20));
  KIOSK_ASSIGN_OR_RETURN(auto title, typeset::TextPainter::Open(fonts.bold, wide ? 23 : 20));
  KIOSK_ASSIGN_OR_RETURN(auto huge, typeset::TextPainter::Open(fonts.bold, wide ? 160 : 120));
  state->body.emplace(std::move(body));
  state->small.emplace(std::move(small));
  state->bold.emplace(std::move(bold));
  state->title.emplace(std::move(title));
  state->huge.emplace(std::move(huge));
  return SlipRenderer(std::move(state));
}

const PaperProfile& SlipRenderer::Paper() const { return state_->paper; }

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
