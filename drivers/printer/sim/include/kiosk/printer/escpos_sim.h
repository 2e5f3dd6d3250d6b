#pragma once

// A thermal receipt printer in software: an ESC/POS interpreter that turns
// the byte stream into the paper it would print (one image per cut), with the
// faults a kiosk meets: the paper running out mid-slip, the cover opened,
// the printer offline. It answers DLE EOT status requests as a real printer
// does, so the driver's status handling is tested against it.
//
// Commands understood: ESC @, ESC a, ESC d, ESC J, ESC 2/3, LF, GS v 0,
// GS ( k (QR model 2), GS V, GS a, DLE EOT 1-4. Anything else is recorded as
// an error and skipped, so a driver that sends it is caught by the tests.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "kiosk/core/bytes.h"
#include "kiosk/core/error.h"
#include "kiosk/printer/escpos.h"
#include "kiosk/printer/transport.h"

namespace kiosk::printer {

class EscPosInterpreter {
 public:
  explicit EscPosInterpreter(int width_dots = 576);

  // Consumes bytes (a command may be split across calls); returns what the
  // printer sends back.
  core::Bytes Feed(core::ByteView data);

  // Faults. Paper: dots of paper left on the roll (-1: endless).
  void SetPaperLeft(int dots);
  void SetNearEndBelow(int dots) { near_end_below_ = dots; }
  void SetCoverOpen(bool open) { cover_open_ = open; }
  void SetOffline(bool offline) { offline_ = offline; }
  bool PaperOut() const { return paper_left_ == 0; }

  // Sheets cut off so far, and the paper printed since the last cut.
  std::vector<Bitmap> TakeSheets();
  const Bitmap& Current() const { return current_; }
  const std::vector<std::string>& Errors() const { return errors_; }
  std::size_t BytesConsumed() const { return consumed_; }

  std::uint8_t StatusByte(int n) const;

 private:
  // Parses one command at the front of pending_; false if it needs more bytes.
  bool Step();
  void Print(const Bitmap& image, int left);
  void Advance(int dots);
  void Cut();
  bool CanPrint() const { return !cover_open_ && !offline_ && paper_left_ != 0; }

  int width_;
  core::Bytes pending_;
  core::Bytes replies_;
  Bitmap current_;
  std::vector<Bitmap> sheets_;
  std::vector<std::string> errors_;
  std::size_t consumed_ = 0;
  int align_ = 0;
  int line_spacing_ = 30;
  int paper_left_ = -1;
  int near_end_below_ = 0;
  bool cover_open_ = false;
  bool offline_ = false;
  std::string qr_data_;
  int qr_module_ = 3;
  int qr_level_ = 49;
};

// A transport into an interpreter, for tests without sockets.
class SimTransport final : public Transport {
 public:
  explicit SimTransport(EscPosInterpreter& printer) : printer_(printer) {}
  core::Status Write(core::ByteView data, std::chrono::milliseconds timeout) override;
  core::Expected<core::Bytes> Read(std::size_t max, std::chrono::milliseconds timeout) override;
  bool Bidirectional() const override { return true; }
  std::string Describe() const override { return "sim"; }

 private:
  EscPosInterpreter& printer_;
  core::Bytes replies_;
};

// The paper as a PNG: black dots on white, one pixel per dot.
core::Status WritePng(const Bitmap& sheet, const std::filesystem::path& file);

}  // namespace kiosk::printer
