// The card read from a photograph as the kiosk's camera takes it
// (scanner/sim/card_photo.h): for each card model, on the same images, the
// share whose access key is correct, the exact MRZ, the wrong keys returned
// (each would cost the card a failed BAC/PACE attempt), the share refused,
// and the CPU milliseconds per image on one thread. For fronts, also what
// the kiosk gets when it asks the citizen whose front did not read to turn
// the card over (the same person's back, placed again).
//
//   bench_card_photos [--count N] [--set held-out|tuning] [--tesseract]
//                     [--show-failures] [--dump DIR] [--skip K]
// N images per model (default 500), from the held-out seed set unless
// --set tuning, the first K of the set skipped. --dump writes each refused back's photo and the
// band found in it, with the recognizer's first choices against the truth. Prints figures; asserts
// nothing.

#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "kiosk/idcard/access_key.h"
#include "kiosk/mrz/card_image.h"
#include "kiosk/mrz/mrz_reader.h"
#include "kiosk/qr/qr.h"
#include "kiosk/scanner/sim/card_photo.h"

namespace {

namespace sim = kiosk::scanner::sim;
namespace mrz = kiosk::mrz;

double CpuMs() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

// What the chip's key is made of: the document number, the birth and
// expiry dates, each with its check digit.
std::string KeyOf(const std::string& m) {
  return m.size() < 60 ? std::string() : m.substr(5, 10) + m.substr(30, 7) + m.substr(38, 7);
}

struct Tally {
  int images = 0, key = 0, exact = 0, wrong = 0, refused = 0;
  double ms = 0;
  void Print(const char* what) const {
    const double n = images > 0 ? images : 1;
    std::printf("  %-28s %7d %9.1f%% %9.1f%% %7d %9.1f%% %9.1f\n", what, images, 100.0 * key / n,
                100.0 * exact / n, wrong, 100.0 * refused / n, ms / n);
  }
};

// The photo, the band the reader found, and its first choices by line.
void Dump(const std::string& dir, std::uint64_t seed, const cv::Mat& image,
          const std::string& truth, mrz::Recognizer& recognizer) {
  std::filesystem::create_directories(dir);
  const std::string stem = dir + "/" + std::to_string(seed);
  cv::imwrite(stem + "-photo.png", image);
  auto band = mrz::LocateMrz(image);
  if (!band) {
    std::printf("    %llu: no band\n", static_cast<unsigned long long>(seed));
    return;
  }
  cv::imwrite(stem + "-band.png", *band);
  for (int turn = 0; turn < 2; ++turn) {
    cv::Mat view = *band;
    if (turn == 1) cv::rotate(*band, view, cv::ROTATE_180);
    auto reading = recognizer.Read(view);
    if (!reading) {
      std::printf("    %llu turn %d: %s\n", static_cast<unsigned long long>(seed), turn,
                  reading.GetError().Message().c_str());
      continue;
    }
    std::string first;
    int wrong = 0;
    for (std::size_t i = 0; i < reading->size(); ++i) {
      first += (*reading)[i].empty() ? '?' : (*reading)[i].front().c;
      if (i < truth.size() && first.back() != truth[i]) ++wrong;
    }
    std::printf("    %llu turn %d: %d wrong\n      truth %s\n      read  %s\n",
                static_cast<unsigned long long>(seed), turn, wrong, truth.c_str(), first.c_str());
    if (wrong > 20) continue;
    std::string choices;  // line 2, with the second choices in brackets
    for (std::size_t i = 30; i < 60; ++i) {
      const auto& c = (*reading)[i];
      if (c.size() == 1) {
        choices += c.front().c;
      } else {
        choices += '[';
        for (const auto& x : c) choices += x.c;
        choices += ']';
      }
    }
    std::printf("      line 2 %s\n", choices.c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  int count = 500;
  bool held_out = true, tesseract = false, show = false;
  std::string dump;
  std::uint64_t skip = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--count" && i + 1 < argc) count = std::atoi(argv[++i]);
    if (a == "--set" && i + 1 < argc) held_out = std::string(argv[++i]) != "tuning";
    if (a == "--tesseract") tesseract = true;
    if (a == "--skip" && i + 1 < argc) skip = std::strtoull(argv[++i], nullptr, 10);
    if (a == "--show-failures") show = true;
    if (a == "--dump" && i + 1 < argc) dump = argv[++i];
  }
  mrz::LimitThreads(1);
  auto glyph = mrz::MakeGlyphRecognizer();
  auto tess = tesseract ? mrz::MakeTesseractRecognizer()
                        : kiosk::core::Expected<std::unique_ptr<mrz::Recognizer>>(
                              std::unique_ptr<mrz::Recognizer>());
  if (!glyph || !tess) {
    std::fprintf(stderr, "bench_card_photos: no recognizer\n");
    return 1;
  }
  const kiosk::idcard::Date today{2026, 12, 1};
  const std::uint64_t base = (held_out ? sim::kHeldOutSeeds : 1) + skip;
  std::printf("Card photos, %d per model, %s seeds from %llu, one thread:\n", count,
              held_out ? "held-out" : "tuning", static_cast<unsigned long long>(base));
  std::printf("  %-28s %7s %10s %10s %7s %10s %9s\n", "model / path", "images", "key ok",
              "exact MRZ", "wrong", "refused", "CPU ms");
  int face_index = 0;
  for (const auto face :
       {sim::CardFace::kBack2021, sim::CardFace::kBack2024, sim::CardFace::kFront2021}) {
    Tally by_mrz, by_tess, by_card, turned;
    for (int i = 0; i < count; ++i) {
      const std::uint64_t seed =
          base + static_cast<std::uint64_t>(face_index) * 1'000'000 + static_cast<std::uint64_t>(i);
      auto photo = sim::GenerateCardPhoto(seed, face);
      if (!photo) {
        std::fprintf(stderr, "bench_card_photos: %s\n", photo.GetError().ToString().c_str());
        return 1;
      }
      const std::string& truth = photo->who.mrz;
      auto score = [&](Tally& t, const kiosk::core::Expected<std::string>& read, double ms,
                       const char* path) {
        ++t.images;
        t.ms += ms;
        if (!read) {
          ++t.refused;
          if (show)
            std::printf("    %s refused %llu: %s\n", path, static_cast<unsigned long long>(seed),
                        read.GetError().Message().c_str());
          return;
        }
        if (*read == truth) ++t.exact;
        if (KeyOf(*read) == KeyOf(truth)) {
          ++t.key;
        } else {
          ++t.wrong;
          std::printf("    %s WRONG KEY %llu\n      truth %s\n      read  %s\n", path,
                      static_cast<unsigned long long>(seed), truth.substr(0, 60).c_str(),
                      read->substr(0, 60).c_str());
        }
      };
      if (face != sim::CardFace::kFront2021) {
        double t0 = CpuMs();
        auto read = mrz::ReadMrz(photo->image, **glyph);
        score(by_mrz, read, CpuMs() - t0, "mrz");
        if (!dump.empty() && (!read || KeyOf(*read) != KeyOf(truth))) {
          Dump(dump, seed, photo->image, truth, **glyph);
        }
        if (*tess) {
          t0 = CpuMs();
          auto by_t = mrz::ReadMrz(photo->image, **tess);
          score(by_tess, by_t, CpuMs() - t0, "tesseract");
        }
      }
      // The kiosk's whole path (ReadCardImage): a quick QR, the MRZ, then a
      // thorough QR. The key from a QR is its ID's last nine digits and the birth
      // date; compare those with the truth's.
      const double t0 = CpuMs();
      auto card = mrz::ReadCardImage(photo->image, **glyph, today);
      const double ms = CpuMs() - t0;
      if (card && card->source == mrz::CardImageKey::Source::kQr) {
        ++by_card.images;
        by_card.ms += ms;
        if (std::string(card->text.Reveal()) == photo->who.qr_payload) {
          ++by_card.key;
          ++by_card.exact;
        } else {
          ++by_card.wrong;
        }
      } else if (card) {
        score(by_card, std::string(card->text.Reveal()), ms, "card");
      } else {
        score(by_card, card.GetError(), ms, "card");
        if (!dump.empty() && face == sim::CardFace::kFront2021) {
          std::filesystem::create_directories(dump);
          cv::imwrite(dump + "/" + std::to_string(seed) + "-front.png", photo->image);
        }
      }
      if (face == sim::CardFace::kFront2021) {
        // What the kiosk does when the front's QR does not read: it asks the
        // citizen to turn the card over, and the back (the same person's
        // card, placed again: a new shot) is read.
        if (card) {
          ++turned.images;
          turned.ms += ms;
          if (std::string(card->text.Reveal()) == photo->who.qr_payload) {
            ++turned.key;
            ++turned.exact;
          } else {
            ++turned.wrong;
          }
        } else {
          auto back = sim::RenderCardFace(photo->who, sim::CardFace::kBack2021, seed);
          if (!back) return 1;
          const std::uint64_t again = seed + 500'000;
          const cv::Mat image = sim::Photograph(*back, sim::RandomCameraShot(again), again);
          const double t1 = CpuMs();
          auto read = mrz::ReadCardImage(image, **glyph, today);
          const double both = ms + CpuMs() - t1;
          if (read) {
            score(turned, std::string(read->text.Reveal()), both, "turned over");
          } else {
            score(turned, read.GetError(), both, "turned over");
          }
        }
      }
    }
    const std::string name = sim::CardFaceName(face);
    if (face != sim::CardFace::kFront2021) {
      by_mrz.Print((name + ": MRZ, glyph").c_str());
      if (*tess) by_tess.Print((name + ": MRZ, tesseract").c_str());
    }
    by_card.Print((name + ": kiosk's path").c_str());
    if (face == sim::CardFace::kFront2021) turned.Print((name + ": or turned over").c_str());
    std::fflush(stdout);
    ++face_index;
  }
  return 0;
}
