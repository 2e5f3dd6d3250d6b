// Reading the MRZ from a card image: the bands found by their structure
// (band.h), each read both ways up (mrz_reader.h).

#include <algorithm>
#include <cstdlib>
#include <string>

#include <opencv2/imgproc.hpp>

#include "band.h"
#include "kiosk/mrz/mrz_reader.h"

namespace kiosk::mrz {

namespace {

cv::Mat Gray(const cv::Mat& image) {
  cv::Mat gray;
  if (image.channels() == 1) {
    gray = image;
  } else {
    cv::cvtColor(image, gray, image.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  }
  return gray;
}

// Candidate bands, likeliest first; `marks`: the marks the size of
// characters on the image.
std::vector<cv::Mat> Bands(const cv::Mat& image, std::size_t* marks = nullptr) {
  if (image.empty()) return {};
  const cv::Mat gray = Gray(image);
  return FindMrzBands(gray, 3, marks);
}

}  // namespace

std::optional<cv::Mat> LocateMrz(const cv::Mat& image) {
  auto bands = Bands(image);
  if (bands.empty()) return std::nullopt;
  return bands.front();
}

void LimitThreads(int threads) {
  cv::setNumThreads(threads);
  setenv("OMP_THREAD_LIMIT", std::to_string(std::max(1, threads)).c_str(), 1);
}

core::Expected<std::string> ReadMrz(const cv::Mat& image, Recognizer& recognizer) {
  std::size_t marks = 0;
  const auto bands = Bands(image, &marks);
  if (bands.empty() && marks < kFewestMarks) {
    return core::Error::NeedsPerson("card.not_in_view", "nothing printed is in view");
  }
  if (bands.empty()) return core::Error::NeedsPerson("mrz.not_found", "no MRZ found on the image");
  // The card may lie upside down: read both ways, keep what checks out.
  core::Error last = core::Error::NeedsPerson("mrz.unreadable", "the MRZ could not be read");
  for (const auto& band : bands) {
    // The way up it looks first; the other if that reads nothing.
    const bool turned = LooksUpsideDown(band);
    for (int turn = 0; turn < 2; ++turn) {
      // A new image when turned: rotating into the band's own header would
      // turn the band itself, and the other way would never be read.
      cv::Mat view;
      if ((turn == 1) != turned) {
        cv::rotate(band, view, cv::ROTATE_180);
      } else {
        view = band;
      }
      auto reading = recognizer.Read(view);
      if (!reading) {
        last = reading.GetError();
        continue;
      }
      auto text = ChooseTd1(*reading);
      if (text) return text;
      last = text.GetError();
    }
  }
  return last;
}

}  // namespace kiosk::mrz
