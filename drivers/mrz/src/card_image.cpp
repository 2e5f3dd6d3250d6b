#include "kiosk/mrz/card_image.h"

#include "kiosk/qr/qr.h"

namespace kiosk::mrz {

core::Expected<CardImageKey> ReadCardImage(const cv::Mat& image, Recognizer& recognizer,
                                           const idcard::Date& today) {
  for (auto& payload : qr::DecodeQr(image)) {
    const bool is_cccd = idcard::AccessKey::FromQr(payload, today).HasValue();
    if (is_cccd) {
      CardImageKey key;
      key.source = CardImageKey::Source::kQr;
      key.text = core::PersonalText(std::move(payload));
      return key;
    }
    core::WipeString(payload);
  }
  KIOSK_ASSIGN_OR_RETURN(auto mrz, ReadMrz(image, recognizer));
  CardImageKey key;
  key.source = CardImageKey::Source::kMrz;
  key.text = core::PersonalText(std::move(mrz));
  return key;
}

}  // namespace kiosk::mrz
