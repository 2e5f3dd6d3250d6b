// Digitization benchmark, side by side on the same generated pages:
//   our pipeline (kiosk-digitize's code) in each page mode a procedure can
//   set (catalog::PageMode: colour, the rule's default; grey; per page) vs
//   ocrmypdf (Debian package): seconds per page, PDF bytes per page, and character error rate
//   against the ground truth twice: of the text layer as pdftotext reads it back from the PDF (what
//   a search sees), and of the recognized text itself (ours from the OCR, ocrmypdf's from
//   --sidecar);
// (the card read from camera photos: bench_card_photos).
//
//   bench_digitize [--pages N] [--work DIR]
// Prints figures; asserts nothing.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>

#include "kiosk/core/text.h"
#include "kiosk/digitize/digitizer.h"
#include "kiosk/scanner/sim/synthetic.h"

namespace {

namespace sim = kiosk::scanner::sim;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

std::string Slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string PdfText(const std::filesystem::path& pdf) {
  const auto txt = pdf.string() + ".txt";
  const std::string command = "pdftotext '" + pdf.string() + "' '" + txt + "' 2>/dev/null";
  if (std::system(command.c_str()) != 0) return {};
  return Slurp(txt);
}

}  // namespace

int main(int argc, char** argv) {
  int pages = 6;
  std::filesystem::path work = "build/bench-digitize";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--pages") pages = std::atoi(argv[i + 1]);
    if (a == "--work") work = argv[i + 1];
  }
  std::filesystem::remove_all(work);
  std::filesystem::create_directories(work);

  // Pages: colour scans at 300 dpi with the red seal, mild scan degradation
  // (skew, noise, blur, JPEG).
  std::vector<std::string> truths;
  for (int i = 1; i <= pages; ++i) {
    auto doc = sim::GenerateDocument(static_cast<std::uint64_t>(500 + i), 300);
    if (!doc) return 1;
    const cv::Mat scan = sim::ColourScan(
        sim::Degrade(doc->image, sim::RandomDegradation(static_cast<std::uint64_t>(500 + i), 1),
                     static_cast<std::uint64_t>(i)),
        300, static_cast<std::uint64_t>(i));
    cv::imwrite((work / ("page-" + std::to_string(i) + ".png")).string(), scan);
    truths.push_back(doc->truth);
  }

  auto digitizer = kiosk::digitize::Digitizer::Create({});
  if (!digitizer) {
    std::fprintf(stderr, "%s\n", digitizer.GetError().ToString().c_str());
    return 1;
  }
  struct Figures {
    double seconds = 0, bytes = 0, cer = 0, ocr_cer = 0;
  };
  using kiosk::catalog::PageMode;
  constexpr PageMode kModes[] = {PageMode::kColor, PageMode::kGray, PageMode::kPerPage};
  Figures ours[3], theirs;
  for (int i = 1; i <= pages; ++i) {
    const auto png = work / ("page-" + std::to_string(i) + ".png");
    const cv::Mat image = cv::imread(png.string(), cv::IMREAD_COLOR);
    const auto& truth = truths[static_cast<std::size_t>(i - 1)];
    for (int m = 0; m < 3; ++m) {
      auto started = Clock::now();
      auto page = digitizer->ProcessPage(image, 300, kModes[m]);
      if (!page) return 1;
      auto pdf = kiosk::dossier::WriteImagePdf({page->pdf_page});
      ours[m].seconds += Seconds(started);
      const auto our_pdf =
          work / ("ours-" + std::string(ToString(kModes[m])) + "-" + std::to_string(i) + ".pdf");
      std::ofstream(our_pdf, std::ios::binary)
          .write(reinterpret_cast<const char*>(pdf->data()),
                 static_cast<std::streamsize>(pdf->size()));
      ours[m].bytes += static_cast<double>(pdf->size());
      ours[m].cer += kiosk::core::CharacterErrorRate(truth, PdfText(our_pdf));
      ours[m].ocr_cer += kiosk::core::CharacterErrorRate(truth, page->text);
    }

    const auto their_pdf = work / ("ocrmypdf-" + std::to_string(i) + ".pdf");
    const auto sidecar = work / ("ocrmypdf-" + std::to_string(i) + ".sidecar.txt");
    const std::string command =
        "ocrmypdf -q -l vie+eng --image-dpi 300 --deskew --rotate-pages "
        "--output-type pdf -O1 --sidecar '" +
        sidecar.string() + "' '" + png.string() + "' '" + their_pdf.string() + "' 2>/dev/null";
    const auto started = Clock::now();
    const int rc = std::system(command.c_str());
    theirs.seconds += Seconds(started);
    if (rc != 0) {
      std::fprintf(stderr, "ocrmypdf failed on page %d (is the Debian package installed?)\n", i);
      return 1;
    }
    theirs.bytes += static_cast<double>(std::filesystem::file_size(their_pdf));
    theirs.cer += kiosk::core::CharacterErrorRate(truth, PdfText(their_pdf));
    theirs.ocr_cer += kiosk::core::CharacterErrorRate(truth, Slurp(sidecar));
    std::fprintf(stderr, "\rpage %d/%d", i, pages);
  }
  std::fprintf(stderr, "\n");
  if (pages > 0) {
    std::printf(
        "Searchable PDF, %d generated colour A4 pages at 300 dpi (mild scan degradation), one "
        "thread:\n",
        pages);
    std::printf("  %-26s %10s %14s %16s %12s\n", "", "s/page", "PDF bytes/page", "CER text layer",
                "CER OCR");
    for (const auto& [name, f] :
         {std::pair{"kiosk, colour (the rule)", ours[0]}, std::pair{"kiosk, grey", ours[1]},
          std::pair{"kiosk, per page", ours[2]}, std::pair{"ocrmypdf 14 -O1", theirs}}) {
      std::printf("  %-26s %10.2f %14.0f %15.2f%% %11.2f%%\n", name, f.seconds / pages,
                  f.bytes / pages, 100.0 * f.cer / pages, 100.0 * f.ocr_cer / pages);
    }
  }

  std::fflush(stdout);
  return 0;
}
