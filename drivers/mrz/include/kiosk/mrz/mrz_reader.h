#pragma once

// Reading the TD1 MRZ from an image of the card's back, so the citizen never
// types the chip's access key. Find the band by its structure (three lines
// of thirty monospaced characters at the ICAO pitch) and map it onto a flat
// grid, let a recognizer propose characters with alternatives at each place
// of the grid, then choose the text the ICAO check digits accept as read
// (and the CCCD's own rule: the document number is the last nine digits of
// the ID). Two recognizers, compared by the benchmark: Tesseract with a
// character whitelist, and a classifier of OCR-B glyphs (k-nearest
// neighbours, OpenCV ml) trained at start from the fonts-ocr-b glyphs worn
// as cameras wear them.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <opencv2/core.hpp>

#include "kiosk/core/error.h"

namespace kiosk::mrz {

// The likeliest MRZ band, grey, level, perspective undone: the characters'
// centres on a fixed grid (drivers/mrz/src/band.h); the card may still be
// upside down in it. nullopt when no three such lines are found.
std::optional<cv::Mat> LocateMrz(const cv::Mat& image);

// What a recognizer saw at each of the 90 positions: characters, best first.
struct Choice {
  char c = '<';
  float score = 0;  // higher is better; comparable within a recognizer
};
using Reading = std::vector<std::vector<Choice>>;

class Recognizer {
 public:
  virtual ~Recognizer() = default;
  virtual const char* Name() const = 0;
  // `band` from LocateMrz (the grid). Fails on anything else.
  virtual core::Expected<Reading> Read(const cv::Mat& band) = 0;
};

core::Expected<std::unique_ptr<Recognizer>> MakeTesseractRecognizer(
    const std::string& tessdata = "");
core::Expected<std::unique_ptr<Recognizer>> MakeGlyphRecognizer(
    const std::string& ocr_b_font = "/usr/share/fonts/opentype/ocr-b/OCRB.otf");

// The 90 characters of a CCCD's TD1 whose check digits all hold, chosen from
// the reading: each position keeps only characters its field allows
// (confusable ones mapped: O->0 in digits, 0->O in names ...), then the
// least costly substitutions are tried. "mrz.unreadable" otherwise.
core::Expected<std::string> ChooseTd1(const Reading& reading);
// The same from plain text (three lines, or 90 characters; stray spaces and
// punctuation dropped): for OCR output without alternatives.
core::Expected<std::string> CorrectTd1Text(std::string_view text);

// At most `threads` threads for OpenCV and Tesseract in this process
// (OpenCV's pool is process-wide): the kiosk's UI thread shares the CPU.
void LimitThreads(int threads);

// Locate, read and choose, in one step. Errors: "card.not_in_view",
// "mrz.not_found", "mrz.unreadable" (card_image.h).
core::Expected<std::string> ReadMrz(const cv::Mat& image, Recognizer& recognizer);

}  // namespace kiosk::mrz
