#include "test_prelude.h"

#include <cstdlib>

#include <sys/stat.h>
#include <unistd.h>
#include <thread>

#include "kiosk/scanner/sane_scanner.h"
#include "kiosk/scanner/sim/synthetic.h"
#include "test_support.h"

using namespace kiosk::scanner;  // NOLINT(google-build-using-namespace): test file
namespace sim = kiosk::scanner::sim;

namespace {

// A private SANE configuration with only the simulating backends, set before
// SANE starts (once a process: the first sandbox's configuration stays).
struct SaneSandbox {
  kiosk::test::TempDir dir;
  // A plain buffer: a static std::string would count as a leak of the test
  // that first made it.
  static const char* Config() {
    static char path[64] = "";
    if (!path[0]) {
      std::snprintf(path, sizeof path, "/tmp/kiosk-sane-%d", static_cast<int>(getpid()));
      ::mkdir(path, 0700);
      std::atexit([] {
        ::unlink((std::string(path) + "/dll.conf").c_str());
        ::rmdir(path);
      });
    }
    return path;
  }
  std::string page;
  cv::Mat image;
  SaneSandbox() {
    std::ofstream(std::string(Config()) + "/dll.conf") << "pnm\ntest\n";
    setenv("SANE_CONFIG_DIR", Config(), 1);
    image = sim::GenerateBlankPage(7, 50).image;
    cv::putText(image, "KIOSK", {20, 200}, cv::FONT_HERSHEY_SIMPLEX, 3, cv::Scalar(0), 5);
    page = (dir.Path() / "page.pgm").string();
    CHECK(sim::WritePgm(page, image).HasValue());
  }
  ScanSettings Pnm(std::map<std::string, std::string> more = {}) const {
    ScanSettings s;
    s.dpi = 300;
    s.options = std::move(more);
    s.options["filename"] = page;
    // The pnm backend keeps its options from one open to the next: no
    // forced status unless asked ("status" sorts before "status-jammed").
    s.options["status"] = "yes";
    return s;
  }
};

std::string Scan(SaneScanner& scanner) {
  auto page = scanner.ScanPage({});
  return page ? "ok" : page.GetError().Code();
}

}  // namespace

// clang-format off
TEST_GROUP(Sane) {
  void setup() override { IGNORE_ALL_LEAKS_IN_TEST(); }  // SANE's backends keep caches
};
// clang-format on

// A colour page (the digitization rule's format) arrives in colour: RGB,
// the seal red.
TEST(Sane, AColourPageArrivesInColour) {
  SaneSandbox sandbox;
  const cv::Mat colour = sim::ColourScan(sim::GenerateBlankPage(8, 100).image, 100, 8);
  const std::string path = (sandbox.dir.Path() / "page.ppm").string();
  CHECK(sim::WritePpm(path, colour).HasValue());
  auto settings = sandbox.Pnm();
  settings.color = true;
  settings.options["filename"] = path;
  auto scanner = SaneScanner::Open("pnm:0", settings);
  CHECK(scanner.HasValue());
  auto page = (*scanner)->ScanPage({});
  CHECK_TEXT(page.HasValue(), page ? "" : page.GetError().ToString().c_str());
  CHECK_FALSE(page->gray);
  LONGS_EQUAL(colour.total() * 3, page->pixels.size());
  int red = 0;
  for (std::size_t i = 0; i + 2 < page->pixels.size(); i += 3) {
    red += page->pixels[i] > 150 && page->pixels[i + 2] < 110 ? 1 : 0;  // R high, B low
  }
  CHECK(red > 100);
}

TEST(Sane, DiscoversTheSimulatedDevices) {
  SaneSandbox sandbox;
  auto devices = SaneScanner::Discover();
  CHECK(devices.HasValue());
  std::set<std::string> names;
  for (const auto& d : *devices) names.insert(d.name);
  CHECK(names.count("pnm:0"));
  CHECK(names.count("test:0"));
}

TEST(Sane, APageArrivesWithItsPixelsAndProgress) {
  SaneSandbox sandbox;
  auto scanner = SaneScanner::Open("pnm:0", sandbox.Pnm());
  CHECK(scanner.HasValue());
  LONGS_EQUAL(300, (*scanner)->dpi());
  std::vector<int> progress;
  auto page = (*scanner)->ScanPage([&](int p) { progress.push_back(p); });
  CHECK(page.HasValue());
  LONGS_EQUAL(sandbox.image.cols, page->width);
  LONGS_EQUAL(sandbox.image.rows, page->height);
  CHECK(page->gray);
  LONGS_EQUAL(300, page->dpi);
  CHECK(std::equal(page->pixels.begin(), page->pixels.end(), sandbox.image.data));
  CHECK(progress.size() >= 3);
  LONGS_EQUAL(0, progress.front());
  LONGS_EQUAL(100, progress.back());
  CHECK(std::is_sorted(progress.begin(), progress.end()));
  // And again: a flatbed scans the same sheet as often as asked.
  STRCMP_EQUAL("ok", Scan(**scanner).c_str());
}

TEST(Sane, StatusesMapToDomainErrors) {
  SaneSandbox sandbox;
  const std::pair<const char*, const char*> cases[] = {{"status-jammed", "scanner.jammed"},
                                                       {"status-nodocs", "scanner.no_paper"},
                                                       {"status-coveropen", "scanner.cover_open"},
                                                       {"status-ioerror", "scanner.io"}};
  for (const auto& [option, code] : cases) {
    auto scanner = SaneScanner::Open("pnm:0", sandbox.Pnm({{option, "yes"}}));
    CHECK(scanner.HasValue());
    STRCMP_EQUAL(code, Scan(**scanner).c_str());
  }
}

TEST(Sane, AMissingDeviceOrFileIsReported) {
  SaneSandbox sandbox;
  auto absent = SaneScanner::Open("pnm:7", {});
  CHECK_FALSE(absent.HasValue());
  STRCMP_EQUAL("scanner.absent", absent.GetError().Code().c_str());
  auto unknown = SaneScanner::Open("pnm:0", sandbox.Pnm({{"no-such-option", "1"}}));
  CHECK_FALSE(unknown.HasValue());
  STRCMP_EQUAL("scanner.option", unknown.GetError().Code().c_str());
  ScanSettings missing_file = sandbox.Pnm();
  missing_file.options["filename"] = (sandbox.dir.Path() / "nothing.pgm").string();
  auto scanner = SaneScanner::Open("pnm:0", missing_file);
  CHECK(scanner.HasValue());
  CHECK(Scan(**scanner) != "ok");
}

TEST(Sane, CancelStopsAScanInProgress) {
  SaneSandbox sandbox;
  ScanSettings slow;
  slow.dpi = 150;
  slow.options = {{"read-delay", "yes"},
                  {"read-delay-duration", "20000"},
                  {"read-limit", "yes"},
                  {"read-limit-size", "4096"}};
  auto scanner = SaneScanner::Open("test:0", slow);
  CHECK(scanner.HasValue());
  std::atomic<int> last{-1};
  std::thread canceller([&] {
    while (last.load() < 5) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    (*scanner)->Cancel();
  });
  auto page = (*scanner)->ScanPage([&](int p) { last.store(std::max(p, 5)); });
  canceller.join();
  CHECK_FALSE(page.HasValue());
  STRCMP_EQUAL("scanner.cancelled", page.GetError().Code().c_str());
  // The scanner is usable again afterwards.
  STRCMP_EQUAL("ok", Scan(**scanner).c_str());
}

TEST(Sane, TheFeederScansSheetsUntilItIsEmpty) {
  SaneSandbox sandbox;
  ScanSettings feeder;
  feeder.dpi = 50;
  feeder.feeder = true;
  feeder.color = true;
  auto scanner = SaneScanner::Open("test:0", feeder);
  CHECK(scanner.HasValue());
  int sheets = 0;
  std::string last;
  while ((last = Scan(**scanner)) == "ok" && sheets < 50) ++sheets;
  STRCMP_EQUAL("scanner.no_paper", last.c_str());
  CHECK(sheets >= 1);
}
