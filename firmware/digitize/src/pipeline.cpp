#include "kiosk/digitize/pipeline.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace kiosk::digitize {
namespace {

// A working copy no wider than `max_width`, and the scale it was made at.
cv::Mat Shrink(const cv::Mat& image, int max_width, double& scale) {
  scale = image.cols > max_width ? static_cast<double>(max_width) / image.cols : 1.0;
  if (scale == 1.0) return image;
  cv::Mat small;
  cv::resize(image, small, cv::Size(), scale, scale, cv::INTER_AREA);
  return small;
}

std::array<cv::Point2f, 4> OrderCorners(const std::vector<cv::Point2f>& points) {
  std::array<cv::Point2f, 4> out{};
  auto by = [&](auto key, bool smallest) {
    return *std::min_element(points.begin(), points.end(), [&](const auto& a, const auto& b) {
      return smallest ? key(a) < key(b) : key(a) > key(b);
    });
  };
  out[0] = by([](const cv::Point2f& p) { return p.x + p.y; }, true);   // top-left
  out[1] = by([](const cv::Point2f& p) { return p.y - p.x; }, true);   // top-right
  out[2] = by([](const cv::Point2f& p) { return p.x + p.y; }, false);  // bottom-right
  out[3] = by([](const cv::Point2f& p) { return p.y - p.x; }, false);  // bottom-left
  return out;
}

float Distance(cv::Point2f a, cv::Point2f b) { return std::hypot(a.x - b.x, a.y - b.y); }

}  // namespace

cv::Mat ToGray(const cv::Mat& image) {
  if (image.channels() == 1) return image;
  cv::Mat gray;
  cv::cvtColor(image, gray, image.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  return gray;
}

std::optional<std::array<cv::Point2f, 4>> FindPage(const cv::Mat& image) {
  if (image.empty()) return std::nullopt;
  double scale = 1;
  cv::Mat small = Shrink(ToGray(image), 800, scale);
  cv::GaussianBlur(small, small, cv::Size(5, 5), 0);
  cv::Mat bright;
  const double level = cv::threshold(small, bright, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
  // A flatbed scan is paper to the edges: its corners are bright.
  const int c = std::max(2, small.cols / 50);
  int dark_corners = 0;
  for (const cv::Point corner :
       {cv::Point(0, 0), cv::Point(small.cols - c, 0), cv::Point(0, small.rows - c),
        cv::Point(small.cols - c, small.rows - c)}) {
    if (cv::mean(small(cv::Rect(corner, cv::Size(c, c))))[0] < level) ++dark_corners;
  }
  if (dark_corners < 3) return std::nullopt;
  cv::morphologyEx(bright, bright, cv::MORPH_CLOSE,
                   cv::getStructuringElement(cv::MORPH_RECT, cv::Size(15, 15)));
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(bright, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
  if (contours.empty()) return std::nullopt;
  const auto largest = std::max_element(
      contours.begin(), contours.end(),
      [](const auto& a, const auto& b) { return cv::contourArea(a) < cv::contourArea(b); });
  const double area = cv::contourArea(*largest);
  if (area < 0.2 * static_cast<double>(small.total())) return std::nullopt;
  std::vector<cv::Point> hull;
  cv::convexHull(*largest, hull);
  std::vector<cv::Point> polygon;
  cv::approxPolyDP(hull, polygon, 0.02 * cv::arcLength(hull, true), true);
  std::vector<cv::Point2f> points;
  if (polygon.size() == 4) {
    for (const auto& p : polygon)
      points.emplace_back(static_cast<float>(p.x), static_cast<float>(p.y));
  } else {
    cv::Point2f box[4];
    cv::minAreaRect(hull).points(box);
    points.assign(box, box + 4);
  }
  for (auto& p : points) p *= static_cast<float>(1.0 / scale);
  return OrderCorners(points);
}

cv::Mat CorrectPerspective(const cv::Mat& image, const std::array<cv::Point2f, 4>& q) {
  const float width = std::max(Distance(q[0], q[1]), Distance(q[3], q[2]));
  const float height = std::max(Distance(q[0], q[3]), Distance(q[1], q[2]));
  const cv::Point2f to[4] = {{0, 0}, {width - 1, 0}, {width - 1, height - 1}, {0, height - 1}};
  cv::Mat out;
  cv::warpPerspective(image, out, cv::getPerspectiveTransform(q.data(), to),
                      cv::Size(static_cast<int>(width), static_cast<int>(height)), cv::INTER_LINEAR,
                      cv::BORDER_REPLICATE);
  return out;
}

cv::Mat FlattenBackground(const cv::Mat& gray) {
  double scale = 1;
  const cv::Mat small = Shrink(gray, 600, scale);
  cv::Mat background;
  const int k = std::max(9, small.cols / 40) | 1;
  cv::morphologyEx(small, background, cv::MORPH_CLOSE,
                   cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(k, k)));
  cv::medianBlur(background, background, 5);
  cv::resize(background, background, gray.size(), 0, 0, cv::INTER_LINEAR);
  cv::Mat g, b, flat;
  gray.convertTo(g, CV_32F);
  background.convertTo(b, CV_32F);
  cv::max(b, 1.0, b);
  cv::divide(g, b, flat, 255.0);
  // Stretch so the ink is dark again when the capture was washed out: the
  // darkest 0.3% of pixels become black, if they are ink at all.
  cv::Mat out;
  flat.convertTo(out, CV_8U);
  int histogram[256] = {};
  for (int y = 0; y < out.rows; ++y) {
    const auto* row = out.ptr<std::uint8_t>(y);
    for (int x = 0; x < out.cols; ++x) ++histogram[row[x]];
  }
  const double target = 0.003 * static_cast<double>(out.total());
  double seen = 0;
  int low = 0;
  while (low < 255 && (seen += histogram[low]) < target) ++low;
  if (low > 0 && low < 170) {
    const double gain = 255.0 / (250.0 - low);
    out.convertTo(out, CV_8U, gain, -low * gain);
  }
  return out;
}

double EstimateSkew(const cv::Mat& gray, double max_degrees) {
  double scale = 1;
  const cv::Mat small = Shrink(ToGray(gray), 1000, scale);
  cv::Mat ink;
  cv::threshold(small, ink, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  // Only the inner part: page edges and dark borders are not text lines.
  const cv::Rect inner(small.cols / 20, small.rows / 20, small.cols * 9 / 10, small.rows * 9 / 10);
  std::vector<cv::Point> points;
  cv::findNonZero(ink(inner), points);
  if (points.size() < 500 || points.size() > static_cast<std::size_t>(inner.area()) / 3) return 0;
  const std::size_t stride = std::max<std::size_t>(1, points.size() / 150000);
  const double diagonal = std::hypot(inner.width, inner.height);
  const int bins = static_cast<int>(2 * diagonal) + 2;
  std::vector<int> histogram(static_cast<std::size_t>(bins));
  auto score = [&](double degrees) {
    const double t = degrees * std::numbers::pi / 180.0;
    const double s = std::sin(t), c = std::cos(t);
    std::fill(histogram.begin(), histogram.end(), 0);
    for (std::size_t i = 0; i < points.size(); i += stride) {
      const double y = points[i].y * c + points[i].x * s + diagonal;
      ++histogram[static_cast<std::size_t>(y)];
    }
    double sum = 0;
    for (int v : histogram) sum += static_cast<double>(v) * v;
    return sum;
  };
  double best = 0, best_score = -1;
  for (double a = -max_degrees; a <= max_degrees + 1e-9; a += 0.5) {
    const double v = score(a);
    if (v > best_score) best_score = v, best = a;
  }
  const double coarse = best;
  for (double a = coarse - 0.5; a <= coarse + 0.5 + 1e-9; a += 0.05) {
    const double v = score(a);
    if (v > best_score) best_score = v, best = a;
  }
  // `best` makes the lines horizontal in the projection; the image turns
  // the other way.
  return -best;
}

cv::Mat Rotate(const cv::Mat& image, double degrees) {
  if (std::abs(degrees) < 0.01) return image;
  const cv::Point2f centre(static_cast<float>(image.cols) / 2, static_cast<float>(image.rows) / 2);
  cv::Mat m = cv::getRotationMatrix2D(centre, degrees, 1.0);
  const cv::Rect2f box =
      cv::RotatedRect(centre, image.size(), static_cast<float>(degrees)).boundingRect2f();
  m.at<double>(0, 2) += box.width / 2.0 - centre.x;
  m.at<double>(1, 2) += box.height / 2.0 - centre.y;
  cv::Mat out;
  cv::warpAffine(image, out, m, box.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                 cv::Scalar::all(255));
  return out;
}

cv::Mat RotateQuarters(const cv::Mat& image, int quarters) {
  quarters = ((quarters % 4) + 4) % 4;
  if (quarters == 0) return image;
  cv::Mat out;
  cv::rotate(image, out,
             quarters == 1   ? cv::ROTATE_90_CLOCKWISE
             : quarters == 2 ? cv::ROTATE_180
                             : cv::ROTATE_90_COUNTERCLOCKWISE);
  return out;
}

bool IsBlank(const cv::Mat& gray) {
  const cv::Rect inner(gray.cols * 3 / 100, gray.rows * 3 / 100, gray.cols * 94 / 100,
                       gray.rows * 94 / 100);
  cv::Mat ink;
  cv::threshold(gray(inner), ink, 128, 255, cv::THRESH_BINARY_INV);
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(ink, labels, stats, centroids, 8, CV_32S);
  const double min_height = std::max(4.0, gray.rows / 600.0);
  std::int64_t ink_pixels = 0;
  int marks = 0;
  for (int i = 1; i < n; ++i) {
    const int area = stats.at<int>(i, cv::CC_STAT_AREA);
    const int height = stats.at<int>(i, cv::CC_STAT_HEIGHT);
    if (height < min_height || area < 8 || area > inner.area() / 20) continue;
    ink_pixels += area;
    ++marks;
  }
  return marks < 10 || static_cast<double>(ink_pixels) < 2e-4 * static_cast<double>(inner.area());
}

const char* ModeName(Mode mode) {
  switch (mode) {
    case Mode::kColor:
      return "colour";
    case Mode::kGray:
      return "grey";
    case Mode::kBitonal:
      return "bitonal";
  }
  return "?";
}

Mode ChooseMode(const cv::Mat& image, const cv::Mat& flattened_gray) {
  if (image.channels() == 3) {
    cv::Mat hsv;
    cv::cvtColor(image, hsv, cv::COLOR_BGR2HSV);
    cv::Mat coloured;
    cv::inRange(hsv, cv::Scalar(0, 70, 50), cv::Scalar(180, 255, 255), coloured);
    if (cv::countNonZero(coloured) > 0.0005 * static_cast<double>(image.total()))
      return Mode::kColor;
  }
  cv::Mat mid;
  cv::inRange(flattened_gray, cv::Scalar(70), cv::Scalar(200), mid);
  return cv::countNonZero(mid) > 0.08 * static_cast<double>(flattened_gray.total())
             ? Mode::kGray
             : Mode::kBitonal;
}

cv::Mat Binarize(const cv::Mat& flattened_gray, int min_speck) {
  cv::Mat ink;
  cv::threshold(flattened_gray, ink, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  if (min_speck > 1) {
    cv::Mat labels, stats, centroids;
    const int n = cv::connectedComponentsWithStats(ink, labels, stats, centroids, 8, CV_32S);
    std::vector<std::uint8_t> keep(static_cast<std::size_t>(n), 255);
    keep[0] = 0;
    for (int i = 1; i < n; ++i) {
      if (stats.at<int>(i, cv::CC_STAT_AREA) < min_speck) keep[static_cast<std::size_t>(i)] = 0;
    }
    for (int y = 0; y < ink.rows; ++y) {
      auto* row = ink.ptr<std::uint8_t>(y);
      const auto* label = labels.ptr<int>(y);
      for (int x = 0; x < ink.cols; ++x) row[x] = keep[static_cast<std::size_t>(label[x])];
    }
  }
  cv::Mat out;
  cv::bitwise_not(ink, out);
  return out;
}

}  // namespace kiosk::digitize
