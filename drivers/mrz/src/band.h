#pragma once

// The MRZ band found by its structure (band.cpp), inside drivers/mrz.

#include <array>
#include <vector>

#include <opencv2/core.hpp>

namespace kiosk::mrz {

// The flat band every candidate is mapped to: character centres kBandPitch
// apart from kBandMargin, line centres kBandLine apart from kBandTop.
constexpr int kBandPitch = 24;
constexpr int kBandLine = 40;  // 4.23 / 2.54 pitches
constexpr int kBandMargin = 26;
constexpr int kBandTop = 24;

// Where a band's characters really are, line by line: the homography puts
// them within a few pixels of the grid; the marks in each line's strip give
// the rest (a line's own start, pitch and height).
struct LineGrid {
  double first = kBandMargin;  // x of the first character's centre
  double pitch = kBandPitch;
  double centre = 0;  // y of the line's centre
  double X(int index) const { return first + pitch * index; }
};
std::array<LineGrid, 3> FitGrid(const cv::Mat& band);

// Whether the band looks upside down: upright, line 2 ends in eleven thin
// fillers after "VNM" where it begins with dense digits, so its right end
// holds less ink than its left.
bool LooksUpsideDown(const cv::Mat& band);

// Candidate bands, likeliest first (at most `max_bands`), grey, level; the
// card may still be upside down in them.
// `marks`, when given, receives how many marks the size of characters the
// image holds (few: no card with print on it is in view).
std::vector<cv::Mat> FindMrzBands(const cv::Mat& gray, int max_bands, std::size_t* marks = nullptr);

// Fewer marks than this: nothing printed is in view (no MRZ is looked for).
constexpr std::size_t kFewestMarks = 60;

}  // namespace kiosk::mrz
