// kiosk-print: prints a slip with synthetic data (a technician's test slip,
// the demo, the benchmark), or renders it to PNG without a printer.
//
//   kiosk-print --slip receipt|provisional|fee|ticket [--paper 80mm|58mm]
//               [--to usb:VVVV:PPPP|tcp:HOST:PORT|file:PATH] [--png FILE] [--raster-qr]
//
// Prints one JSON line: the slip, its bytes, raster rows and the milliseconds
// from "print" to the last byte sent.

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "kiosk/core/usage.h"
#include "kiosk/printer/escpos_printer.h"
#include "kiosk/printer/escpos_sim.h"
#include "kiosk/printer/samples.h"

namespace printer = kiosk::printer;

namespace {

int Usage(bool asked = false) {
  std::fprintf(kiosk::core::UsageStream(asked),
               "usage: kiosk-print --slip receipt|provisional|fee|ticket [--paper 80mm|58mm]\n"
               "                   [--to ADDRESS] [--png FILE] [--raster-qr]\n");
  return asked ? 0 : 2;
}

int Fail(const kiosk::core::Error& e) {
  std::fprintf(stderr, "kiosk-print: %s\n", e.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (kiosk::core::AsksForHelp(argc, argv)) return Usage(true);
  const std::vector<std::string> args(argv + 1, argv + argc);
  std::string slip_name, paper_name = "80mm", to, png;
  bool raster_qr = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const bool value = i + 1 < args.size();
    if (args[i] == "--slip" && value) {
      slip_name = args[++i];
    } else if (args[i] == "--paper" && value) {
      paper_name = args[++i];
    } else if (args[i] == "--to" && value) {
      to = args[++i];
    } else if (args[i] == "--png" && value) {
      png = args[++i];
    } else if (args[i] == "--raster-qr") {
      raster_qr = true;
    } else {
      return Usage();
    }
  }
  printer::Slip slip;
  if (slip_name == "receipt" || slip_name == "provisional") {
    slip = printer::LayoutReceipt(printer::SampleReceipt(slip_name == "provisional"));
  } else if (slip_name == "fee") {
    slip = printer::LayoutFeeReceipt(printer::SampleFeeReceipt());
  } else if (slip_name == "ticket") {
    slip = printer::LayoutTicket(printer::SampleTicket());
  } else {
    return Usage();
  }
  if (to.empty() && png.empty()) return Usage();
  auto paper = printer::PaperByName(paper_name);
  if (!paper) return Fail(paper.GetError());
  auto renderer = printer::SlipRenderer::Open(*paper);
  if (!renderer) return Fail(renderer.GetError());

  if (!png.empty()) {
    auto image = renderer->Render(slip);
    if (!image) return Fail(image.GetError());
    if (auto written = printer::WritePng(*image, png); !written) return Fail(written.GetError());
  }
  if (!to.empty()) {
    auto open = printer::TransportFor(to);
    if (!open) return Fail(open.GetError());
    printer::EscPosPrinterOptions options;
    options.encode.native_qr = !raster_qr;
    printer::EscPosPrinter device(*open, std::move(*renderer), options);
    const auto start = std::chrono::steady_clock::now();
    if (auto printed = device.PrintSlip(slip); !printed) return Fail(printed.GetError());
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::printf(
        "{\"slip\":\"%s\",\"paper\":\"%s\",\"bytes\":%zu,\"ms_to_last_byte\":%.1f,"
        "\"ms_with_status\":%.1f}\n",
        slip_name.c_str(), paper_name.c_str(), device.LastJob().bytes,
        device.LastJob().seconds_to_last_byte * 1000, ms);
  }
  return 0;
}
