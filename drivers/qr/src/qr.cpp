#include "kiosk/qr/qr.h"

#include <ZXing/ReadBarcode.h>

#include <algorithm>

#include <opencv2/imgproc.hpp>

namespace kiosk::qr {
namespace {

std::vector<std::string> Read(const cv::Mat& gray) {
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode);
  hints.setTryHarder(true);
  hints.setTryRotate(true);
  const ZXing::ImageView view(gray.data, gray.cols, gray.rows, ZXing::ImageFormat::Lum,
                              static_cast<int>(gray.step));
  auto results = ZXing::ReadBarcodes(view, hints);
  std::sort(results.begin(), results.end(), [](const auto& a, const auto& b) {
    auto size = [](const ZXing::Result& r) {
      const auto& p = r.position();
      return std::abs((p[1].x - p[0].x) * (p[3].y - p[0].y));
    };
    return size(a) > size(b);
  });
  std::vector<std::string> payloads;
  for (const auto& result : results) {
    if (!result.isValid()) continue;
    const auto& bytes = result.bytes();
    payloads.emplace_back(bytes.begin(), bytes.end());
  }
  return payloads;
}

}  // namespace

std::vector<std::string> DecodeQr(const cv::Mat& image, Effort effort) {
  if (image.empty()) return {};
  cv::Mat gray;
  if (image.channels() == 1) {
    gray = image.isContinuous() ? image : image.clone();
  } else {
    cv::cvtColor(image, gray, image.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  }
  // A flat image holds no code (and zxing-cpp 1.4 can spin on one).
  cv::Scalar mean, stddev;
  cv::meanStdDev(gray, mean, stddev);
  if (stddev[0] < 4.0 || gray.cols < 21 || gray.rows < 21) return {};
  auto found = Read(gray);
  if (!found.empty() || effort == Effort::kQuick) return found;
  cv::Mat stretched;
  cv::normalize(gray, stretched, 0, 255, cv::NORM_MINMAX);
  cv::GaussianBlur(stretched, stretched, cv::Size(3, 3), 0);
  found = Read(stretched);
  if (!found.empty()) return found;
  // A small code (a card far from the camera: two or three pixels a
  // module, blurred): twice the size, sharpened, gives the sampler room.
  if (gray.cols <= 2000) {
    cv::Mat large, soft;
    cv::resize(gray, large, cv::Size(), 2.0, 2.0, cv::INTER_CUBIC);
    cv::GaussianBlur(large, soft, cv::Size(), 2.0);
    cv::addWeighted(large, 1.8, soft, -0.8, 0, large);
    found = Read(large);
    if (!found.empty()) return found;
  }
  if (gray.cols > 1200) {
    cv::Mat small;
    cv::resize(gray, small, cv::Size(), 0.5, 0.5, cv::INTER_AREA);
    found = Read(small);
  }
  return found;
}

}  // namespace kiosk::qr
