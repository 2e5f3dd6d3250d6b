#pragma once

// Synthetic test images with ground truth, for the scanner simulator, the
// digitization tests and benchmarks: Vietnamese administrative documents set
// in real fonts (every vowel with every tone mark, and đ, occurs across a
// few pages), the back of a CCCD with its TD1 MRZ in OCR-B, the front with
// its QR code; then degraded like real scans and camera captures. Every
// name, number and address is generated; no real person's data.

#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "kiosk/core/error.h"

namespace kiosk::scanner::sim {

// Where the fonts are (Debian: fonts-noto-core, fonts-ocr-b).
struct Fonts {
  std::string serif = "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf";
  std::string serif_bold = "/usr/share/fonts/truetype/noto/NotoSerif-Bold.ttf";
  std::string sans = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf";
  std::string ocr_b = "/usr/share/fonts/opentype/ocr-b/OCRB.otf";
};

struct Document {
  cv::Mat image;      // 8-bit grey, A4 at `dpi`
  std::string truth;  // the text, one line per printed line, reading order
  int dpi = 300;
};

// A one-page document (a declaration form, an application, a certificate),
// different for every seed.
core::Expected<Document> GenerateDocument(std::uint64_t seed, int dpi, const Fonts& fonts = {});
// A page with nothing printed on it (paper texture and scanner noise only).
Document GenerateBlankPage(std::uint64_t seed, int dpi);

// A page as a colour scan shows it: paper a little warm, and the issuing
// body's red round seal over the signature at the bottom right, partly over
// the text (what makes a certificate's copy a copy).
cv::Mat ColourScan(const cv::Mat& gray_page, int dpi, std::uint64_t seed);

// Ways a capture goes wrong; all zero = a perfect flatbed scan.
struct Degradation {
  double rotate_degrees = 0;   // skew on the glass
  double perspective = 0;      // 0..0.1: corner displacement as a share of the size
  bool on_background = false;  // a camera capture: the page lies on a dark desk
  double noise_sigma = 0;      // Gaussian sensor noise, grey levels
  double blur_sigma = 0;       // optical blur, pixels
  int jpeg_quality = 0;        // 0 = no JPEG round trip
  double shadow = 0;           // 0..0.6: darkening towards one edge
  double contrast = 1;         // <1: washed out (faded toner, bad exposure)
  bool upside_down = false;    // fed the wrong way round (180 degrees)
};

// A random degradation of the given severity (0 = mild .. 2 = hard).
Degradation RandomDegradation(std::uint64_t seed, int severity);
cv::Mat Degrade(const cv::Mat& gray, const Degradation& d, std::uint64_t seed);

// A synthetic identity as printed on a card.
struct SyntheticIdentity {
  std::string id_number;   // 12 digits
  std::string full_name;   // "Nguyễn Văn An"
  std::string birth_date;  // DDMMYYYY
  std::string sex;         // "Nam" / "Nữ"
  std::string address;     // NFC
  std::string issue_date;  // DDMMYYYY
  std::string expiry_yymmdd;
  std::string mrz;         // 90 characters, three lines of 30 without separators
  std::string qr_payload;  // the 2021 front QR: 7 fields separated by '|'
};
SyntheticIdentity GenerateIdentity(std::uint64_t seed);

// The back of the card (300 dpi, 1011 x 638): labels, a fingerprint box,
// and the MRZ in OCR-B at the ICAO pitch (2.54 mm, 6 lines per inch).
core::Expected<cv::Mat> RenderCardBack(const SyntheticIdentity& who, const Fonts& fonts = {});
// The front (2021 layout) with the QR code in the top right corner.
core::Expected<cv::Mat> RenderCardFront(const SyntheticIdentity& who, const Fonts& fonts = {});
// A card image as a camera above the glass sees it: the card on a darker
// background, larger canvas, then degraded.
cv::Mat CaptureCard(const cv::Mat& card, const Degradation& d, std::uint64_t seed);

// Writes an 8-bit grey image as binary PGM (what SANE's pnm backend reads).
core::Expected<void> WritePgm(const std::string& path, const cv::Mat& gray);
// Binary PPM (P6, RGB) of a BGR image, as SANE's pnm backend reads it.
core::Expected<void> WritePpm(const std::string& path, const cv::Mat& bgr);

}  // namespace kiosk::scanner::sim
