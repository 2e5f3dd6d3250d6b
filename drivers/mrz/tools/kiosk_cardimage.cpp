// kiosk-cardimage: the chip's access key from a photo of the card: the QR
// code (front of a 2021 card, back of a 2024 card) or the MRZ (back).
//
//   kiosk-cardimage [--recognizer glyph|tesseract] [--show] IMAGE...
//
// Prints one JSON line per image: where the key came from and whether it
// is complete. With --show (synthetic test images only) also the MRZ or the
// QR payload: otherwise a citizen's data never reaches the terminal.

#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "kiosk/idcard/access_key.h"
#include "kiosk/mrz/mrz_reader.h"
#include "kiosk/qr/qr.h"

int main(int argc, char** argv) {
  std::string which = "glyph";
  bool show = false;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--recognizer" && i + 1 < argc) {
      which = argv[++i];
    } else if (arg == "--show") {
      show = true;
    } else if (arg.rfind("--", 0) == 0) {
      std::cerr << "usage: kiosk-cardimage [--recognizer glyph|tesseract] [--show] IMAGE...\n";
      return 2;
    } else {
      files.push_back(arg);
    }
  }
  auto recognizer = which == "tesseract" ? kiosk::mrz::MakeTesseractRecognizer()
                                         : kiosk::mrz::MakeGlyphRecognizer();
  if (!recognizer) {
    std::cerr << "kiosk-cardimage: " << recognizer.GetError().ToString() << '\n';
    return 1;
  }
  int failures = 0;
  for (const auto& file : files) {
    nlohmann::json out = {{"file", file}};
    const cv::Mat image = cv::imread(file, cv::IMREAD_GRAYSCALE);
    if (image.empty()) {
      out["error"] = "unreadable image";
      ++failures;
      std::cout << out.dump() << '\n';
      continue;
    }
    bool done = false;
    for (const auto& payload : kiosk::qr::DecodeQr(image)) {
      auto key = kiosk::idcard::AccessKey::FromQr(payload, {2026, 11, 29});
      if (!key) continue;
      out["source"] = "qr";
      out["pace_can"] = key->Can().has_value();
      if (show) out["qr"] = payload;
      done = true;
      break;
    }
    if (!done) {
      auto mrz = kiosk::mrz::ReadMrz(image, **recognizer);
      if (mrz) {
        auto key = kiosk::idcard::AccessKey::FromMrz(*mrz);
        out["source"] = "mrz";
        out["recognizer"] = (*recognizer)->Name();
        out["bac_candidates"] = key ? key->BacCandidates().size() : 0;
        if (show) out["mrz"] = *mrz;
        done = key.HasValue();
      } else {
        out["error"] = mrz.GetError().Code();
      }
    }
    if (!done) ++failures;
    std::cout << out.dump() << '\n';
  }
  return failures == 0 ? 0 : 1;
}
