#include "test_prelude.h"

#include <fstream>

#include "kiosk/printer/escpos_printer.h"
#include "kiosk/printer/escpos_sim.h"
#include "kiosk/printer/samples.h"
#include "test_support.h"

using namespace kiosk;           // NOLINT(google-build-using-namespace): test file
using namespace kiosk::printer;  // NOLINT(google-build-using-namespace): test file

namespace {

// The driver over an in-process simulated printer.
struct SimRig {
  EscPosInterpreter sim{576};
  std::unique_ptr<EscPosPrinter> printer;

  SimRig() {
    sim.SetNearEndBelow(400);
    auto renderer = SlipRenderer::Open(Paper80());
    printer = std::make_unique<EscPosPrinter>(
        [this]() -> core::Expected<std::unique_ptr<Transport>> {
          return std::unique_ptr<Transport>(std::make_unique<SimTransport>(sim));
        },
        std::move(renderer).Value());
  }
};

}  // namespace

// clang-format off
TEST_GROUP(Driver) {
  void setup() override {
    test::StopTrackingAllocations();  // OpenCV's thread pool lives for the process
    cv::setNumThreads(0);
  }
  void teardown() override { test::ResumeTrackingAllocations(); }
};
// clang-format on

TEST(Driver, PrintsAReceiptAndReportsItsCost) {
  SimRig rig;
  CHECK(rig.printer->Status() == PrinterStatus::kReady);
  CHECK(rig.printer->Print(SampleReceipt()).HasValue());
  auto sheets = rig.sim.TakeSheets();
  LONGS_EQUAL(1, sheets.size());
  CHECK(sheets[0].height > 1000);
  CHECK(rig.printer->LastJob().bytes > 10'000);
  STRCMP_EQUAL("receipt", rig.printer->LastJob().kind.c_str());
  CHECK(rig.sim.Errors().empty());
}

TEST(Driver, PaperOutMidReceiptIsReportedThenReprinted) {
  SimRig rig;
  rig.sim.SetPaperLeft(350);  // not enough for a whole receipt
  CHECK(rig.printer->Status() == PrinterStatus::kPaperNearEnd);
  auto printed = rig.printer->Print(SampleReceipt());
  CHECK_FALSE(printed.HasValue());
  STRCMP_EQUAL("printer.paper_out", printed.GetError().Code().c_str());
  CHECK(rig.printer->Status() == PrinterStatus::kPaperOut);
  // Nothing more goes out while the paper is out.
  STRCMP_EQUAL("printer.paper_out", rig.printer->Print(SampleTicket()).GetError().Code().c_str());
  // A technician loads a new roll; the receipt prints whole.
  rig.sim.SetPaperLeft(-1);
  rig.sim.TakeSheets();
  CHECK(rig.printer->Status() == PrinterStatus::kReady);
  CHECK(rig.printer->Print(SampleReceipt()).HasValue());
  auto sheets = rig.sim.TakeSheets();
  LONGS_EQUAL(1, sheets.size());
  CHECK(sheets[0].height > 1000);
}

TEST(Driver, CoverOpenAndOffline) {
  SimRig rig;
  rig.sim.SetCoverOpen(true);
  CHECK(rig.printer->Status() == PrinterStatus::kCoverOpen);
  STRCMP_EQUAL("printer.cover_open", rig.printer->Print(SampleTicket()).GetError().Code().c_str());
  rig.sim.SetCoverOpen(false);
  rig.sim.SetOffline(true);
  CHECK(rig.printer->Status() == PrinterStatus::kOffline);
  auto offline = rig.printer->Print(SampleTicket());
  STRCMP_EQUAL("printer.offline", offline.GetError().Code().c_str());
  CHECK(offline.GetError().Class() == core::ErrorClass::kRetryable);
  rig.sim.SetOffline(false);
  CHECK(rig.printer->Print(SampleTicket()).HasValue());
}

TEST(Driver, AFileTransportGetsTheWholeJob) {
  test::TempDir dir;
  const auto file = dir.Path() / "job.bin";
  auto open = TransportFor("file:" + file.string());
  CHECK(open.HasValue());
  EscPosPrinter device(*open, std::move(SlipRenderer::Open(Paper58())).Value());
  CHECK(device.Status() == PrinterStatus::kReady);  // a file cannot say otherwise
  CHECK(device.Print(SampleFeeReceipt()).HasValue());
  LONGS_EQUAL(device.LastJob().bytes, std::filesystem::file_size(file));
  // The file replays on the interpreter as a fee receipt.
  std::ifstream in(file, std::ios::binary);
  const core::Bytes job((std::istreambuf_iterator<char>(in)), {});
  EscPosInterpreter sim(384);
  sim.Feed(job);
  LONGS_EQUAL(1, sim.TakeSheets().size());
  CHECK(sim.Errors().empty());
}

TEST(Driver, AddressesAreCheckedAndAnAbsentPrinterIsOffline) {
  for (const char* bad :
       {"", "lp0", "usb:04b8", "usb:zzzz:0e03", "tcp:host", "tcp:host:99999", "file:"}) {
    auto open = TransportFor(bad);
    CHECK_TEXT(!open.HasValue(), bad);
    STRCMP_EQUAL("printer.address", open.GetError().Code().c_str());
  }
  // Nothing listens on this port, and no such USB device is attached.
  for (const char* absent : {"tcp:127.0.0.1:1", "usb:ffff:fffe"}) {
    auto open = TransportFor(absent);
    CHECK(open.HasValue());
    EscPosPrinter device(*open, std::move(SlipRenderer::Open(Paper80())).Value());
    CHECK_TEXT(device.Status() == PrinterStatus::kOffline, absent);
    CHECK(!device.Print(SampleTicket()).HasValue());
  }
}
