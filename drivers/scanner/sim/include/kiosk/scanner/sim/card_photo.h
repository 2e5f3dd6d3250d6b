#pragma once

// Photographs of ID cards as the camera above the kiosk's card tray takes
// them, with ground truth: the 2021 CCCD's back and front and the 2024 Căn
// cước's back, in colour, with everything printed on them (fingerprint boxes
// and their labels, identification marks, the issuing officer's title in
// capitals, a signature and the red seal, residence and birthplace lines,
// the chip, the QR), then seen through a camera: the card tilted up to ~20°
// and turned on the tray, a hand's thumb and its shadow, glare and specular
// highlights on the laminate, motion blur, defocus, low-light noise, JPEG.
// Every name, number and address is generated; no real person's data.
//
// Two seed sets: tuning seeds below kHeldOutSeeds, and the held-out set from
// kHeldOutSeeds on, which the recognizers are never tuned on; benchmarks
// report both.

#include <cstdint>
#include <string>

#include <opencv2/core.hpp>

#include "kiosk/core/error.h"
#include "kiosk/scanner/sim/synthetic.h"

namespace kiosk::scanner::sim {

constexpr std::uint64_t kHeldOutSeeds = 7'000'000'000ULL;

enum class CardFace {
  kBack2021,   // CCCD 2021: chip, identification marks, officer, fingerprints, MRZ
  kBack2024,   // Căn cước 2024: QR, residence, birthplace, dates, chip, MRZ
  kFront2021,  // CCCD 2021: emblem, photo, bilingual fields, QR top right
};
const char* CardFaceName(CardFace face);

// The printed card, BGR, 300 dpi (1011 x 638).
core::Expected<cv::Mat> RenderCardFace(const SyntheticIdentity& who, CardFace face,
                                       std::uint64_t seed, const Fonts& fonts = {});

// How the camera saw it.
struct CameraShot {
  double roll_degrees = 0;    // turned on the tray (in the card's plane)
  bool upside_down = false;   // placed the other way round
  double tilt_x_degrees = 0;  // card plane against the sensor: up to ~20° in all
  double tilt_y_degrees = 0;
  double card_share = 0.6;    // card width / frame width
  cv::Point2d offset;         // card centre from the frame centre, share of the frame
  double exposure = 1;        // < 1: a dim hall
  double vignette = 0;        // darkening towards the corners, 0..0.5
  int glare_spots = 0;        // specular highlights on the laminate
  double glare = 0;           // their strength, 0..1
  bool glare_streak = false;  // a lamp's long reflection across the card
  bool thumb = false;         // a thumb holding one short edge
  double hand_shadow = 0;     // 0..0.7: darkening under a hand's shadow
  double motion_pixels = 0;   // linear motion blur, length
  double motion_degrees = 0;
  double defocus = 0;       // Gaussian sigma, pixels
  double noise = 0;         // sensor noise, grey levels
  int jpeg_quality = 0;     // 0: no JPEG
  bool light_tray = false;  // a pale tray: low contrast between card and tray
};
CameraShot RandomCameraShot(std::uint64_t seed);

// The frame (1280 x 960, BGR) with the card in it as `shot` says.
cv::Mat Photograph(const cv::Mat& card, const CameraShot& shot, std::uint64_t seed);

struct CardPhoto {
  SyntheticIdentity who;  // who.mrz and who.qr_payload are the truth
  CardFace face = CardFace::kBack2021;
  CameraShot shot;
  cv::Mat image;
};
// A different person, card and shot for every seed. Names vary in length and
// number of words (long ones are cut at 30 characters in the MRZ), and some
// cards never expire.
core::Expected<CardPhoto> GenerateCardPhoto(std::uint64_t seed, CardFace face,
                                            const Fonts& fonts = {});

}  // namespace kiosk::scanner::sim
