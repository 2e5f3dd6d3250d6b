// kiosk-digitize: image files (PNM, PNG, JPEG) to one searchable PDF, with
// what the page pipeline did to each page.
//
//   kiosk-digitize --out FILE.pdf [--text FILE.txt] [--dpi 300] [--no-ocr]
//                  [--mode color|gray|per-page] [--tessdata DIR]
//                  [--languages vie+eng] IMAGE...
//
// --mode is how pages are kept (catalog::PageFormat); colour, the default,
// needs colour images at 200 dpi or more, as the catalog's rule asks.

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>

#include "kiosk/core/usage.h"
#include "kiosk/digitize/digitizer.h"

namespace {

int Usage(bool asked = false) {
  (asked ? std::cout : std::cerr)
      << "usage: kiosk-digitize --out FILE.pdf [--text FILE.txt] [--dpi 300] [--no-ocr]\n"
         "                      [--mode color|gray|per-page] [--tessdata DIR]\n"
         "                      [--languages vie+eng] IMAGE...\n";
  return kiosk::core::UsageStatus(asked);
}

}  // namespace

int main(int argc, char** argv) {
  if (kiosk::core::AsksForHelp(argc, argv)) return Usage(true);
  namespace digitize = kiosk::digitize;
  digitize::DigitizeOptions options;
  std::string out_pdf, out_text;
  int dpi = 300;
  kiosk::catalog::PageFormat format;
  std::vector<std::string> inputs;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "--out") {
      out_pdf = value();
    } else if (arg == "--text") {
      out_text = value();
    } else if (arg == "--dpi") {
      dpi = std::atoi(value().c_str());
    } else if (arg == "--mode") {
      const std::string mode = value();
      if (mode == "color") {
        format.mode = kiosk::catalog::PageMode::kColor;
      } else if (mode == "gray") {
        format.mode = kiosk::catalog::PageMode::kGray;
      } else if (mode == "per-page") {
        format.mode = kiosk::catalog::PageMode::kPerPage;
      } else {
        return Usage();
      }
    } else if (arg == "--no-ocr") {
      options.recognize = false;
    } else if (arg == "--tessdata") {
      options.ocr.tessdata = value();
    } else if (arg == "--languages") {
      options.ocr.languages = value();
    } else if (arg.rfind("--", 0) == 0) {
      return Usage();
    } else {
      inputs.push_back(arg);
    }
  }
  if (out_pdf.empty() || inputs.empty() || dpi <= 0) return Usage();
  auto digitizer = digitize::Digitizer::Create(options);
  if (!digitizer) {
    std::cerr << "kiosk-digitize: " << digitizer.GetError().Message() << '\n';
    return 1;
  }
  std::vector<kiosk::dossier::PdfPage> pages;
  std::string text;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const cv::Mat image = cv::imread(inputs[i], cv::IMREAD_UNCHANGED);
    if (image.empty()) {
      std::cerr << "kiosk-digitize: cannot read " << inputs[i] << '\n';
      return 1;
    }
    if (auto fits = kiosk::catalog::CheckScannedPage(format, dpi, image.channels() >= 3); !fits) {
      std::cerr << "kiosk-digitize: " << inputs[i] << ": " << fits.GetError().Message() << '\n';
      return 1;
    }
    const auto started = std::chrono::steady_clock::now();
    auto page = digitizer->ProcessPage(image, dpi, format.mode);
    if (!page) {
      std::cerr << "kiosk-digitize: " << inputs[i] << ": " << page.GetError().Message() << '\n';
      return 1;
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const auto& r = page->report;
    std::printf(
        "{\"page\": %zu, \"file\": \"%s\", \"blank\": %s, \"perspective\": %s, "
        "\"quarter_turns\": %d, \"skew_degrees\": %.2f, \"mode\": \"%s\", "
        "\"bytes\": %zu, \"ocr_confidence\": %.1f, \"seconds\": %.2f}\n",
        i + 1, inputs[i].c_str(), r.blank ? "true" : "false",
        r.perspective_corrected ? "true" : "false", r.quarter_turns, r.skew_degrees,
        digitize::ModeName(r.mode), r.bytes, static_cast<double>(r.ocr_confidence), seconds);
    if (r.blank) continue;
    if (!text.empty()) text += '\f';
    text += page->text;
    pages.push_back(std::move(page->pdf_page));
  }
  if (pages.empty()) {
    std::cerr << "kiosk-digitize: every page was blank\n";
    return 1;
  }
  auto pdf = kiosk::dossier::WriteImagePdf(pages);
  if (!pdf) {
    std::cerr << "kiosk-digitize: " << pdf.GetError().Message() << '\n';
    return 1;
  }
  std::ofstream(out_pdf, std::ios::binary)
      .write(reinterpret_cast<const char*>(pdf->data()), static_cast<std::streamsize>(pdf->size()));
  if (!out_text.empty()) std::ofstream(out_text, std::ios::binary) << text;
  return 0;
}
