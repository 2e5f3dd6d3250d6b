#include <cstdio>
#include <fstream>
#include <random>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "kiosk/scanner/sim/synthetic.h"

namespace kiosk::scanner::sim {

Degradation RandomDegradation(std::uint64_t seed, int severity) {
  std::mt19937_64 rng(seed * 0xD1B54A32D192ED03ULL + 5);
  auto uniform = [&](double lo, double hi) {
    return std::uniform_real_distribution<>(lo, hi)(rng);
  };
  Degradation d;
  const double s = std::clamp(severity, 0, 2);
  const double max_angle = s == 0 ? 2 : s == 1 ? 6 : 15;
  d.rotate_degrees = uniform(-max_angle, max_angle);
  d.noise_sigma = uniform(1, 4 + 4 * s);
  d.blur_sigma = uniform(0, 0.4 + 0.4 * s);
  d.jpeg_quality = static_cast<int>(uniform(90 - 15 * s, 95 - 10 * s));
  d.shadow = s == 0 ? 0 : uniform(0, 0.2 * s);
  d.contrast = uniform(1 - 0.2 * s, 1);
  d.perspective = s == 2 ? uniform(0, 0.04) : 0;
  return d;
}

cv::Mat Degrade(const cv::Mat& gray, const Degradation& d, std::uint64_t seed) {
  cv::RNG rng(seed | 1);
  cv::Mat img = gray.clone();
  if (d.upside_down) cv::rotate(img, img, cv::ROTATE_180);
  const int background = d.on_background ? 60 : 250;
  if (d.on_background) {
    // The page on a desk, seen from above: a margin of dark background.
    const int mx = img.cols / 8, my = img.rows / 10;
    cv::copyMakeBorder(img, img, my, my, mx, mx, cv::BORDER_CONSTANT, cv::Scalar(background));
  }
  if (d.perspective > 0) {
    const float w = static_cast<float>(img.cols), h = static_cast<float>(img.rows);
    const cv::Point2f from[4] = {{0, 0}, {w, 0}, {w, h}, {0, h}};
    cv::Point2f to[4];
    for (int i = 0; i < 4; ++i) {
      const float jx = static_cast<float>(rng.uniform(0.0, d.perspective) * w);
      const float jy = static_cast<float>(rng.uniform(0.0, d.perspective) * h);
      to[i] = {from[i].x + (from[i].x == 0 ? jx : -jx), from[i].y + (from[i].y == 0 ? jy : -jy)};
    }
    cv::warpPerspective(img, img, cv::getPerspectiveTransform(from, to), img.size(),
                        cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(background));
  }
  if (d.rotate_degrees != 0) {
    const cv::Point2f centre(static_cast<float>(img.cols) / 2, static_cast<float>(img.rows) / 2);
    cv::warpAffine(img, img, cv::getRotationMatrix2D(centre, d.rotate_degrees, 1.0), img.size(),
                   cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(background));
  }
  cv::Mat f;
  img.convertTo(f, CV_32F);
  if (d.contrast != 1) f = (f - 128.0) * d.contrast + 128.0 + 20.0 * (1 - d.contrast);
  if (d.shadow > 0) {
    cv::Mat ramp(f.size(), CV_32F);
    const bool horizontal = rng.uniform(0, 2) == 0;
    for (int y = 0; y < ramp.rows; ++y) {
      auto* row = ramp.ptr<float>(y);
      for (int x = 0; x < ramp.cols; ++x) {
        const double t =
            horizontal ? static_cast<double>(x) / ramp.cols : static_cast<double>(y) / ramp.rows;
        row[x] = static_cast<float>(1.0 - d.shadow * t * t);
      }
    }
    f = f.mul(ramp);
  }
  if (d.blur_sigma > 0) cv::GaussianBlur(f, f, cv::Size(), d.blur_sigma);
  if (d.noise_sigma > 0) {
    cv::Mat noise(f.size(), CV_32F);
    rng.fill(noise, cv::RNG::NORMAL, 0, d.noise_sigma);
    f += noise;
  }
  f.convertTo(img, CV_8UC1);
  if (d.jpeg_quality > 0) {
    std::vector<std::uint8_t> jpeg;
    cv::imencode(".jpg", img, jpeg, {cv::IMWRITE_JPEG_QUALITY, d.jpeg_quality});
    img = cv::imdecode(jpeg, cv::IMREAD_GRAYSCALE);
  }
  return img;
}

core::Expected<void> WritePgm(const std::string& path, const cv::Mat& gray) {
  if (gray.type() != CV_8UC1) return core::Error::Fatal("pgm.bad_image", "PGM needs 8-bit grey");
  std::ofstream out(path, std::ios::binary);
  out << "P5\n" << gray.cols << ' ' << gray.rows << "\n255\n";
  for (int y = 0; y < gray.rows; ++y) {
    out.write(reinterpret_cast<const char*>(gray.ptr(y)), gray.cols);
  }
  out.close();
  if (!out) return core::Error::Retryable("io.error", "cannot write " + path);
  return {};
}

core::Expected<void> WritePpm(const std::string& path, const cv::Mat& bgr) {
  if (bgr.type() != CV_8UC3) return core::Error::Fatal("ppm.bad_image", "PPM needs 8-bit BGR");
  std::ofstream out(path, std::ios::binary);
  out << "P6\n" << bgr.cols << ' ' << bgr.rows << "\n255\n";
  std::vector<char> row(static_cast<std::size_t>(bgr.cols) * 3);
  for (int y = 0; y < bgr.rows; ++y) {
    const auto* p = bgr.ptr<cv::Vec3b>(y);
    for (int x = 0; x < bgr.cols; ++x) {
      for (int c = 0; c < 3; ++c) {
        row[static_cast<std::size_t>(x) * 3 + static_cast<std::size_t>(c)] =
            static_cast<char>(p[x][2 - c]);
      }
    }
    out.write(row.data(), static_cast<std::streamsize>(row.size()));
  }
  out.close();
  if (!out) return core::Error::Retryable("io.error", "cannot write " + path);
  return {};
}

}  // namespace kiosk::scanner::sim
