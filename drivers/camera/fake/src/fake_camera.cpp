#include "kiosk/camera/fake_camera.h"

namespace kiosk::camera {

cv::Mat EmptyTray(int width, int height) {
  cv::Mat tray(height, width, CV_8UC3, cv::Scalar(46, 44, 42));
  cv::Mat noise(height, width, CV_8UC3);
  cv::randn(noise, cv::Scalar::all(0), cv::Scalar::all(3));
  tray += noise;
  return tray;
}

core::Expected<cv::Mat> FakeCamera::Frame() {
  ++taken_;
  if (frames_.empty()) return EmptyTray();
  cv::Mat frame = std::move(frames_.front());
  frames_.pop_front();
  if (frame.empty()) return core::Error::Retryable("camera.no_frame", "no frame (fake)");
  return frame;
}

}  // namespace kiosk::camera
