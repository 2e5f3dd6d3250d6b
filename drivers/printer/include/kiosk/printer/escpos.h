#pragma once

// ESC/POS, the command language of receipt printers, as far as the kiosk
// speaks it: initialise, raster images (GS v 0, sent in bands so a printer's
// receive buffer never overflows), native QR codes (GS ( k), feed and cut,
// and real-time status (DLE EOT n) read back over the same link.
//
// Text never goes to the printer as characters: thermal code pages do not
// cover Vietnamese (docs/peripherals-and-fleet.md §6.2), so every line is
// rendered with FreeType into the raster (layout.h).

#include <cstdint>
#include <string_view>
#include <vector>

#include "kiosk/core/bytes.h"
#include "kiosk/core/error.h"

namespace kiosk::printer {

// A 1-bit image as GS v 0 takes it: rows of (width + 7) / 8 bytes, most
// significant bit first, 1 = a black dot.
struct Bitmap {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> bits;

  Bitmap() = default;
  Bitmap(int w, int h);
  int Stride() const { return (width + 7) / 8; }
  bool Black(int x, int y) const;
  void Set(int x, int y);
  // Appends `other` below this one (widths must match).
  void Append(const Bitmap& other);
};

enum class Align { kLeft = 0, kCenter = 1, kRight = 2 };
enum class QrLevel { kL = 48, kM = 49, kQ = 50, kH = 51 };

class EscPosWriter {
 public:
  EscPosWriter& Initialize();           // ESC @
  EscPosWriter& SetAlign(Align align);  // ESC a n
  // GS v 0 in bands of at most `band_rows` rows.
  EscPosWriter& Raster(const Bitmap& image, int band_rows = 128);
  // GS ( k: model 2, module size in dots (1-16), error correction, then print.
  EscPosWriter& Qr(std::string_view data, int module_dots = 6, QrLevel level = QrLevel::kM);
  EscPosWriter& FeedDots(int dots);    // ESC J n
  EscPosWriter& FeedLines(int lines);  // ESC d n
  EscPosWriter& Cut();                 // GS V 66 n: feed to the cutter, partial cut
  // DLE EOT n: n = 1 printer, 2 offline cause, 3 error cause, 4 paper sensor.
  EscPosWriter& StatusRequest(int n);

  const core::Bytes& Bytes() const { return bytes_; }
  core::Bytes Take() { return std::move(bytes_); }

 private:
  void Put(std::initializer_list<std::uint8_t> bytes);
  core::Bytes bytes_;
};

// What the printer says about itself, decoded from the replies to DLE EOT
// 1, 2 and 4.
struct StatusFlags {
  bool offline = false;
  bool cover_open = false;
  bool paper_out = false;       // stopped at the paper end, or the sensor says none
  bool paper_near_end = false;  // the near-end sensor
  bool error = false;           // cutter jam, overheating, ...
};

// Decodes one reply byte to DLE EOT `n` into `flags`. A byte whose fixed
// bits are wrong ("printer.bad_status") is not a status reply: the link is
// out of step or it is not an ESC/POS printer.
core::Status ParseStatusByte(int n, std::uint8_t byte, StatusFlags& flags);

}  // namespace kiosk::printer
