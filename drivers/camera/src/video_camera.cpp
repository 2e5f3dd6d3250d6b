#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "kiosk/camera/camera.h"
#include "kiosk/core/log.h"

namespace kiosk::camera {

namespace {

// A device path or name is opened through V4L2; anything with a '%' is an
// image sequence, which only OpenCV's own reader opens.
bool OpenCapture(cv::VideoCapture& capture, const std::string& device, int width, int height) {
  const int api = device.find('%') != std::string::npos ? cv::CAP_IMAGES : cv::CAP_V4L2;
  if (!capture.open(device, api)) return false;
  if (api == cv::CAP_V4L2) {
    capture.set(cv::CAP_PROP_FRAME_WIDTH, width);
    capture.set(cv::CAP_PROP_FRAME_HEIGHT, height);
    capture.set(cv::CAP_PROP_BUFFERSIZE, 1);  // the newest frame, not a queued one
  }
  return capture.isOpened();
}

}  // namespace

struct VideoCamera::Device {
  std::string name;
  int width = 0;
  int height = 0;
  cv::VideoCapture capture;
  int missed = 0;
};

VideoCamera::VideoCamera(std::unique_ptr<Device> device) : device_(std::move(device)) {}
VideoCamera::~VideoCamera() = default;

core::Expected<std::unique_ptr<VideoCamera>> VideoCamera::Open(const std::string& device, int width,
                                                               int height) {
  auto d = std::make_unique<Device>();
  d->name = device;
  d->width = width;
  d->height = height;
  if (device.empty() || !OpenCapture(d->capture, device, width, height)) {
    return core::Error::NeedsPerson("camera.absent", "cannot open the card camera " + device);
  }
  return std::unique_ptr<VideoCamera>(new VideoCamera(std::move(d)));
}

core::Expected<cv::Mat> VideoCamera::Frame() {
  Device& d = *device_;
  cv::Mat frame;
  if (!d.capture.isOpened() || !d.capture.read(frame) || frame.empty()) {
    if (++d.missed >= 3) {
      // Unplugged and back, or a driver that stalled: open it again.
      d.capture.release();
      const bool reopened = OpenCapture(d.capture, d.name, d.width, d.height);
      core::log::Warn("camera.reopened", {{"device", d.name}, {"ok", reopened ? "yes" : "no"}});
      d.missed = 0;
    }
    return core::Error::Retryable("camera.no_frame", "the card camera gave no frame");
  }
  d.missed = 0;
  if (frame.channels() == 1) cv::cvtColor(frame, frame, cv::COLOR_GRAY2BGR);
  return frame;
}

}  // namespace kiosk::camera
