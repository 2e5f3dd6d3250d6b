#include "kiosk/printer/escpos_sim.h"

#include <algorithm>
#include <cstdio>

#include <opencv2/imgcodecs.hpp>

#include "kiosk/printer/layout.h"

namespace kiosk::printer {

namespace {
constexpr std::uint8_t kLf = 0x0A;
constexpr std::uint8_t kEsc = 0x1B;
constexpr std::uint8_t kGs = 0x1D;
constexpr std::uint8_t kDle = 0x10;
constexpr int kMaxRasterBytes = 1 << 20;  // larger than any printer's buffer
}  // namespace

EscPosInterpreter::EscPosInterpreter(int width_dots)
    : width_(width_dots), current_(width_dots, 0) {}

void EscPosInterpreter::SetPaperLeft(int dots) { paper_left_ = dots; }

std::uint8_t EscPosInterpreter::StatusByte(int n) const {
  std::uint8_t byte = 0x12;
  const bool near_end = paper_left_ >= 0 && paper_left_ < near_end_below_;
  switch (n) {
    case 1:
      if (offline_ || cover_open_ || paper_left_ == 0) byte |= 0x08;
      break;
    case 2:
      if (cover_open_) byte |= 0x04;
      if (paper_left_ == 0) byte |= 0x20;
      break;
    case 3:
      break;
    case 4:
      if (near_end || paper_left_ == 0) byte |= 0x0C;
      if (paper_left_ == 0) byte |= 0x60;
      break;
    default:
      break;
  }
  return byte;
}

core::Bytes EscPosInterpreter::Feed(core::ByteView data) {
  pending_.insert(pending_.end(), data.begin(), data.end());
  while (!pending_.empty() && Step()) {
  }
  return std::move(replies_);
}

void EscPosInterpreter::Advance(int dots) {
  if (!CanPrint() || dots <= 0) return;
  if (paper_left_ >= 0) dots = std::min(dots, paper_left_);
  current_.Append(Bitmap(width_, dots));
  if (paper_left_ > 0) paper_left_ -= dots;
}

void EscPosInterpreter::Print(const Bitmap& image, int left) {
  for (int y = 0; y < image.height; ++y) {
    if (!CanPrint()) return;  // the rest of the slip is lost, as on paper
    Bitmap row(width_, 1);
    for (int x = 0; x < image.width && left + x < width_; ++x) {
      if (image.Black(x, y)) row.Set(left + x, 0);
    }
    current_.Append(row);
    if (paper_left_ > 0) --paper_left_;
  }
}

void EscPosInterpreter::Cut() {
  if (!CanPrint() && current_.height == 0) return;
  if (current_.height > 0) sheets_.push_back(std::move(current_));
  current_ = Bitmap(width_, 0);
}

std::vector<Bitmap> EscPosInterpreter::TakeSheets() { return std::move(sheets_); }

bool EscPosInterpreter::Step() {
  const auto& p = pending_;
  const std::size_t size = p.size();
  std::size_t used = 0;
  auto need = [&](std::size_t n) { return size >= n; };
  auto unknown = [&](std::size_t n, const std::string& what) {
    char hex[64];
    std::snprintf(hex, sizeof hex, " at byte %zu", consumed_);
    errors_.push_back("unsupported command " + what + hex);
    used = n;
  };

  const std::uint8_t b0 = p[0];
  if (b0 == kLf) {
    Advance(line_spacing_);
    used = 1;
  } else if (b0 == kDle) {
    if (!need(3)) return false;
    if (p[1] == 0x04 && p[2] >= 1 && p[2] <= 4) {
      replies_.push_back(StatusByte(p[2]));
      used = 3;
    } else {
      unknown(2, "DLE");
    }
  } else if (b0 == kEsc) {
    if (!need(2)) return false;
    switch (p[1]) {
      case '@':
        align_ = 0;
        line_spacing_ = 30;
        used = 2;
        break;
      case 'a':
      case 'd':
      case 'J':
      case '3':
        if (!need(3)) return false;
        if (p[1] == 'a') align_ = p[2] % 48 % 3;
        if (p[1] == 'd') Advance(p[2] * line_spacing_);
        if (p[1] == 'J') Advance(p[2]);
        if (p[1] == '3') line_spacing_ = p[2];
        used = 3;
        break;
      case '2':
        line_spacing_ = 30;
        used = 2;
        break;
      default:
        unknown(2, "ESC " + std::to_string(p[1]));
    }
  } else if (b0 == kGs) {
    if (!need(2)) return false;
    if (p[1] == 'v') {  // GS v 0 m xL xH yL yH data
      if (!need(8)) return false;
      const int stride = p[4] | (p[5] << 8);
      const int rows = p[6] | (p[7] << 8);
      const std::size_t bytes = static_cast<std::size_t>(stride) * static_cast<std::size_t>(rows);
      if (p[2] != '0' || stride == 0 || bytes > kMaxRasterBytes) {
        unknown(8, "GS v with bad parameters");
      } else {
        if (!need(8 + bytes)) return false;
        Bitmap image(stride * 8, rows);
        std::copy(p.begin() + 8, p.begin() + 8 + static_cast<std::ptrdiff_t>(bytes),
                  image.bits.begin());
        const int left = align_ == 1   ? (width_ - image.width) / 2
                         : align_ == 2 ? width_ - image.width
                                       : 0;
        Print(image, std::max(0, left));
        used = 8 + bytes;
      }
    } else if (p[1] == '(') {  // GS ( k pL pH cn fn ...
      if (!need(5)) return false;
      const auto length = static_cast<std::size_t>(p[3] | (p[4] << 8));
      if (!need(5 + length)) return false;
      if (p[2] == 'k' && length >= 2 && p[5] == 49) {
        const std::uint8_t fn = p[6];
        if (fn == 67 && length >= 3) qr_module_ = std::clamp<int>(p[7], 1, 16);
        if (fn == 69 && length >= 3) qr_level_ = p[7];
        if (fn == 80 && length >= 3) {
          qr_data_.assign(p.begin() + 8, p.begin() + 5 + static_cast<std::ptrdiff_t>(length));
        }
        if (fn == 81) {
          const QrLevel level = qr_level_ == 48   ? QrLevel::kL
                                : qr_level_ == 50 ? QrLevel::kQ
                                : qr_level_ == 51 ? QrLevel::kH
                                                  : QrLevel::kM;
          auto qr = QrBitmap(qr_data_, qr_module_, level);
          if (!qr || qr->width > width_) {
            errors_.push_back("QR code cannot be printed");
          } else {
            const int left = align_ == 1   ? (width_ - qr->width) / 2
                             : align_ == 2 ? width_ - qr->width
                                           : 0;
            Print(*qr, left);
          }
        }
        used = 5 + length;
      } else {
        unknown(5 + length, "GS ( " + std::to_string(p[2]));
      }
    } else if (p[1] == 'V') {
      if (!need(3)) return false;
      if (p[2] == 65 || p[2] == 66) {
        if (!need(4)) return false;
        Advance(p[3]);
        used = 4;
      } else {
        used = 3;
      }
      Cut();
    } else if (p[1] == 'a') {
      if (!need(3)) return false;
      used = 3;  // automatic status back: not simulated, accepted
    } else {
      unknown(2, "GS " + std::to_string(p[1]));
    }
  } else {
    unknown(1, "text byte " + std::to_string(b0) + " (the kiosk prints text as raster)");
  }
  consumed_ += used;
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(used));
  return true;
}

core::Status SimTransport::Write(core::ByteView data, std::chrono::milliseconds) {
  auto reply = printer_.Feed(data);
  replies_.insert(replies_.end(), reply.begin(), reply.end());
  return core::Ok();
}

core::Expected<core::Bytes> SimTransport::Read(std::size_t max, std::chrono::milliseconds) {
  const std::size_t n = std::min(max, replies_.size());
  core::Bytes out(replies_.begin(), replies_.begin() + static_cast<std::ptrdiff_t>(n));
  replies_.erase(replies_.begin(), replies_.begin() + static_cast<std::ptrdiff_t>(n));
  return out;
}

core::Status WritePng(const Bitmap& sheet, const std::filesystem::path& file) {
  cv::Mat image(std::max(1, sheet.height), std::max(1, sheet.width), CV_8UC1, cv::Scalar(255));
  for (int y = 0; y < sheet.height; ++y) {
    auto* row = image.ptr<std::uint8_t>(y);
    for (int x = 0; x < sheet.width; ++x) {
      if (sheet.Black(x, y)) row[x] = 0;
    }
  }
  if (!cv::imwrite(file.string(), image)) {
    return core::Error::Fatal("printer.png", "cannot write " + file.string());
  }
  return core::Ok();
}

}  // namespace kiosk::printer
