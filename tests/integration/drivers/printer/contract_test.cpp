// The receipt printer's contract, one suite run against both of its stand-ins:
// the fake (in process) and the simulator (kiosk-sim-printer over TCP behind
// the real ESC/POS driver). What the journey relies on must hold for both:
// a ready printer prints every slip; paper out and an open cover are told
// by status and refuse the job with their own codes; a cleared fault prints
// again.
#include "test_prelude.h"

#include <fstream>
#include <memory>
#include <thread>

#include "kiosk/core/log.h"
#include "kiosk/printer/escpos_printer.h"
#include "kiosk/printer/fake_printer.h"
#include "kiosk/printer/layout.h"
#include "kiosk/printer/samples.h"
#include "kiosk/printer/transport.h"

namespace core = kiosk::core;
namespace printer = kiosk::printer;
using printer::PrinterStatus;

namespace {

// What a test can do to the paper and the cover of either stand-in.
class Rig {
 public:
  virtual ~Rig() = default;
  virtual printer::ReceiptPrinter& Printer() = 0;
  virtual void Paper(bool out) = 0;
  virtual void Cover(bool open) = 0;
};

class FakeRig final : public Rig {
 public:
  printer::ReceiptPrinter& Printer() override { return fake_; }
  void Paper(bool out) override {
    fake_.SetStatus(out ? PrinterStatus::kPaperOut : PrinterStatus::kReady);
  }
  void Cover(bool open) override {
    fake_.SetStatus(open ? PrinterStatus::kCoverOpen : PrinterStatus::kReady);
  }

 private:
  printer::FakePrinter fake_;
};

class SimulatorRig final : public Rig {
 public:
  explicit SimulatorRig(const std::filesystem::path& dir) : control_(dir / "control") {
    const auto port = kiosk::test::FreePort();
    sim_ = std::make_unique<kiosk::test::BackgroundProcess>(
        std::vector<std::string>{KIOSK_SIM_PRINTER_BIN, "--out", (dir / "paper").string(), "--port",
                                 std::to_string(port), "--control", control_.string()},
        dir / "sim.log");
    if (!sim_->WaitForLog("listening on", std::chrono::seconds(10))) FAIL(sim_->Log().c_str());
    auto open = printer::TransportFor("tcp:127.0.0.1:" + std::to_string(port));
    auto renderer = printer::SlipRenderer::Open(printer::PaperByName("80mm").Value());
    escpos_ = std::make_unique<printer::EscPosPrinter>(open.Value(), std::move(renderer).Value());
  }
  printer::ReceiptPrinter& Printer() override { return *escpos_; }
  void Paper(bool out) override {
    Set(out ? "paper_mm = 0" : "paper_mm = -1",
        out ? PrinterStatus::kPaperOut : PrinterStatus::kReady);
  }
  void Cover(bool open) override {
    Set(open ? "cover = open" : "cover = closed",
        open ? PrinterStatus::kCoverOpen : PrinterStatus::kReady);
  }

 private:
  // Writes the control file and waits until the simulator reports it.
  void Set(const std::string& line, PrinterStatus expected) {
    std::ofstream(control_) << line << "\n";
    for (int i = 0; i < 200 && escpos_->Status() != expected; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
  }
  std::filesystem::path control_;
  std::unique_ptr<kiosk::test::BackgroundProcess> sim_;
  std::unique_ptr<printer::EscPosPrinter> escpos_;
};

// The contract.
void PrintsEverySlipWhenReady(Rig& rig) {
  STRCMP_EQUAL("ready", printer::ToString(rig.Printer().Status()));
  CHECK(rig.Printer().Print(printer::SampleReceipt()).HasValue());
  CHECK(rig.Printer().Print(printer::SampleReceipt(true)).HasValue());
  CHECK(rig.Printer().Print(printer::SampleFeeReceipt()).HasValue());
  CHECK(rig.Printer().Print(printer::SampleTicket()).HasValue());
}

void PaperOutIsToldAndRefusedThenPrintsAgain(Rig& rig) {
  rig.Paper(true);
  STRCMP_EQUAL("paper_out", printer::ToString(rig.Printer().Status()));
  auto refused = rig.Printer().Print(printer::SampleReceipt());
  CHECK_FALSE(refused.HasValue());
  if (!refused) STRCMP_EQUAL("printer.paper_out", refused.GetError().Code().c_str());
  rig.Paper(false);
  CHECK(rig.Printer().Print(printer::SampleReceipt()).HasValue());
}

void AnOpenCoverIsToldAndRefused(Rig& rig) {
  rig.Cover(true);
  STRCMP_EQUAL("cover_open", printer::ToString(rig.Printer().Status()));
  auto refused = rig.Printer().Print(printer::SampleTicket());
  CHECK_FALSE(refused.HasValue());
  if (!refused) STRCMP_EQUAL("printer.cover_open", refused.GetError().Code().c_str());
  rig.Cover(false);
  CHECK(rig.Printer().Print(printer::SampleTicket()).HasValue());
}

}  // namespace

TEST_GROUP(PrinterContract) {
  core::log::ScopedCapture quiet{core::log::Level::kError};
  kiosk::test::TempDir dir;
  void RunAll(Rig & rig) {
    PrintsEverySlipWhenReady(rig);
    PaperOutIsToldAndRefusedThenPrintsAgain(rig);
    AnOpenCoverIsToldAndRefused(rig);
  }
};

TEST(PrinterContract, TheFake) {
  FakeRig rig;
  RunAll(rig);
}

TEST(PrinterContract, TheSimulatorBehindTheEscPosDriver) {
  // FreeType and the slip renderer keep caches of their own.
  kiosk::test::StopTrackingAllocations();
  {
    SimulatorRig rig(dir.Path());
    RunAll(rig);
  }
  kiosk::test::ResumeTrackingAllocations();
}
