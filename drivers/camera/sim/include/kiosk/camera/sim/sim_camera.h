#pragma once

// The card camera's simulator (development and test builds only, library
// kiosk_camera_sim): the test persona's card, the same one the virtual chip
// carries, photographed as the camera above the card tray would (every
// frame a new shot: turned, tilted, glare, a hand, blur, noise, JPEG;
// drivers/scanner/sim/card_photo.h). Which side lies on the tray is read
// from a file before every frame, so a script or a person at the demo turns
// the card over by writing "front", "back" or "none" into it.

#include <cstdint>
#include <filesystem>
#include <string>

#include "kiosk/camera/camera.h"
#include "kiosk/idcard/sim/persona.h"
#include "kiosk/scanner/sim/synthetic.h"

namespace kiosk::camera::sim {

// The persona's card as the card photo simulator draws it: the ID, name,
// dates, address, the MRZ (TD1) and the QR payload a 2021 CCCD carries.
core::Expected<scanner::sim::SyntheticIdentity> PersonaIdentity(
    const idcard::sim::Persona& persona);

class SimCamera final : public CardCamera {
 public:
  // `tray`: the file naming the side on the tray ("front" when it is absent).
  static core::Expected<std::unique_ptr<SimCamera>> Create(const idcard::sim::Persona& persona,
                                                           std::filesystem::path tray,
                                                           std::uint64_t seed);
  core::Expected<cv::Mat> Frame() override;

 private:
  SimCamera() = default;
  cv::Mat front_, back_;
  std::filesystem::path tray_;
  std::uint64_t seed_ = 0;
};

}  // namespace kiosk::camera::sim
