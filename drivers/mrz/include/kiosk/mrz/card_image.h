#pragma once

// What a camera above the card reader sees, turned into the text the chip's
// access key comes from: the QR code (front of a 2021 card, back of a 2024
// card) when one is readable and parses as a CCCD's, else the MRZ on the
// back. One place for the kiosk app and kiosk-cardimage.

#include <opencv2/core.hpp>

#include "kiosk/core/error.h"
#include "kiosk/core/secret.h"
#include "kiosk/idcard/access_key.h"
#include "kiosk/mrz/mrz_reader.h"

namespace kiosk::mrz {

struct CardImageKey : core::NotLoggable {
  enum class Source { kQr, kMrz };
  Source source = Source::kQr;
  core::PersonalText text;  // the QR payload, or the 90 MRZ characters
};

// When neither gives a key: "card.not_in_view" (nothing printed is in the
// frame: an empty tray), "mrz.not_found" (print, but no MRZ: a front whose
// QR could not be read), "mrz.unreadable" (an MRZ that does not check out).
core::Expected<CardImageKey> ReadCardImage(const cv::Mat& image, Recognizer& recognizer,
                                           const idcard::Date& today);

}  // namespace kiosk::mrz
