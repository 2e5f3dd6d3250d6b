#include "kiosk/mrz/card_image.h"

#include <optional>
#include <string>
#include <vector>

#include "kiosk/qr/qr.h"

namespace kiosk::mrz {

namespace {

// The first payload that parses as a CCCD's QR.
std::optional<core::PersonalText> CccdQr(std::vector<std::string> payloads,
                                         const idcard::Date& today) {
  std::optional<core::PersonalText> found;
  for (auto& payload : payloads) {
    if (!found && idcard::AccessKey::FromQr(payload, today).HasValue()) {
      found = core::PersonalText(std::move(payload));
    } else {
      core::WipeString(payload);
    }
  }
  return found;
}

}  // namespace

core::Expected<CardImageKey> ReadCardImage(const cv::Mat& image, Recognizer& recognizer,
                                           const idcard::Date& today) {
  // Cheapest first: a QR read at a glance, then the MRZ, then the QR again
  // with more effort (small, blurred or faint codes).
  CardImageKey key;
  if (auto qr = CccdQr(qr::DecodeQr(image, qr::Effort::kQuick), today)) {
    key.text = std::move(*qr);
    return key;
  }
  auto mrz = ReadMrz(image, recognizer);
  if (mrz) {
    key.source = CardImageKey::Source::kMrz;
    key.text = core::PersonalText(std::move(*mrz));
    return key;
  }
  if (auto qr = CccdQr(qr::DecodeQr(image, qr::Effort::kThorough), today)) {
    key.text = std::move(*qr);
    return key;
  }
  return mrz.GetError();
}

}  // namespace kiosk::mrz
