#pragma once

// The card camera's fake, for tests and development builds only (library
// kiosk_camera_fake): the frames it is given, in order, then an empty tray.

#include <deque>

#include "kiosk/camera/camera.h"

namespace kiosk::camera {

// An empty tray as the camera sees it: dark, even, a little noise.
cv::Mat EmptyTray(int width = 1280, int height = 960);

class FakeCamera final : public CardCamera {
 public:
  void Show(cv::Mat frame) { frames_.push_back(std::move(frame)); }
  // The next Frame() answers "camera.no_frame".
  void DropNext() { frames_.push_back(cv::Mat()); }
  int FramesTaken() const { return taken_; }
  core::Expected<cv::Mat> Frame() override;

 private:
  std::deque<cv::Mat> frames_;
  int taken_ = 0;
};

}  // namespace kiosk::camera
