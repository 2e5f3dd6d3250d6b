// The two MRZ recognizers (mrz_reader.h).

#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>

#include <opencv2/imgproc.hpp>
#include <opencv2/ml.hpp>

#include "band.h"
#include "kiosk/mrz/mrz_reader.h"
#include "kiosk/typeset/text_painter.h"

namespace kiosk::mrz {
namespace {

constexpr char kAlphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<";
// A character's cell in the band: one pitch wide, a little more than a
// character high; sampled down to kFeatureWidth x kFeatureHeight.
constexpr int kCellWidth = kBandPitch;
constexpr int kCellHeight = 30;
constexpr int kFeatureWidth = 12;
constexpr int kFeatureHeight = 16;
constexpr int kRegionsAcross = 4;
constexpr int kRegionsDown = 5;
constexpr int kDirections = 8;
constexpr double kDirectionWeight = 8;  // against the pixels' range of 0..1 each

// The band with the paper's light made even: divided by its background
// (the band with the ink closed over), so a shadow's edge or a glare's
// slope is not taken for ink.
cv::Mat Flatten(const cv::Mat& band) {
  cv::Mat background;
  cv::morphologyEx(band, background, cv::MORPH_CLOSE,
                   cv::getStructuringElement(cv::MORPH_RECT, cv::Size(17, 17)));
  cv::blur(background, background, cv::Size(9, 9));
  cv::Mat flat;
  cv::divide(band, background, flat, 235.0, CV_8U);
  return flat;
}

// A cell as a normalised feature row: ink = 1, paper = 0, contrast stretched
// within the cell so shadows, glare and faded print look alike.
cv::Mat Features(const cv::Mat& cell) {
  cv::Mat small;
  cv::resize(cell, small, cv::Size(kFeatureWidth, kFeatureHeight), 0, 0, cv::INTER_AREA);
  double lo = 0, hi = 0;
  cv::minMaxLoc(small, &lo, &hi);
  cv::Mat f;
  small.convertTo(f, CV_32F, -1.0 / std::max(hi - lo, 12.0), hi / std::max(hi - lo, 12.0));
  // The strokes' directions, by region: what blur and faint ink change
  // least. Gradients in four regions across and five down, eight
  // directions each, normalised as a whole.
  cv::Mat gx, gy, magnitude, angle;
  cv::Sobel(f, gx, CV_32F, 1, 0, 3);
  cv::Sobel(f, gy, CV_32F, 0, 1, 3);
  cv::cartToPolar(gx, gy, magnitude, angle);
  cv::Mat directions(1, kRegionsAcross * kRegionsDown * kDirections, CV_32F, cv::Scalar(0));
  auto* d = directions.ptr<float>();
  for (int y = 0; y < f.rows; ++y) {
    const int ry = std::min(kRegionsDown - 1, y * kRegionsDown / f.rows);
    for (int x = 0; x < f.cols; ++x) {
      const int rx = std::min(kRegionsAcross - 1, x * kRegionsAcross / f.cols);
      const float a = angle.at<float>(y, x);
      const int bin = static_cast<int>(a / (2 * CV_PI) * kDirections) % kDirections;
      d[(ry * kRegionsAcross + rx) * kDirections + bin] += magnitude.at<float>(y, x);
    }
  }
  const double norm = cv::norm(directions);
  if (norm > 0) directions *= kDirectionWeight / norm;
  cv::Mat features;
  cv::hconcat(f.reshape(1, 1), directions, features);
  return features;
}

// The cell of character `index` of a line in a band.
cv::Mat Cell(const cv::Mat& band, const LineGrid& line, int index) {
  const cv::Point centre(static_cast<int>(std::lround(line.X(index))),
                         static_cast<int>(std::lround(line.centre)));
  const cv::Rect want(centre.x - kCellWidth / 2, centre.y - kCellHeight / 2, kCellWidth,
                      kCellHeight);
  cv::Mat cell;
  const cv::Rect have = want & cv::Rect(0, 0, band.cols, band.rows);
  cv::copyMakeBorder(band(have), cell, have.y - want.y, want.br().y - have.br().y, have.x - want.x,
                     want.br().x - have.br().x, cv::BORDER_REPLICATE);
  return cell;
}

bool IsBand(const cv::Mat& band) {
  return band.type() == CV_8UC1 && band.cols >= 2 * kBandMargin + 29 * kBandPitch &&
         band.rows >= 2 * kBandTop + 2 * kBandLine;
}

// Whether a place of a CCCD's TD1 holds a digit (document number, ID,
// dates, check digits) or a letter or filler (the rest).
bool HoldsDigit(int place) {
  return (place >= 5 && place <= 26) || place == 29 || (place >= 30 && place <= 36) ||
         (place >= 38 && place <= 44) || place == 59;
}

class GlyphRecognizer final : public Recognizer {
 public:
  // One classifier for the digits, one for the letters and the filler: each
  // place is read against the characters its field can hold, so a worn 8 is
  // not taken for a B or an S where only a digit can stand.
  GlyphRecognizer(cv::Ptr<cv::ml::KNearest> digits, cv::Ptr<cv::ml::KNearest> letters)
      : digits_(std::move(digits)), letters_(std::move(letters)) {}
  const char* Name() const override { return "ocr-b-knn"; }

  core::Expected<Reading> Read(const cv::Mat& band) override {
    if (!IsBand(band)) {
      return core::Error::NeedsPerson("mrz.unreadable", "the MRZ band is not on the grid");
    }
    const cv::Mat flat = Flatten(band);
    cv::Mat digit_cells, letter_cells;
    int place = 0;
    for (const auto& line : FitGrid(flat)) {
      for (int i = 0; i < 30; ++i, ++place) {
        (HoldsDigit(place) ? digit_cells : letter_cells).push_back(Features(Cell(flat, line, i)));
      }
    }
    cv::Mat results, digit_neighbours, digit_distances, letter_neighbours, letter_distances;
    digits_->findNearest(digit_cells, kNeighbours, results, digit_neighbours, digit_distances);
    letters_->findNearest(letter_cells, kNeighbours, results, letter_neighbours, letter_distances);
    Reading reading;
    int digit_row = 0, letter_row = 0;
    for (int p = 0; p < 90; ++p) {
      const bool digit = HoldsDigit(p);
      const cv::Mat& neighbours = digit ? digit_neighbours : letter_neighbours;
      const cv::Mat& distances = digit ? digit_distances : letter_distances;
      const int row = digit ? digit_row++ : letter_row++;
      // The nearest glyph's character, then the others whose glyphs come
      // almost as near: a clear reading offers no second choices, so the
      // check digits are not given alternatives the image never suggested.
      std::vector<Choice> choices;
      const float nearest = distances.at<float>(row, 0);
      for (int j = 0; j < kNeighbours; ++j) {
        const float distance = distances.at<float>(row, j);
        if (j > 0 && distance > kAlmostAsNear * nearest) break;
        const char c = kAlphabet[static_cast<int>(neighbours.at<float>(row, j))];
        if (std::none_of(choices.begin(), choices.end(),
                         [&](const Choice& x) { return x.c == c; })) {
          choices.push_back({c, -distance});
        }
      }
      reading.push_back(std::move(choices));
    }
    return reading;
  }

  static constexpr int kNeighbours = 12;
  static constexpr int kVariants = 24;
  static constexpr float kAlmostAsNear = 1.5f;

 private:
  cv::Ptr<cv::ml::KNearest> digits_;
  cv::Ptr<cv::ml::KNearest> letters_;
};

class TesseractRecognizer final : public Recognizer {
 public:
  static constexpr float kTesseractMargin = 20;
  const char* Name() const override { return "tesseract"; }
  tesseract::TessBaseAPI api;
  ~TesseractRecognizer() override { api.End(); }

  core::Expected<Reading> Read(const cv::Mat& band) override {
    if (!IsBand(band)) {
      return core::Error::NeedsPerson("mrz.unreadable", "the MRZ band is not on the grid");
    }
    Reading reading;
    for (const auto& grid : FitGrid(band)) {
      const int centre = static_cast<int>(std::lround(grid.centre));
      cv::Mat line =
          band(cv::Range(centre - kCellHeight / 2, centre + kCellHeight / 2), cv::Range::all())
              .clone();
      if (line.rows < 40)
        cv::resize(line, line, cv::Size(), 40.0 / line.rows, 40.0 / line.rows, cv::INTER_CUBIC);
      cv::copyMakeBorder(line, line, 10, 10, 10, 10, cv::BORDER_REPLICATE);
      api.SetImage(line.data, line.cols, line.rows, 1, static_cast<int>(line.step));
      api.SetSourceResolution(300);
      if (api.Recognize(nullptr) != 0) {
        return core::Error::Retryable("mrz.ocr", "Tesseract failed on the MRZ");
      }
      std::vector<std::vector<Choice>> symbols;
      std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
      if (it) {
        do {
          std::vector<Choice> choices;
          std::unique_ptr<char[]> text(it->GetUTF8Text(tesseract::RIL_SYMBOL));
          if (!text || !text[0]) continue;
          choices.push_back({text[0], it->Confidence(tesseract::RIL_SYMBOL)});
          tesseract::ChoiceIterator alternatives(*it);
          do {
            const char* alt = alternatives.GetUTF8Text();
            // Only alternatives nearly as confident: a clear reading offers
            // no second choices to the check digits.
            if (alt && alt[0] && alt[0] != choices.front().c &&
                alternatives.Confidence() >= choices.front().score - kTesseractMargin) {
              choices.push_back({alt[0], alternatives.Confidence()});
            }
          } while (alternatives.Next());
          symbols.push_back(std::move(choices));
        } while (it->Next(tesseract::RIL_SYMBOL));
      }
      api.Clear();
      // Thirty a line: drop the least confident extras, pad with fillers.
      while (symbols.size() > 30) {
        auto weakest = std::min_element(
            symbols.begin(), symbols.end(),
            [](const auto& a, const auto& b) { return a.front().score < b.front().score; });
        symbols.erase(weakest);
      }
      while (symbols.size() < 30) symbols.push_back({Choice{'<', 0}});
      for (auto& s : symbols) reading.push_back(std::move(s));
    }
    return reading;
  }
};

}  // namespace

core::Expected<std::unique_ptr<Recognizer>> MakeTesseractRecognizer(const std::string& tessdata) {
  setenv("OMP_THREAD_LIMIT", "1", 0);
  auto r = std::make_unique<TesseractRecognizer>();
  if (r->api.Init(tessdata.empty() ? nullptr : tessdata.c_str(), "eng", tesseract::OEM_LSTM_ONLY) !=
      0) {
    return core::Error::Fatal("ocr.no_language", "Tesseract has no eng traineddata");
  }
  r->api.SetPageSegMode(tesseract::PSM_SINGLE_LINE);
  r->api.SetVariable("tessedit_char_whitelist", kAlphabet);
  r->api.SetVariable("lstm_choice_mode", "2");
  r->api.SetVariable("load_system_dawg", "0");
  r->api.SetVariable("load_freq_dawg", "0");
  r->api.SetVariable("debug_file", "/dev/null");
  return std::unique_ptr<Recognizer>(std::move(r));
}

core::Expected<std::unique_ptr<Recognizer>> MakeGlyphRecognizer(const std::string& ocr_b_font) {
  // Every character drawn as the band shows it (centred on its ink, at the
  // band's scale, between two others), then worn as cameras wear it: sizes,
  // stroke weights, shear, blur and motion, faint ink, a shadow's edge,
  // noise, a pixel or two off the grid. Fixed seed: the same classifier on
  // every start.
  cv::Mat samples, labels;
  const int alphabet = static_cast<int>(sizeof kAlphabet) - 1;
  cv::RNG rng(20261207);
  for (int em : {25, 27, 29, 31}) {
    KIOSK_ASSIGN_OR_RETURN(auto font, typeset::TextPainter::Open(ocr_b_font, em));
    // The band's pitch at this size: the card prints 2.9 mm characters at
    // 2.54 mm, the band has kBandPitch pixels a pitch.
    const int pitch = static_cast<int>(std::lround(em * 2.54 / 2.9));
    for (int i = 0; i < alphabet; ++i) {
      cv::Mat alone(em * 3, em * 3, CV_8UC1, cv::Scalar(255));
      font.DrawCentered(alone, em, em, em * 2, static_cast<char32_t>(kAlphabet[i]), 0);
      cv::Mat ink;
      cv::threshold(alone, ink, 128, 255, cv::THRESH_BINARY_INV);
      const cv::Rect box = cv::boundingRect(ink);
      if (box.empty()) return core::Error::Fatal("mrz.font", "the OCR-B font drew nothing");
      const cv::Point2f centre(static_cast<float>(box.x) + static_cast<float>(box.width) / 2,
                               static_cast<float>(box.y) + static_cast<float>(box.height) / 2);
      for (int variant = 0; variant < GlyphRecognizer::kVariants; ++variant) {
        // Half of the samples only a little worn, half badly: the clean
        // shapes must stay among the nearest.
        const double wear = variant % 2 == 0 ? 0.35 : 1.0;
        // Its neighbours on the line, which reach into its cell.
        cv::Mat worn = alone.clone();
        for (int side : {-1, 1}) {
          const auto other = static_cast<char32_t>(kAlphabet[rng.uniform(0, alphabet)]);
          font.DrawCentered(worn, em + side * pitch, em, em * 2, other, 0);
        }
        const int weight = rng.uniform(0, 4);
        if (weight == 0) cv::dilate(worn, worn, cv::Mat());
        if (weight == 1) cv::erode(worn, worn, cv::Mat());
        // Tilt left over (shear), a little turn and scale.
        const double shear = wear * rng.uniform(-0.18, 0.18);
        const double scale = 1 + wear * rng.uniform(-0.07, 0.07);
        cv::Matx23d warp(scale, shear, 0, 0, scale, 0);
        warp(0, 2) = centre.x - scale * centre.x - shear * centre.y;
        warp(1, 2) = centre.y - scale * centre.y;
        cv::warpAffine(worn, worn, warp, worn.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
        // Faint or strong ink on paper of any brightness; a shadow's edge.
        const double paper = rng.uniform(120.0, 250.0);
        const double ink_level = rng.uniform(0.0, wear * (paper - 45));
        worn.convertTo(worn, CV_32F, (paper - ink_level) / 255.0, ink_level);
        if (wear == 1.0 && rng.uniform(0, 3) == 0) {
          const double depth = rng.uniform(0.2, 0.6);
          const double angle = rng.uniform(0.0, CV_PI);
          const double dx = std::cos(angle), dy = std::sin(angle);
          const double at = rng.uniform(-8.0, 8.0);
          for (int y = 0; y < worn.rows; ++y) {
            auto* row = worn.ptr<float>(y);
            for (int x = 0; x < worn.cols; ++x) {
              const double d = (x - static_cast<double>(centre.x)) * dx +
                               (y - static_cast<double>(centre.y)) * dy - at;
              row[x] *= static_cast<float>(1 - depth / (1 + std::exp(-d / 2)));
            }
          }
        }
        const double blur = wear * rng.uniform(0.0, 1.8);
        if (blur > 0.3) cv::GaussianBlur(worn, worn, cv::Size(), blur);
        if (wear == 1.0 && rng.uniform(0, 3) == 0) {
          const int length = rng.uniform(2, 6);
          cv::Mat kernel(length * 2 + 1, length * 2 + 1, CV_32F, cv::Scalar(0));
          const double a = rng.uniform(0.0, CV_PI);
          const cv::Point2d c(length, length),
              d(std::cos(a) * length / 2, std::sin(a) * length / 2);
          cv::line(kernel, c - d, c + d, cv::Scalar(1), 1, cv::LINE_AA);
          kernel /= cv::sum(kernel)[0];
          cv::filter2D(worn, worn, -1, kernel);
        }
        cv::Mat noise(worn.size(), CV_32F);
        rng.fill(noise, cv::RNG::NORMAL, 0, wear * rng.uniform(0.0, 12.0));
        worn += noise;
        worn.convertTo(worn, CV_8U);
        worn = Flatten(worn);
        const int reach = wear < 1 ? 1 : 2;
        const cv::Point shift(rng.uniform(-reach, reach + 1), rng.uniform(-reach, reach + 1));
        const cv::Rect cell(static_cast<int>(centre.x) - kCellWidth / 2 + shift.x,
                            static_cast<int>(centre.y) - kCellHeight / 2 + shift.y, kCellWidth,
                            kCellHeight);
        samples.push_back(Features(worn(cell)));
        labels.push_back(static_cast<float>(i));
      }
    }
  }
  // Labels 0-9 are the digits (kAlphabet's first ten).
  cv::Mat digit_samples, digit_labels, letter_samples, letter_labels;
  for (int r = 0; r < samples.rows; ++r) {
    const bool digit = labels.at<float>(r) < 10;
    (digit ? digit_samples : letter_samples).push_back(samples.row(r));
    (digit ? digit_labels : letter_labels).push_back(labels.at<float>(r));
  }
  auto train = [](const cv::Mat& x, const cv::Mat& y) {
    auto knn = cv::ml::KNearest::create();
    knn->setDefaultK(GlyphRecognizer::kNeighbours);
    knn->train(x, cv::ml::ROW_SAMPLE, y);
    return knn;
  };
  return std::unique_ptr<Recognizer>(std::make_unique<GlyphRecognizer>(
      train(digit_samples, digit_labels), train(letter_samples, letter_labels)));
}

}  // namespace kiosk::mrz
