// The two MRZ recognizers (mrz_reader.h).

#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <algorithm>
#include <cstdlib>
#include <map>

#include <opencv2/imgproc.hpp>
#include <opencv2/ml.hpp>

#include "kiosk/mrz/mrz_reader.h"
#include "kiosk/typeset/text_painter.h"

namespace kiosk::mrz {
namespace {

constexpr char kAlphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<";
constexpr int kCellWidth = 20;
constexpr int kCellHeight = 28;

// A cell of a line (all rows of the line, one character pitch wide around
// `centre`) as a normalised feature row: ink = 1.
cv::Mat Sample(const cv::Mat& line, double centre, double pitch) {
  const int x0 = std::clamp(static_cast<int>(centre - pitch / 2), 0, line.cols - 1);
  const int x1 = std::clamp(static_cast<int>(centre + pitch / 2), x0 + 1, line.cols);
  cv::Mat cell;
  cv::resize(line(cv::Range::all(), cv::Range(x0, x1)), cell, cv::Size(kCellWidth, kCellHeight), 0,
             0, cv::INTER_AREA);
  // Contrast stretched within the cell: shadows and faded print look alike.
  double lo = 0, hi = 0;
  cv::minMaxLoc(cell, &lo, &hi);
  cv::Mat f;
  cell.convertTo(f, CV_32F, -1.0 / std::max(hi - lo, 16.0), hi / std::max(hi - lo, 16.0));
  return f.reshape(1, 1);
}

// The character centres of a line: first and last marks, then even pitch
// (OCR-B in the MRZ is monospaced, 30 characters a line).
bool Centres(const cv::Mat& line, double& first, double& pitch) {
  cv::Mat ink;
  cv::threshold(line, ink, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(ink, labels, stats, centroids, 8, CV_32S);
  std::vector<double> xs;
  for (int i = 1; i < n; ++i) {
    if (stats.at<int>(i, cv::CC_STAT_HEIGHT) < line.rows / 4) continue;  // specks
    xs.push_back(stats.at<int>(i, cv::CC_STAT_LEFT) + stats.at<int>(i, cv::CC_STAT_WIDTH) / 2.0);
  }
  if (xs.size() < 10) return false;
  std::sort(xs.begin(), xs.end());
  first = xs.front();
  pitch = (xs.back() - xs.front()) / 29.0;
  return pitch > line.rows * 0.3 && pitch < line.rows * 2.0;
}

cv::Mat LineImage(const cv::Mat& band, const cv::Range& rows) {
  const int margin = std::max(1, rows.size() / 10);
  return band(cv::Range(std::max(0, rows.start - margin), std::min(band.rows, rows.end + margin)),
              cv::Range::all());
}

class GlyphRecognizer final : public Recognizer {
 public:
  explicit GlyphRecognizer(cv::Ptr<cv::ml::KNearest> knn) : knn_(std::move(knn)) {}
  const char* Name() const override { return "ocr-b-knn"; }

  core::Expected<Reading> Read(const cv::Mat& band) override {
    const auto lines = FindLines(band);
    if (lines.size() != 3) {
      return core::Error::NeedsPerson("mrz.unreadable", "the MRZ band does not hold three lines");
    }
    // The three lines share the pitch; the median survives one line whose
    // last characters are cut off or smudged.
    std::vector<cv::Mat> cut;
    std::vector<double> firsts, pitches;
    for (const auto& rows : lines) {
      cut.push_back(LineImage(band, rows));
      double first = 0, pitch = 0;
      if (!Centres(cut.back(), first, pitch)) {
        return core::Error::NeedsPerson("mrz.unreadable", "the MRZ characters cannot be separated");
      }
      firsts.push_back(first);
      pitches.push_back(pitch);
    }
    std::vector<double> sorted = pitches;
    std::sort(sorted.begin(), sorted.end());
    const double pitch = sorted[1];
    Reading reading;
    for (std::size_t l = 0; l < cut.size(); ++l) {
      const cv::Mat& line = cut[l];
      const double first = firsts[l];
      cv::Mat samples;
      for (int i = 0; i < 30; ++i) samples.push_back(Sample(line, first + i * pitch, pitch));
      cv::Mat results, neighbours, distances;
      knn_->findNearest(samples, kNeighbours, results, neighbours, distances);
      for (int i = 0; i < 30; ++i) {
        std::vector<Choice> choices;
        for (int j = 0; j < kNeighbours; ++j) {
          const char c = kAlphabet[static_cast<int>(neighbours.at<float>(i, j))];
          if (std::none_of(choices.begin(), choices.end(),
                           [&](const Choice& x) { return x.c == c; })) {
            choices.push_back({c, -distances.at<float>(i, j)});
          }
        }
        reading.push_back(std::move(choices));
      }
    }
    return reading;
  }

  static constexpr int kNeighbours = 12;

 private:
  cv::Ptr<cv::ml::KNearest> knn_;
};

class TesseractRecognizer final : public Recognizer {
 public:
  const char* Name() const override { return "tesseract"; }
  tesseract::TessBaseAPI api;
  ~TesseractRecognizer() override { api.End(); }

  core::Expected<Reading> Read(const cv::Mat& band) override {
    const auto lines = FindLines(band);
    if (lines.size() != 3) {
      return core::Error::NeedsPerson("mrz.unreadable", "the MRZ band does not hold three lines");
    }
    Reading reading;
    for (const auto& rows : lines) {
      cv::Mat line = LineImage(band, rows);
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
            if (alt && alt[0] && alt[0] != choices.front().c) {
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
  // Training lines of every character, at several sizes, blurs and ink
  // weights, cut exactly as a read line is cut.
  cv::Mat samples, labels;
  const int alphabet = static_cast<int>(sizeof kAlphabet) - 1;
  for (int em : {28, 34, 40, 46}) {
    KIOSK_ASSIGN_OR_RETURN(auto font, typeset::TextPainter::Open(ocr_b_font, em));
    const int pitch = em * 3 / 4;
    for (double blur : {0.0, 0.8, 1.4}) {
      for (int shift : {-1, 0, 1}) {
        cv::Mat line(em * 2, pitch * (alphabet + 2), CV_8UC1, cv::Scalar(235));
        const int baseline = em * 3 / 2;
        for (int i = 0; i < alphabet; ++i) {
          font.DrawCentered(line, pitch * (i + 1) + shift, pitch, baseline,
                            static_cast<char32_t>(kAlphabet[i]), 20);
        }
        if (blur > 0) cv::GaussianBlur(line, line, cv::Size(), blur);
        const auto rows = FindLines(line);
        if (rows.empty()) return core::Error::Fatal("mrz.font", "the OCR-B font drew nothing");
        cv::Range all(rows.front().start, rows.back().end);
        const cv::Mat cut = LineImage(line, all);
        for (int i = 0; i < alphabet; ++i) {
          samples.push_back(Sample(cut, pitch * (i + 1) + pitch / 2.0, pitch));
          labels.push_back(static_cast<float>(i));
        }
      }
    }
  }
  auto knn = cv::ml::KNearest::create();
  knn->setDefaultK(GlyphRecognizer::kNeighbours);
  knn->train(samples, cv::ml::ROW_SAMPLE, labels);
  return std::unique_ptr<Recognizer>(std::make_unique<GlyphRecognizer>(knn));
}

}  // namespace kiosk::mrz
