// The scanner's contract, one suite run against both of its stand-ins: the
// fake (in process) and the simulator (SANE's pnm backend reading a
// generated page, behind the real SaneScanner). What the journey relies on
// must hold for both: a page comes with its size, resolution and image and
// progress from 0 to 100; a jam, an empty tray and an open cover refuse the
// scan with their own codes for a person to act on, an I/O error is worth
// retrying; once the fault is cleared the next page scans.
#include "test_prelude.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>

#include "kiosk/scanner/fake_scanner.h"
#include "kiosk/scanner/sane_scanner.h"
#include "kiosk/scanner/sim/synthetic.h"

namespace core = kiosk::core;
namespace scanner = kiosk::scanner;

namespace {

class Rig {
 public:
  virtual ~Rig() = default;
  virtual const char* Name() const = 0;
  virtual scanner::Scanner& Scanner() = 0;
  // The device reports `code` ("scanner.jammed"...) until Clear().
  virtual void Fault(const std::string& code) = 0;
  virtual void Clear() = 0;
};

class FakeRig final : public Rig {
 public:
  const char* Name() const override { return "fake"; }
  scanner::Scanner& Scanner() override { return fake_; }
  void Fault(const std::string& code) override { fake_.FailNext(code); }
  void Clear() override {}

 private:
  scanner::FakeScanner fake_{100, true};  // as the simulator is set: colour, 100 dpi
};

// SANE reads its configuration once a process: one private directory with
// only the pnm backend, for the whole run.
const char* SaneConfigDir() {
  static char path[64] = "";
  if (!path[0]) {
    std::snprintf(path, sizeof path, "/tmp/kiosk-sane-contract-%d", static_cast<int>(getpid()));
    ::mkdir(path, 0700);
    std::ofstream(std::string(path) + "/dll.conf") << "pnm\n";
    setenv("SANE_CONFIG_DIR", path, 1);
    std::atexit([] {
      ::unlink((std::string(path) + "/dll.conf").c_str());
      ::rmdir(path);
    });
  }
  return path;
}

class SimulatorRig final : public Rig {
 public:
  explicit SimulatorRig(const std::filesystem::path& dir) : page_((dir / "page.ppm").string()) {
    SaneConfigDir();
    CHECK(scanner::sim::WritePpm(page_, scanner::sim::ColourScan(
                                            scanner::sim::GenerateBlankPage(3, 100).image, 100, 3))
              .HasValue());
    Open({});
  }
  const char* Name() const override { return "simulator"; }
  scanner::Scanner& Scanner() override { return *sane_; }
  void Fault(const std::string& code) override {
    // Plain pointers: a static container would count as a test's leak.
    static constexpr std::pair<const char*, const char*> kOption[] = {
        {"scanner.jammed", "status-jammed"},
        {"scanner.no_paper", "status-nodocs"},
        {"scanner.cover_open", "status-coveropen"},
        {"scanner.io", "status-ioerror"}};
    for (const auto& [fault, option] : kOption) {
      if (code == fault) Open({{option, "yes"}});
    }
  }
  void Clear() override { Open({}); }

 private:
  void Open(std::map<std::string, std::string> options) {
    sane_.reset();
    scanner::ScanSettings settings;
    settings.dpi = 100;
    settings.color = true;
    settings.options = std::move(options);
    settings.options["filename"] = page_;
    settings.options["status"] = "yes";  // the pnm backend keeps options between opens
    auto opened = scanner::SaneScanner::Open("pnm:0", settings);
    CHECK_TEXT(opened.HasValue(), opened ? "" : opened.GetError().ToString().c_str());
    sane_ = std::move(opened).Value();
  }
  std::string page_;
  std::unique_ptr<scanner::SaneScanner> sane_;
};

}  // namespace

// clang-format off
TEST_GROUP(ScannerContract) {
  kiosk::test::TempDir dir;
  void setup() override { IGNORE_ALL_LEAKS_IN_TEST(); }  // SANE's backends keep caches

  void ForEach(const std::function<void(Rig&)>& check) {
    FakeRig fake;
    SimulatorRig simulator(dir.Path());
    check(fake);
    check(simulator);
  }
};
// clang-format on

TEST(ScannerContract, APageComesWithItsSizeResolutionImageAndProgress) {
  ForEach([](Rig& rig) {
    std::vector<int> progress;
    auto page = rig.Scanner().ScanPage([&](int p) { progress.push_back(p); });
    CHECK_TEXT(page.HasValue(), rig.Name());
    LONGS_EQUAL_TEXT(100, page->dpi, rig.Name());
    CHECK_TEXT(!page->gray, rig.Name());  // colour, as set
    // About A4 at 100 dpi: 827 x 1169.
    CHECK_TEXT(page->width > 700 && page->width < 900, rig.Name());
    CHECK_TEXT(page->height > page->width, rig.Name());
    const auto samples = static_cast<std::size_t>(page->width) *
                         static_cast<std::size_t>(page->height) * (page->gray ? 1U : 3U);
    const bool raw = page->pixels.size() == samples;
    const bool jpeg = page->jpeg.size() > 2 && page->jpeg[0] == 0xFF && page->jpeg[1] == 0xD8;
    CHECK_TEXT(raw || jpeg, rig.Name());
    CHECK_TEXT(!progress.empty(), rig.Name());
    LONGS_EQUAL_TEXT(0, progress.front(), rig.Name());
    LONGS_EQUAL_TEXT(100, progress.back(), rig.Name());
    CHECK_TEXT(std::is_sorted(progress.begin(), progress.end()), rig.Name());
    CHECK_TEXT(rig.Scanner().ScanPage({}).HasValue(), rig.Name());  // and again
  });
}

TEST(ScannerContract, FaultsRefuseWithTheirCodeAndClassAndClearedTheNextPageScans) {
  const std::pair<const char*, core::ErrorClass> cases[] = {
      {"scanner.jammed", core::ErrorClass::kNeedsPerson},
      {"scanner.no_paper", core::ErrorClass::kNeedsPerson},
      {"scanner.cover_open", core::ErrorClass::kNeedsPerson},
      {"scanner.io", core::ErrorClass::kRetryable}};
  ForEach([&](Rig& rig) {
    for (const auto& [code, error_class] : cases) {
      const std::string where = std::string(rig.Name()) + " " + code;
      rig.Fault(code);
      auto refused = rig.Scanner().ScanPage({});
      CHECK_TEXT(!refused.HasValue(), where.c_str());
      STRCMP_EQUAL_TEXT(code, refused.GetError().Code().c_str(), where.c_str());
      CHECK_TEXT(refused.GetError().Class() == error_class, where.c_str());
      rig.Clear();
      CHECK_TEXT(rig.Scanner().ScanPage({}).HasValue(), where.c_str());
    }
  });
}
