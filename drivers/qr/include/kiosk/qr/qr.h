#pragma once

// QR codes in camera and scanner images (zxing-cpp): the CCCD's QR on the
// front (2021) or back (2024) of the card, whatever its size or rotation.

#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "kiosk/core/error.h"

namespace kiosk::qr {

// How hard to look: kQuick reads the image as it is; kThorough then tries a
// contrast-stretched copy, one twice the size and sharpened (a small code,
// two or three pixels a module), and a downscaled one (large, blurred
// captures).
enum class Effort { kQuick, kThorough };

// The payloads of every QR code found, as the bytes they carry (UTF-8 for
// the CCCD), largest code first.
std::vector<std::string> DecodeQr(const cv::Mat& image, Effort effort = Effort::kThorough);

}  // namespace kiosk::qr
