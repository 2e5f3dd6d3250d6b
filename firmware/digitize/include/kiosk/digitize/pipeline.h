#pragma once

// The page pipeline: from what the scanner or camera gave to an image fit for
// OCR and for the dossier. Steps, in order (the order OCRmyPDF documents:
// rotate, clean background, deskew, clean):
//   FindPage        camera captures: the page's four corners, perspective
//   Orientation     0/90/180/270 from Tesseract's OSD (see ocr.h)
//   FlattenBackground  shadow and washed-out contrast removed
//   EstimateSkew    ±15°, from the projection profile of the ink
//   IsBlank         nothing printed: the page is dropped
//   ChooseMode      colour, grey or bitonal, per page
//   Binarize        bitonal pages, specks removed
// Images are 8-bit cv::Mat, grey (CV_8UC1) or BGR (CV_8UC3).

#include <array>
#include <optional>

#include <opencv2/core.hpp>

namespace kiosk::digitize {

// The page's corners (top-left, top-right, bottom-right, bottom-left) when
// the image shows a page on a darker background; nullopt when the page fills
// the image (a flatbed scan) or no page-like shape is found.
std::optional<std::array<cv::Point2f, 4>> FindPage(const cv::Mat& image);
// The page cut out and made rectangular, keeping the width/height ratio of
// its corners.
cv::Mat CorrectPerspective(const cv::Mat& image, const std::array<cv::Point2f, 4>& corners);

// Grey copy of any 8-bit image.
cv::Mat ToGray(const cv::Mat& image);

// Divides out the paper's background (estimated by a large closing), so
// shadows, uneven light and low contrast become white paper with dark ink.
cv::Mat FlattenBackground(const cv::Mat& gray);

// The rotation that levels the text lines, in degrees within ±max_degrees
// (counter-clockwise positive, as Rotate and cv::getRotationMatrix2D take
// it); 0 when the page has too little ink to tell.
double EstimateSkew(const cv::Mat& gray, double max_degrees = 15.0);
// Rotates by `degrees` about the centre, growing the canvas so no corner is
// cut, filling with white.
cv::Mat Rotate(const cv::Mat& image, double degrees);
// Quarter turns clockwise (0..3).
cv::Mat RotateQuarters(const cv::Mat& image, int quarters);

// True when nothing is printed on the page (specks and scanner noise only).
bool IsBlank(const cv::Mat& gray);

enum class Mode { kColor, kGray, kBitonal };
const char* ModeName(Mode mode);
// Colour when the page has coloured marks (stamps, photos); bitonal when the
// flattened page is ink on paper with few mid-tones; grey otherwise.
Mode ChooseMode(const cv::Mat& image, const cv::Mat& flattened_gray);

// 0 = ink, 255 = paper; specks smaller than `min_speck` pixels removed.
cv::Mat Binarize(const cv::Mat& flattened_gray, int min_speck = 4);

}  // namespace kiosk::digitize
