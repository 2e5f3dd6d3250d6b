#pragma once

// What a slip looks like: blocks of text (wrapped to the paper), rules,
// spaces and QR codes, for 58 mm (384 dots) and 80 mm (576 dots) paper at
// 203 dpi. The layouts of the four slips are here; SlipRenderer draws them
// with FreeType into 1-bit raster and encodes the ESC/POS job.

#include <string>
#include <vector>

#include "kiosk/core/error.h"
#include "kiosk/printer/escpos.h"
#include "kiosk/printer/printer.h"

namespace kiosk::printer {

struct PaperProfile {
  std::string name;      // "80mm", "58mm"
  int width_dots = 576;  // printable width
  int margin_dots = 8;   // left and right, inside the printable width
  int dpi = 203;
};
PaperProfile Paper80();
PaperProfile Paper58();
// "80mm" or "58mm"; "printer.paper" otherwise.
core::Expected<PaperProfile> PaperByName(const std::string& name);

enum class TextStyle { kBody, kSmall, kSmallBold, kBold, kTitle, kLarge, kHuge };

struct Block {
  enum class Kind { kText, kRule, kSpace, kQr };
  Kind kind = Kind::kText;
  std::string text;  // kText: UTF-8, NFC; kQr: the code's content
  TextStyle style = TextStyle::kBody;
  Align align = Align::kLeft;
  int hanging_indent = 0;  // dots, for the wrapped lines of a numbered item
  int dots = 0;            // kSpace: its height
};

struct Slip {
  std::string kind;  // "receipt", "fee-receipt", "ticket"
  std::vector<Block> blocks;
};

Slip LayoutReceipt(const Receipt& receipt);  // provisional when receipt.provisional
Slip LayoutFeeReceipt(const FeeReceipt& receipt);
Slip LayoutTicket(const QueueTicket& ticket);
// The text blocks, one line each, in order.
std::vector<std::string> SlipText(const Slip& slip);

// A QR code as dots: modules of `module_dots`, with a 4-module quiet zone.
core::Expected<Bitmap> QrBitmap(std::string_view data, int module_dots, QrLevel level);

struct SlipFonts {
  std::string regular = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf";
  std::string bold = "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf";
};

struct EncodeOptions {
  bool native_qr = true;   // GS ( k; false draws the QR into the raster
  int band_rows = 128;     // rows per GS v 0 command
  int qr_module_dots = 0;  // 0: the paper's default
  int feed_before_cut_dots = 48;
};

class SlipRenderer {
 public:
  static core::Expected<SlipRenderer> Open(PaperProfile paper, SlipFonts fonts = {});
  ~SlipRenderer();
  SlipRenderer(SlipRenderer&&) noexcept;
  SlipRenderer& operator=(SlipRenderer&&) noexcept;

  const PaperProfile& Paper() const;
  // The text of the slip as the paper wraps it, one printed line each.
  std::vector<std::string> Lines(const Slip& slip) const;
  // The whole slip as one image, QR codes drawn in: previews and tests.
  core::Expected<Bitmap> Render(const Slip& slip) const;
  // The ESC/POS job: initialise, raster bands and QR codes in order, feed, cut.
  core::Expected<core::Bytes> Encode(const Slip& slip, const EncodeOptions& options) const;

 private:
  struct State;
  explicit SlipRenderer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace kiosk::printer
