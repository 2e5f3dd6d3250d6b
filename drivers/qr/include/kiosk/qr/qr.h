#pragma once

// QR codes in camera and scanner images (zxing-cpp): the CCCD's QR on the
// front (2021) or back (2024) of the card, whatever its size or rotation.

#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "kiosk/core/error.h"

namespace kiosk::qr {

// The payloads of every QR code found, as the bytes they carry (UTF-8 for
// the CCCD), largest code first. Tries the image as it is, then a
// contrast-stretched copy, then a downscaled one (large, blurred captures).
std::vector<std::string> DecodeQr(const cv::Mat& image);

}  // namespace kiosk::qr
