// Finding the MRZ band on a card image and its text lines (mrz_reader.h).

#include <algorithm>

#include <opencv2/imgproc.hpp>

#include "kiosk/mrz/mrz_reader.h"

namespace kiosk::mrz {

std::optional<cv::Mat> LocateMrz(const cv::Mat& image) {
  if (image.empty()) return std::nullopt;
  cv::Mat gray;
  if (image.channels() == 1) {
    gray = image;
  } else {
    cv::cvtColor(image, gray, image.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  }
  const double scale = gray.cols > 1000 ? 1000.0 / gray.cols : 1.0;
  cv::Mat small;
  cv::resize(gray, small, cv::Size(), scale, scale, cv::INTER_AREA);
  // Dark text on light ground, joined along the lines, then the lines into
  // one band (the classic black-hat + gradient approach).
  cv::Mat blackhat, gradient, mask;
  cv::morphologyEx(small, blackhat, cv::MORPH_BLACKHAT,
                   cv::getStructuringElement(cv::MORPH_RECT, cv::Size(15, 7)));
  cv::Sobel(blackhat, gradient, CV_32F, 1, 0, 3);
  gradient = cv::abs(gradient);
  cv::normalize(gradient, gradient, 0, 255, cv::NORM_MINMAX);
  gradient.convertTo(gradient, CV_8U);
  cv::morphologyEx(gradient, mask, cv::MORPH_CLOSE,
                   cv::getStructuringElement(cv::MORPH_RECT, cv::Size(21, 5)));
  cv::threshold(mask, mask, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
  cv::morphologyEx(mask, mask, cv::MORPH_CLOSE,
                   cv::getStructuringElement(cv::MORPH_RECT, cv::Size(25, 17)));
  cv::erode(mask, mask, cv::Mat(), cv::Point(-1, -1), 2);

  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(mask, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
  std::optional<cv::RotatedRect> best;
  for (const auto& contour : contours) {
    cv::RotatedRect box = cv::minAreaRect(contour);
    if (box.size.width < box.size.height) {
      std::swap(box.size.width, box.size.height);
      box.angle += 90;
    }
    if (box.angle > 45) box.angle -= 180;
    if (box.angle < -45) box.angle += 180;
    const float aspect = box.size.width / std::max(1.0f, box.size.height);
    if (aspect < 3.5f || aspect > 15 || box.size.width < 0.25f * static_cast<float>(small.cols))
      continue;
    if (!best || box.size.width > best->size.width) best = box;
  }
  if (!best) return std::nullopt;
  // Back to full size, level, with a margin.
  const float k = static_cast<float>(1.0 / scale);
  const cv::Point2f centre = best->center * k;
  cv::Mat m = cv::getRotationMatrix2D(centre, best->angle, 1.0);
  const cv::Size size(static_cast<int>(best->size.width * k * 1.12f),
                      static_cast<int>(best->size.height * k * 1.35f));
  m.at<double>(0, 2) += size.width / 2.0 - centre.x;
  m.at<double>(1, 2) += size.height / 2.0 - centre.y;
  cv::Mat band;
  cv::warpAffine(gray, band, m, size, cv::INTER_CUBIC, cv::BORDER_REPLICATE);
  return band;
}

std::vector<cv::Range> FindLines(const cv::Mat& band) {
  cv::Mat ink;
  cv::threshold(band, ink, 0, 1, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  cv::Mat rows;
  cv::reduce(ink, rows, 1, cv::REDUCE_SUM, CV_32S);
  const int min_ink = std::max(2, band.cols / 50);
  std::vector<cv::Range> runs;
  for (int y = 0; y < rows.rows; ++y) {
    if (rows.at<int>(y) < min_ink) continue;
    if (!runs.empty() && y - runs.back().end <= 1) {
      runs.back().end = y + 1;
    } else {
      runs.emplace_back(y, y + 1);
    }
  }
  int tallest = 0;
  for (const auto& r : runs) tallest = std::max(tallest, r.size());
  std::vector<cv::Range> lines;
  for (const auto& r : runs) {
    if (r.size() >= tallest / 2) lines.push_back(r);
  }
  return lines;
}

core::Expected<std::string> ReadMrz(const cv::Mat& image, Recognizer& recognizer) {
  auto band = LocateMrz(image);
  if (!band) return core::Error::NeedsPerson("mrz.not_found", "no MRZ found on the image");
  // The card may lie upside down: read both ways, keep what checks out.
  core::Error last = core::Error::NeedsPerson("mrz.unreadable", "the MRZ could not be read");
  for (int turn = 0; turn < 2; ++turn) {
    cv::Mat view = *band;
    if (turn == 1) cv::rotate(*band, view, cv::ROTATE_180);
    auto reading = recognizer.Read(view);
    if (!reading) {
      last = reading.GetError();
      continue;
    }
    auto text = ChooseTd1(*reading);
    if (text) return text;
    last = text.GetError();
  }
  return last;
}

}  // namespace kiosk::mrz
