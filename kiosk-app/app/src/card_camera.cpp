#include "kiosk/app/card_camera.h"

#include "kiosk/mrz/card_image.h"

namespace kiosk::app {

core::Expected<journey::CardLook::Seen> CameraCardLook::Look(const idcard::Date& today) {
  KIOSK_ASSIGN_OR_RETURN(const cv::Mat frame, camera_.Frame());
  if (!recognizer_) {
    mrz::LimitThreads(1);
    KIOSK_ASSIGN_OR_RETURN(recognizer_, mrz::MakeGlyphRecognizer());
  }
  KIOSK_ASSIGN_OR_RETURN(auto key, mrz::ReadCardImage(frame, *recognizer_, today));
  Seen seen;
  seen.source = key.source == mrz::CardImageKey::Source::kQr ? journey::KeySource::kQr
                                                             : journey::KeySource::kMrz;
  seen.text = std::move(key.text);
  return seen;
}

}  // namespace kiosk::app
