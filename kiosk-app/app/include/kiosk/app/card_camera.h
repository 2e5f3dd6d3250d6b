#pragma once

// The journey's look at the card tray (journey::CardLook) over the camera
// above it (drivers/camera) and the card image reader (drivers/mrz): the
// QR, else the MRZ, of whatever card lies there. The recognizer is trained
// at the first look (about half a second, on the device worker, not the
// screen's thread) and reads on one thread, since the screen shares the CPU.

#include <memory>

#include "kiosk/camera/camera.h"
#include "kiosk/journey/journey.h"
#include "kiosk/mrz/mrz_reader.h"

namespace kiosk::app {

class CameraCardLook final : public journey::CardLook {
 public:
  explicit CameraCardLook(camera::CardCamera& camera) : camera_(camera) {}
  // Errors: the camera's ("camera.no_frame", ...) and ReadCardImage's
  // ("card.not_in_view", "mrz.not_found", "mrz.unreadable").
  core::Expected<Seen> Look(const idcard::Date& today) override;

 private:
  camera::CardCamera& camera_;
  std::unique_ptr<mrz::Recognizer> recognizer_;
};

}  // namespace kiosk::app
