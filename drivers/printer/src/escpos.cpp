#include "kiosk/printer/escpos.h"

#include <algorithm>
#include <string>

namespace kiosk::printer {

namespace {
constexpr std::uint8_t kEsc = 0x1B;
constexpr std::uint8_t kGs = 0x1D;
constexpr std::uint8_t kDle = 0x10;
constexpr std::uint8_t kEot = 0x04;

std::uint8_t Low(int v) { return static_cast<std::uint8_t>(v & 0xFF); }
std::uint8_t High(int v) { return static_cast<std::uint8_t>((v >> 8) & 0xFF); }
}  // namespace

Bitmap::Bitmap(int w, int h)
    : width(w), height(h), bits(static_cast<std::size_t>(((w + 7) / 8) * h), 0) {}

bool Bitmap::Black(int x, int y) const {
  const auto i = static_cast<std::size_t>(y * Stride() + x / 8);
  return (bits[i] >> (7 - x % 8)) & 1;
}

void Bitmap::Set(int x, int y) {
  const auto i = static_cast<std::size_t>(y * Stride() + x / 8);
  bits[i] = static_cast<std::uint8_t>(bits[i] | (0x80 >> (x % 8)));
}

void Bitmap::Append(const Bitmap& other) {
  if (height == 0 && bits.empty()) width = other.width;
  bits.insert(bits.end(), other.bits.begin(), other.bits.end());
  height += other.height;
}

void EscPosWriter::Put(std::initializer_list<std::uint8_t> bytes) {
  bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
}

EscPosWriter& EscPosWriter::Initialize() {
  Put({kEsc, '@'});
  return *this;
}

EscPosWriter& EscPosWriter::SetAlign(Align align) {
  Put({kEsc, 'a', static_cast<std::uint8_t>(align)});
  return *this;
}

EscPosWriter& EscPosWriter::Raster(const Bitmap& image, int band_rows) {
  const int stride = image.Stride();
  band_rows = std::max(1, band_rows);
  for (int top = 0; top < image.height; top += band_rows) {
    const int rows = std::min(band_rows, image.height - top);
    Put({kGs, 'v', '0', 0, Low(stride), High(stride), Low(rows), High(rows)});
    const auto begin = image.bits.begin() + static_cast<std::ptrdiff_t>(top * stride);
    bytes_.insert(bytes_.end(), begin, begin + static_cast<std::ptrdiff_t>(rows * stride));
  }
  return *this;
}

EscPosWriter& EscPosWriter::Qr(std::string_view data, int module_dots, QrLevel level) {
  module_dots = std::clamp(module_dots, 1, 16);
  Put({kGs, '(', 'k', 4, 0, 49, 65, 50, 0});                                   // model 2
  Put({kGs, '(', 'k', 3, 0, 49, 67, static_cast<std::uint8_t>(module_dots)});  // module size
  Put({kGs, '(', 'k', 3, 0, 49, 69, static_cast<std::uint8_t>(level)});        // error correction
  const int length = static_cast<int>(data.size()) + 3;
  Put({kGs, '(', 'k', Low(length), High(length), 49, 80, 48});  // store
  bytes_.insert(bytes_.end(), data.begin(), data.end());
  Put({kGs, '(', 'k', 3, 0, 49, 81, 48});  // print
  return *this;
}

EscPosWriter& EscPosWriter::FeedDots(int dots) {
  while (dots > 0) {
    const int step = std::min(dots, 255);
    Put({kEsc, 'J', static_cast<std::uint8_t>(step)});
    dots -= step;
  }
  return *this;
}

EscPosWriter& EscPosWriter::FeedLines(int lines) {
  Put({kEsc, 'd', static_cast<std::uint8_t>(std::clamp(lines, 0, 255))});
  return *this;
}

EscPosWriter& EscPosWriter::Cut() {
  Put({kGs, 'V', 66, 0});
  return *this;
}

EscPosWriter& EscPosWriter::StatusRequest(int n) {
  Put({kDle, kEot, static_cast<std::uint8_t>(n)});
  return *this;
}

core::Status ParseStatusByte(int n, std::uint8_t byte, StatusFlags& flags) {
  // Every reply has bit 1 and bit 4 set, bit 0 and bit 7 clear.
  if ((byte & 0x93) != 0x12) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", byte);
    return core::Error::Retryable("printer.bad_status", std::string("not a status reply: ") + hex);
  }
  switch (n) {
    case 1:  // printer status
      flags.offline = flags.offline || (byte & 0x08);
      break;
    case 2:  // offline cause
      flags.cover_open = flags.cover_open || (byte & 0x04);
      flags.paper_out = flags.paper_out || (byte & 0x20);
      flags.error = flags.error || (byte & 0x40);
      break;
    case 3:  // error cause
      flags.error = flags.error || (byte & 0x6C);
      break;
    case 4:  // roll paper sensor
      flags.paper_near_end = flags.paper_near_end || (byte & 0x0C) == 0x0C;
      flags.paper_out = flags.paper_out || (byte & 0x60) == 0x60;
      break;
    default:
      return core::Error::Fatal("printer.bad_status", "no such status request");
  }
  return core::Ok();
}

}  // namespace kiosk::printer
