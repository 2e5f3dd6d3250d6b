#pragma once

// The camera above the card tray, in domain words: one frame of whatever
// lies on the tray. kiosk-app reads the card's key from it (its QR or its
// MRZ, drivers/mrz) so the citizen types nothing. VideoCamera is the real
// driver (V4L2 through OpenCV's videoio); FakeCamera (fake/) serves unit
// tests; SimCamera (sim/) photographs a simulated card as the camera would.

#include <memory>
#include <string>

#include <opencv2/core.hpp>

#include "kiosk/core/error.h"

namespace kiosk::camera {

class CardCamera {
 public:
  virtual ~CardCamera() = default;
  // A colour frame (BGR). Errors: "camera.absent" (NeedsPerson),
  // "camera.no_frame" (Retryable: the device gave none this time).
  virtual core::Expected<cv::Mat> Frame() = 0;
};

// The camera of a kiosk whose config names none: the key comes from the
// QR reader or the ID number instead. Never a fake standing in for a device.
class AbsentCamera final : public CardCamera {
 public:
  core::Expected<cv::Mat> Frame() override {
    return core::Error::NeedsPerson("camera.absent", "this kiosk has no card camera configured");
  }
};

// A V4L2 camera ("/dev/video0") or anything else OpenCV's videoio opens by
// name (an image sequence "frames/%04d.png" replays captured frames).
// Opened once; a frame that does not come is "camera.no_frame", and after
// three of those in a row the device is opened again.
class VideoCamera final : public CardCamera {
 public:
  static core::Expected<std::unique_ptr<VideoCamera>> Open(const std::string& device,
                                                           int width = 1280, int height = 960);
  ~VideoCamera() override;
  VideoCamera(const VideoCamera&) = delete;
  VideoCamera& operator=(const VideoCamera&) = delete;
  core::Expected<cv::Mat> Frame() override;

 private:
  struct Device;
  explicit VideoCamera(std::unique_ptr<Device> device);
  std::unique_ptr<Device> device_;
};

}  // namespace kiosk::camera
