// kiosk-cardimage: the chip's access key from a photo of the card: the QR
// code (front of a 2021 card, back of a 2024 card) or the MRZ (back).
//
//   kiosk-cardimage [--recognizer glyph|tesseract] [--threads N] [--show] IMAGE...
//
// --threads: at most N threads for OpenCV and Tesseract (default 1: the
// kiosk's screen shares the CPU; 0 lets OpenCV choose).
// Prints one JSON line per image: where the key came from and whether it
// is complete. With --show (synthetic test images only) also the MRZ or the
// QR payload: otherwise a citizen's data never reaches the terminal.

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "kiosk/core/usage.h"
#include "kiosk/mrz/card_image.h"

int main(int argc, char** argv) {
  std::string which = "glyph";
  bool show = false;
  int threads = 1;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--recognizer" && i + 1 < argc) {
      which = argv[++i];
    } else if (arg == "--threads" && i + 1 < argc) {
      threads = std::atoi(argv[++i]);
    } else if (arg == "--show") {
      show = true;
    } else if (arg.rfind("--", 0) == 0 || arg == "-h") {
      const bool asked = arg == "--help" || arg == "-h";
      std::fputs(
          "usage: kiosk-cardimage [--recognizer glyph|tesseract] [--threads N] [--show] IMAGE...\n",
          kiosk::core::UsageStream(asked));
      return kiosk::core::UsageStatus(asked);
    } else {
      files.push_back(arg);
    }
  }
  kiosk::mrz::LimitThreads(threads);
  auto recognizer = which == "tesseract" ? kiosk::mrz::MakeTesseractRecognizer()
                                         : kiosk::mrz::MakeGlyphRecognizer();
  if (!recognizer) {
    std::cerr << "kiosk-cardimage: " << recognizer.GetError().ToString() << '\n';
    return 1;
  }
  int failures = 0;
  for (const auto& file : files) {
    nlohmann::json out = {{"file", file}};
    const cv::Mat image = cv::imread(file, cv::IMREAD_COLOR);
    if (image.empty()) {
      out["error"] = "unreadable image";
      ++failures;
      std::cout << out.dump() << '\n';
      continue;
    }
    auto key = kiosk::mrz::ReadCardImage(image, **recognizer, kiosk::idcard::Date::Today());
    const bool done = key.HasValue();
    if (key) {
      const bool qr = key->source == kiosk::mrz::CardImageKey::Source::kQr;
      out["source"] = qr ? "qr" : "mrz";
      if (!qr) out["recognizer"] = (*recognizer)->Name();
      if (show) out[qr ? "qr" : "mrz"] = key->text.Reveal();
    } else {
      out["error"] = key.GetError().Code();
    }
    if (!done) ++failures;
    std::cout << out.dump() << '\n';
  }
  return failures == 0 ? 0 : 1;
}
