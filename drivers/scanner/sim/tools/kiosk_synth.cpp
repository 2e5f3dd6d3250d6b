// kiosk-synth: writes synthetic test images with their ground truth.
//
//   kiosk-synth pages --out DIR [--count N] [--seed S] [--dpi 300] [--severity 0|1|2]
//                     [--blank-every K] [--format pgm|png|ppm]
//       page-0001.pgm + page-0001.txt (the printed text), ...; ppm: a colour
//       scan, the issuing body's red seal on the page
//   kiosk-synth cards --out DIR [--count N] [--seed S] [--severity 0|1|2]
//       back-0001.png + back-0001.mrz (90 characters), front-0001.png +
//       front-0001.qr (the QR payload), ...
//   kiosk-synth photos --out DIR [--count N] [--seed S] [--face back-2021|back-2024|front-2021]
//       photo-0001.png (as the kiosk's camera sees the card: tilt, glare, a
//       hand, blur, noise, JPEG) + photo-0001.mrz + photo-0001.qr; seeds from
//       --seed on (7000000000 and above is the held-out set)
//   kiosk-synth card --persona FILE.toml --out DIR [--seed S] [--severity 0|1|2]
//       back.png, front.png, back.mrz, front.qr of a test persona's card
//       (tests/data/personas), the same card the virtual chip carries
//
// Everything is generated: no real person's data.

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>

#include <opencv2/imgcodecs.hpp>

#include "kiosk/camera/sim/sim_camera.h"
#include "kiosk/core/usage.h"
#include "kiosk/idcard/sim/persona.h"
#include "kiosk/scanner/sim/card_photo.h"
#include "kiosk/scanner/sim/synthetic.h"

namespace {

namespace sim = kiosk::scanner::sim;

int Usage(bool asked = false) {
  (asked ? std::cout : std::cerr)
      << "usage: kiosk-synth pages|cards|photos|card --out DIR [--count N] [--seed S] [--dpi D]\n"
         "                   [--face back-2021|back-2024|front-2021] (photos)\n"
         "                   [--persona FILE.toml] (card)\n"
         "                   [--severity 0|1|2] [--blank-every K] [--format pgm|png|ppm]\n";
  return kiosk::core::UsageStatus(asked);
}

std::string Numbered(const std::string& stem, int i, const std::string& ext) {
  char name[64];
  std::snprintf(name, sizeof name, "%s-%04d.%s", stem.c_str(), i, ext.c_str());
  return name;
}

bool WriteText(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text << '\n';
  return static_cast<bool>(out);
}

int Photos(const std::string& face_name, const std::filesystem::path& out, unsigned long long seed,
           int count) {
  sim::CardFace face = sim::CardFace::kBack2021;
  if (!face_name.empty()) {
    bool known = false;
    for (auto f : {sim::CardFace::kBack2021, sim::CardFace::kBack2024, sim::CardFace::kFront2021}) {
      if (face_name == sim::CardFaceName(f)) {
        face = f;
        known = true;
      }
    }
    if (!known) return Usage();
  }
  for (int i = 1; i <= count; ++i) {
    auto photo = sim::GenerateCardPhoto(seed + static_cast<unsigned long long>(i) - 1, face);
    if (!photo) {
      std::cerr << "kiosk-synth: " << photo.GetError().ToString() << '\n';
      return 1;
    }
    if (!cv::imwrite((out / Numbered("photo", i, "png")).string(), photo->image) ||
        !WriteText(out / Numbered("photo", i, "mrz"), photo->who.mrz) ||
        !WriteText(out / Numbered("photo", i, "qr"), photo->who.qr_payload)) {
      std::cerr << "kiosk-synth: cannot write photo " << i << '\n';
      return 1;
    }
    std::fprintf(stderr, "\rkiosk-synth: %d/%d", i, count);
  }
  std::fprintf(stderr, "\n");
  return 0;
}

int PersonaCard(const std::string& file, const std::filesystem::path& out, unsigned long long seed,
                int severity) {
  if (file.empty()) return Usage();
  auto persona = kiosk::idcard::sim::LoadPersona(file);
  if (!persona) {
    std::cerr << "kiosk-synth: " << persona.GetError().ToString() << '\n';
    return 1;
  }
  auto identity = kiosk::camera::sim::PersonaIdentity(*persona);
  if (!identity) {
    std::cerr << "kiosk-synth: " << identity.GetError().ToString() << '\n';
    return 1;
  }
  const sim::SyntheticIdentity& who = *identity;
  auto back = sim::RenderCardBack(who);
  auto front = sim::RenderCardFront(who);
  if (!back || !front) {
    std::cerr << "kiosk-synth: cannot render the card\n";
    return 1;
  }
  const auto d = sim::RandomDegradation(seed, severity);
  const bool written =
      cv::imwrite((out / "back.png").string(), sim::CaptureCard(*back, d, seed)) &&
      cv::imwrite((out / "front.png").string(), sim::CaptureCard(*front, d, seed + 1)) &&
      WriteText(out / "back.mrz", who.mrz) && WriteText(out / "front.qr", who.qr_payload);
  if (!written) {
    std::cerr << "kiosk-synth: cannot write to " << out << '\n';
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (kiosk::core::AsksForHelp(argc, argv)) return Usage(true);
  if (argc < 2) return Usage();
  const std::string what = argv[1];
  std::map<std::string, std::string> options = {{"count", "10"},      {"seed", "1"},
                                                {"dpi", "300"},       {"severity", "1"},
                                                {"blank-every", "0"}, {"format", "pgm"}};
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string key = argv[i];
    if (key.rfind("--", 0) != 0) return Usage();
    options[key.substr(2)] = argv[i + 1];
  }
  if (!options.count("out") ||
      (what != "pages" && what != "cards" && what != "photos" && what != "card")) {
    return Usage();
  }
  const std::filesystem::path out = options["out"];
  std::filesystem::create_directories(out);
  int count = 0, dpi = 0, severity = 0, blank_every = 0;
  unsigned long long seed = 0;
  try {
    count = std::stoi(options["count"]);
    seed = std::stoull(options["seed"]);
    dpi = std::stoi(options["dpi"]);
    severity = std::stoi(options["severity"]);
    blank_every = std::stoi(options["blank-every"]);
  } catch (const std::exception&) {
    return Usage();
  }

  if (what == "card") return PersonaCard(options["persona"], out, seed, severity);
  if (what == "photos") return Photos(options["face"], out, seed, count);
  for (int i = 1; i <= count; ++i) {
    const std::uint64_t s =
        static_cast<std::uint64_t>(seed) * 100000 + static_cast<std::uint64_t>(i);
    if (what == "pages") {
      const bool blank = blank_every > 0 && i % blank_every == 0;
      sim::Document doc;
      if (blank) {
        doc = sim::GenerateBlankPage(s, dpi);
      } else {
        auto generated = sim::GenerateDocument(s, dpi);
        if (!generated) {
          std::cerr << "kiosk-synth: " << generated.GetError().Message() << '\n';
          return 1;
        }
        doc = std::move(generated).Value();
      }
      cv::Mat image = sim::Degrade(doc.image, sim::RandomDegradation(s, severity), s);
      if (options["format"] == "ppm") image = sim::ColourScan(image, dpi, s);
      const auto path = out / Numbered("page", i, options["format"]);
      const bool written = options["format"] == "pgm"   ? bool(sim::WritePgm(path.string(), image))
                           : options["format"] == "ppm" ? bool(sim::WritePpm(path.string(), image))
                                                        : cv::imwrite(path.string(), image);
      if (!written || !WriteText(out / Numbered("page", i, "txt"), doc.truth)) {
        std::cerr << "kiosk-synth: cannot write " << path << '\n';
        return 1;
      }
    } else {
      const auto who = sim::GenerateIdentity(s);
      auto back = sim::RenderCardBack(who);
      auto front = sim::RenderCardFront(who);
      if (!back || !front) {
        std::cerr << "kiosk-synth: cannot render card " << i << '\n';
        return 1;
      }
      const auto d = sim::RandomDegradation(s, severity);
      if (!cv::imwrite((out / Numbered("back", i, "png")).string(),
                       sim::CaptureCard(*back, d, s)) ||
          !cv::imwrite((out / Numbered("front", i, "png")).string(),
                       sim::CaptureCard(*front, d, s + 1)) ||
          !WriteText(out / Numbered("back", i, "mrz"), who.mrz) ||
          !WriteText(out / Numbered("front", i, "qr"), who.qr_payload)) {
        std::cerr << "kiosk-synth: cannot write card " << i << '\n';
        return 1;
      }
    }
    std::fprintf(stderr, "\rkiosk-synth: %d/%d", i, count);
  }
  std::fprintf(stderr, "\n");
  return 0;
}
