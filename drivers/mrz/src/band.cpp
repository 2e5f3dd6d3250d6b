// Finding the MRZ by what it is (mrz_reader.h): three lines of thirty
// monospaced OCR-B characters at the ICAO pitch, 4.23 mm apart for 2.54 mm a
// character. Marks the size of characters are found on the whole image, the
// text direction taken from their neighbours, evenly spaced runs of marks
// chained along it, and three parallel runs at the right spacing taken as
// the band; every character's place is then known, so the band is mapped to
// a flat, level grid by the homography through all of them, which undoes the
// card's tilt as well as its turn. Printed text in proportional type,
// fingerprints and the card's security print do not make such runs.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <opencv2/imgcodecs.hpp>
#include <optional>
#include <string>

#include <opencv2/imgproc.hpp>

#include "band.h"

namespace kiosk::mrz {
namespace {

constexpr double kLineSpacing = 4.23 / 2.54;  // in character pitches

struct Mark {
  cv::Point2d centre;
  double height = 0;
  cv::Point2d turned;  // centre in the text's own frame
  int chain = -1;
};

struct Chain {
  std::vector<int> marks;   // in order along the line
  std::vector<int> places;  // each mark's place from the first (gaps counted)
  double step = 0;          // mean pitch, pixels
  double y = 0;             // mean height in the text's frame
  double x0 = 0, x1 = 0;    // extent in the text's frame
};

std::vector<Mark> FindMarks(const cv::Mat& gray) {
  cv::Mat ink;
  const int block = std::max(15, (gray.cols / 40) | 1);
  cv::adaptiveThreshold(gray, ink, 255, cv::ADAPTIVE_THRESH_MEAN_C, cv::THRESH_BINARY_INV, block,
                        9);
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(ink, labels, stats, centroids, 8, CV_32S);
  std::vector<Mark> marks;
  const int max_height = gray.rows / 12;
  for (int i = 1; i < n; ++i) {
    const int w = stats.at<int>(i, cv::CC_STAT_WIDTH);
    const int h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
    const int area = stats.at<int>(i, cv::CC_STAT_AREA);
    const int size = std::max(w, h);
    if (size < 7 || size > max_height || area < 10) continue;
    if (area > 0.9 * w * h) continue;  // filled blocks
    Mark m;
    m.centre = {stats.at<int>(i, cv::CC_STAT_LEFT) + w / 2.0,
                stats.at<int>(i, cv::CC_STAT_TOP) + h / 2.0};
    m.height = size;
    marks.push_back(m);
  }
  return marks;
}

// The text's direction (radians, modulo pi): the commonest direction from a
// mark to its nearest neighbour of like size.
double TextDirection(const std::vector<Mark>& marks) {
  std::vector<double> votes(180, 0);
  for (std::size_t i = 0; i < marks.size(); ++i) {
    double best = 1e18;
    cv::Point2d towards;
    for (std::size_t j = 0; j < marks.size(); ++j) {
      if (i == j) continue;
      const double ratio = marks[j].height / marks[i].height;
      if (ratio < 0.6 || ratio > 1.6) continue;
      const cv::Point2d d = marks[j].centre - marks[i].centre;
      const double dist = d.dot(d);
      if (dist < best) {
        best = dist;
        towards = d;
      }
    }
    if (best > 4 * marks[i].height * marks[i].height) continue;
    double a = std::atan2(towards.y, towards.x) * 180 / CV_PI;
    if (a < 0) a += 180;
    votes[static_cast<std::size_t>(a) % 180] += 1;
  }
  // Smoothed over a few degrees.
  int best = 0;
  double most = -1;
  for (int a = 0; a < 180; ++a) {
    double sum = 0;
    for (int k = -3; k <= 3; ++k) sum += votes[static_cast<std::size_t>((a + k + 180) % 180)];
    if (sum > most) {
      most = sum;
      best = a;
    }
  }
  return best * CV_PI / 180;
}

// A line holds thirty characters: a chain longer than that took in a mark
// beyond one of its ends (the card's edge, a speck, the next word), so the
// end whose mark looks least like the line's characters goes, until thirty
// remain.
void Trim(Chain& chain, const std::vector<Mark>& marks) {
  while (chain.places.back() - chain.places.front() > 29 && chain.marks.size() > 2) {
    std::vector<double> heights;
    for (int i : chain.marks) heights.push_back(marks[static_cast<std::size_t>(i)].height);
    std::nth_element(heights.begin(), heights.begin() + static_cast<long>(heights.size() / 2),
                     heights.end());
    const double median = heights[heights.size() / 2];
    auto oddness = [&](std::size_t end, std::size_t inner) {
      const Mark& m = marks[static_cast<std::size_t>(chain.marks[end])];
      const Mark& n = marks[static_cast<std::size_t>(chain.marks[inner])];
      const int places = std::abs(chain.places[end] - chain.places[inner]);
      return std::abs(m.height - median) / median + std::abs(m.turned.y - n.turned.y) / median +
             (places > 1 ? 1.0 : 0.0);
    };
    const std::size_t last = chain.marks.size() - 1;
    if (oddness(0, 1) > oddness(last, last - 1)) {
      chain.marks.erase(chain.marks.begin());
      chain.places.erase(chain.places.begin());
    } else {
      chain.marks.pop_back();
      chain.places.pop_back();
    }
  }
  const int first = chain.places.front();
  for (int& p : chain.places) p -= first;
}

// Evenly spaced marks along the text direction, each chain at least
// `min_marks` long.
std::vector<Chain> FindChains(std::vector<Mark>& marks, int min_marks) {
  std::vector<int> order(marks.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    return marks[static_cast<std::size_t>(a)].turned.x <
           marks[static_cast<std::size_t>(b)].turned.x;
  });
  std::vector<Chain> chains;
  auto find_near = [&](cv::Point2d at, double step, double height, int from) {
    int found = -1;
    double best = 1e18;
    for (int k = from; k < static_cast<int>(order.size()); ++k) {
      const Mark& m = marks[static_cast<std::size_t>(order[static_cast<std::size_t>(k)])];
      if (m.turned.x > at.x + 0.45 * step) break;
      if (m.chain >= 0 || m.turned.x < at.x - 0.45 * step) continue;
      const double dy = std::abs(m.turned.y - at.y);
      if (dy > 0.45 * height) continue;
      const double ratio = m.height / height;
      if (ratio < 0.45 || ratio > 1.8) continue;
      const double cost = std::abs(m.turned.x - at.x) + dy;
      if (cost < best) {
        best = cost;
        found = order[static_cast<std::size_t>(k)];
      }
    }
    return found;
  };
  for (std::size_t s = 0; s < order.size(); ++s) {
    const int start = order[s];
    if (marks[static_cast<std::size_t>(start)].chain >= 0) continue;
    const Mark& first = marks[static_cast<std::size_t>(start)];
    // The first step: the nearest like mark ahead, about a pitch away.
    int next = -1;
    double best = 1e18;
    for (std::size_t k = s + 1; k < order.size(); ++k) {
      const Mark& m = marks[static_cast<std::size_t>(order[k])];
      const double dx = m.turned.x - first.turned.x;
      if (dx > 2.0 * first.height) break;
      if (m.chain >= 0 || dx < 0.5 * first.height) continue;
      if (std::abs(m.turned.y - first.turned.y) > 0.35 * first.height) continue;
      if (dx < best) {
        best = dx;
        next = order[k];
      }
    }
    if (next < 0) continue;
    Chain chain;
    chain.marks = {start};
    chain.places = {0};
    cv::Point2d at = first.turned;
    cv::Point2d step = marks[static_cast<std::size_t>(next)].turned - at;
    double height = first.height;
    int place = 0;
    std::vector<int> taken = {start};
    marks[static_cast<std::size_t>(start)].chain = static_cast<int>(chains.size());
    while (true) {
      int found = -1;
      int skip = 1;
      for (; skip <= 2 && found < 0; ++skip) {
        found = find_near(at + step * skip, step.x, height, static_cast<int>(s));
      }
      --skip;
      if (found < 0) break;
      Mark& m = marks[static_cast<std::size_t>(found)];
      const cv::Point2d moved = (m.turned - at) / skip;
      step = 0.7 * step + 0.3 * moved;
      at = m.turned;
      place += skip;
      if (m.height > 0.75 * height) height = 0.8 * height + 0.2 * m.height;
      m.chain = static_cast<int>(chains.size());
      chain.marks.push_back(found);
      chain.places.push_back(place);
      if (place > 40) break;
    }
    if (static_cast<int>(chain.marks.size()) < min_marks || place > 34) {
      for (int i : chain.marks) marks[static_cast<std::size_t>(i)].chain = -1;
      // The start may still belong to a chain found later from another mark.
      marks[static_cast<std::size_t>(start)].chain = -2;
      continue;
    }
    Trim(chain, marks);
    const Mark& a = marks[static_cast<std::size_t>(chain.marks.front())];
    const Mark& b = marks[static_cast<std::size_t>(chain.marks.back())];
    chain.step = (b.turned.x - a.turned.x) / std::max(1, chain.places.back());
    chain.x0 = a.turned.x;
    chain.x1 = b.turned.x;
    double y = 0;
    for (int i : chain.marks) y += marks[static_cast<std::size_t>(i)].turned.y;
    chain.y = y / static_cast<double>(chain.marks.size());
    chains.push_back(std::move(chain));
  }
  return chains;
}

// The homography taking `from` onto `to` in the least-squares sense (the
// direct linear transform, coordinates centred and scaled), fitted twice:
// the second time without the points the first left more than `tolerance`
// off. Empty when the points do not determine one. `fitting`: the share
// of the points within `tolerance` of where it puts them.
cv::Mat FitHomography(const std::vector<cv::Point2d>& from, const std::vector<cv::Point2d>& to,
                      double tolerance, double& fitting) {
  auto normaliser = [](const std::vector<cv::Point2d>& points) {
    cv::Point2d mean;
    for (const auto& p : points) mean += p;
    mean *= 1.0 / static_cast<double>(points.size());
    double spread = 0;
    for (const auto& p : points) spread += cv::norm(p - mean);
    const double k = std::sqrt(2.0) * static_cast<double>(points.size()) / std::max(spread, 1e-9);
    return cv::Matx33d(k, 0, -k * mean.x, 0, k, -k * mean.y, 0, 0, 1);
  };
  const cv::Matx33d tf = normaliser(from), tt = normaliser(to);
  std::vector<bool> use(from.size(), true);
  cv::Matx33d h;
  for (int round = 0; round < 2; ++round) {
    cv::Mat a(0, 8, CV_64F), b(0, 1, CV_64F);
    for (std::size_t i = 0; i < from.size(); ++i) {
      if (!use[i]) continue;
      const cv::Vec3d p = tf * cv::Vec3d(from[i].x, from[i].y, 1);
      const cv::Vec3d q = tt * cv::Vec3d(to[i].x, to[i].y, 1);
      const double x = p[0], y = p[1], u = q[0], v = q[1];
      a.push_back(cv::Mat(cv::Matx<double, 1, 8>(x, y, 1, 0, 0, 0, -u * x, -u * y)));
      b.push_back(u);
      a.push_back(cv::Mat(cv::Matx<double, 1, 8>(0, 0, 0, x, y, 1, -v * x, -v * y)));
      b.push_back(v);
    }
    if (a.rows < 16) return {};
    cv::Mat solution;
    if (!cv::solve(a, b, solution, cv::DECOMP_SVD)) return {};
    const auto* s = solution.ptr<double>();
    const cv::Matx33d normalised(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], 1);
    h = tt.inv() * normalised * tf;
    for (std::size_t i = 0; i < from.size(); ++i) {
      const cv::Vec3d m = h * cv::Vec3d(from[i].x, from[i].y, 1);
      use[i] = std::abs(m[2]) > 1e-12 &&
               cv::norm(cv::Point2d(m[0] / m[2], m[1] / m[2]) - to[i]) < tolerance;
    }
  }
  fitting = static_cast<double>(std::count(use.begin(), use.end(), true)) /
            static_cast<double>(from.size());
  return cv::Mat(h);
}

// Where the three lines begin and end (in the text's frame): the lines are
// thirty characters each, so two complete lines that agree at both ends
// (the same slant at the left as at the right) give every line's ends, the
// third one's by the slant; one complete line gives them alone; with none,
// the leftmost start and rightmost end. A chain that took in a mark beyond
// an end, or stopped short, is then cut to the edges.
std::array<std::pair<double, double>, 3> LineEdges(const Chain* const (&l)[3]) {
  std::array<std::pair<double, double>, 3> edges;
  auto complete = [&](int q) { return l[q]->places.back() == 29; };
  const int pairs[3][2] = {{0, 2}, {0, 1}, {1, 2}};
  for (const auto& p : pairs) {
    const Chain& a = *l[p[0]];
    const Chain& b = *l[p[1]];
    if (!complete(p[0]) || !complete(p[1])) continue;
    if (std::abs((b.x0 - a.x0) - (b.x1 - a.x1)) > 0.5 * (a.step + b.step) / 2) continue;
    for (int q = 0; q < 3; ++q) {
      const double t = static_cast<double>(q - p[0]) / (p[1] - p[0]);
      edges[static_cast<std::size_t>(q)] = {a.x0 + t * (b.x0 - a.x0), a.x1 + t * (b.x1 - a.x1)};
    }
    return edges;
  }
  for (int q = 0; q < 3; ++q) {
    if (!complete(q)) continue;
    edges.fill({l[q]->x0, l[q]->x1});
    return edges;
  }
  edges.fill({std::min({l[0]->x0, l[1]->x0, l[2]->x0}), std::max({l[0]->x1, l[1]->x1, l[2]->x1})});
  return edges;
}

// How many places each line's characters sit off the thirty (+1: one place
// left of the grid, its places must grow by one), by where each line's run
// of marks begins and ends on the flattened band and a few places beyond.
// A homography fits the marks as well when every line is off by the same
// places (the band moved) or by places growing evenly down the lines (the
// band sheared: the glyphs lean as in italics), so the marks alone cannot
// tell; the lines' ends can. A line whose run is not thirty long (a faint
// end, a speck beside it) does not tell; two lines that do give the third
// by that even growth. Zero when nothing is amiss or too little tells.
std::array<int, 3> EdgeDrift(const cv::Mat& gray, const cv::Mat& homography) {
  constexpr int kBeyond = 4;  // places looked at beyond each end
  constexpr int kPlaces = 30 + 2 * kBeyond;
  const cv::Matx33d beyond(1, 0, kBeyond * kBandPitch, 0, 1, 0, 0, 0, 1);
  cv::Mat wide;
  cv::warpPerspective(
      gray, wide, cv::Mat(beyond) * homography,
      cv::Size(2 * kBandMargin + (kPlaces - 1) * kBandPitch, 2 * kBandTop + 2 * kBandLine),
      cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  std::array<std::optional<int>, 3> drift;
  for (int l = 0; l < 3; ++l) {
    const int centre = kBandTop + l * kBandLine;
    const cv::Mat strip =
        wide(cv::Range(centre - kBandLine / 2 + 2, centre + kBandLine / 2 - 2), cv::Range::all());
    cv::Mat ink, labels, stats, centroids;
    cv::adaptiveThreshold(strip, ink, 255, cv::ADAPTIVE_THRESH_MEAN_C, cv::THRESH_BINARY_INV, 25,
                          8);
    const int n = cv::connectedComponentsWithStats(ink, labels, stats, centroids, 8, CV_32S);
    std::array<bool, kPlaces> at{};  // at[k]: a mark at place k - kBeyond
    for (int i = 1; i < n; ++i) {
      const int w = stats.at<int>(i, cv::CC_STAT_WIDTH);
      const int h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
      if (h < 8 || h > kBandLine - 8 || w > kBandPitch + 4) continue;
      const double x = stats.at<int>(i, cv::CC_STAT_LEFT) + w / 2.0 - kBandMargin;
      const int index = static_cast<int>(std::lround(x / kBandPitch));
      if (index >= 0 && index < kPlaces && std::abs(x - index * kBandPitch) < 0.3 * kBandPitch) {
        at[static_cast<std::size_t>(index)] = true;
      }
    }
    // The run through the middle of the line, one missing mark bridged.
    int first = kBeyond + 15, last = first;
    while (first > 0 && !at[static_cast<std::size_t>(first)]) --first;
    if (!at[static_cast<std::size_t>(first)]) continue;
    last = first;
    while (first >= 1 && (at[static_cast<std::size_t>(first - 1)] ||
                          (first >= 2 && at[static_cast<std::size_t>(first - 2)]))) {
      first -= at[static_cast<std::size_t>(first - 1)] ? 1 : 2;
    }
    while (last + 1 < kPlaces && (at[static_cast<std::size_t>(last + 1)] ||
                                  (last + 2 < kPlaces && at[static_cast<std::size_t>(last + 2)]))) {
      last += at[static_cast<std::size_t>(last + 1)] ? 1 : 2;
    }
    if (last - first == 29) drift[static_cast<std::size_t>(l)] = kBeyond - first;
  }
  const int known = static_cast<int>(
      std::count_if(drift.begin(), drift.end(), [](const auto& d) { return d.has_value(); }));
  if (known == 2) {
    if (!drift[0]) drift[0] = 2 * *drift[1] - *drift[2];
    if (!drift[1]) {
      if ((*drift[0] + *drift[2]) % 2 != 0) return {0, 0, 0};
      drift[1] = (*drift[0] + *drift[2]) / 2;
    }
    if (!drift[2]) drift[2] = 2 * *drift[1] - *drift[0];
  }
  if (known < 2 || *drift[0] + *drift[2] != 2 * *drift[1]) return {0, 0, 0};
  return {*drift[0], *drift[1], *drift[2]};
}

cv::Mat Flatten(const cv::Mat& gray, const cv::Mat& homography) {
  cv::Mat band;
  cv::warpPerspective(gray, band, homography,
                      cv::Size(2 * kBandMargin + 29 * kBandPitch, 2 * kBandTop + 2 * kBandLine),
                      cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  return band;
}

}  // namespace

bool LooksUpsideDown(const cv::Mat& band) {
  cv::Mat ink;
  cv::adaptiveThreshold(band, ink, 1, cv::ADAPTIVE_THRESH_MEAN_C, cv::THRESH_BINARY_INV, 25, 8);
  const int top = kBandTop + kBandLine - kBandLine / 3;
  const cv::Range rows(top, top + 2 * kBandLine / 3);
  const int width = 10 * kBandPitch;
  const double left = cv::sum(ink(rows, cv::Range(kBandMargin, kBandMargin + width)))[0];
  const int right_end = kBandMargin + 29 * kBandPitch;
  const double right = cv::sum(ink(rows, cv::Range(right_end - width, right_end)))[0];
  return right > left;
}

std::array<LineGrid, 3> FitGrid(const cv::Mat& band) {
  std::array<LineGrid, 3> grid;
  for (int l = 0; l < 3; ++l) {
    LineGrid& g = grid[static_cast<std::size_t>(l)];
    g.centre = kBandTop + l * kBandLine;
    const int top = std::max(0, static_cast<int>(g.centre) - kBandLine / 2 + 2);
    const int bottom = std::min(band.rows, static_cast<int>(g.centre) + kBandLine / 2 - 2);
    const cv::Mat strip = band(cv::Range(top, bottom), cv::Range::all());
    cv::Mat ink, labels, stats, centroids;
    cv::adaptiveThreshold(strip, ink, 255, cv::ADAPTIVE_THRESH_MEAN_C, cv::THRESH_BINARY_INV, 25,
                          8);
    const int n = cv::connectedComponentsWithStats(ink, labels, stats, centroids, 8, CV_32S);
    std::vector<cv::Point2d> centres;
    for (int i = 1; i < n; ++i) {
      const int w = stats.at<int>(i, cv::CC_STAT_WIDTH);
      const int h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
      if (h < 8 || h > kBandLine - 8 || w > kBandPitch + 4) continue;
      centres.emplace_back(stats.at<int>(i, cv::CC_STAT_LEFT) + w / 2.0,
                           top + stats.at<int>(i, cv::CC_STAT_TOP) + h / 2.0);
    }
    // Twice: each mark to its nearest place on the current grid, then the
    // least-squares line through them.
    for (int round = 0; round < 2; ++round) {
      double sn = 0, si = 0, sx = 0, sii = 0, six = 0;
      std::vector<double> ys;
      int lo = 30, hi = -1;
      for (const auto& c : centres) {
        const int index = static_cast<int>(std::lround((c.x - g.first) / g.pitch));
        if (index < 0 || index > 29 || std::abs(c.x - g.X(index)) > 0.35 * g.pitch) continue;
        sn += 1;
        si += index;
        sx += c.x;
        sii += static_cast<double>(index) * index;
        six += index * c.x;
        ys.push_back(c.y);
        lo = std::min(lo, index);
        hi = std::max(hi, index);
      }
      if (sn < 8 || hi - lo < 10) break;
      const double pitch = (sn * six - si * sx) / (sn * sii - si * si);
      if (pitch < 0.9 * kBandPitch || pitch > 1.1 * kBandPitch) break;
      g.pitch = pitch;
      g.first = (sx - pitch * si) / sn;
      std::nth_element(ys.begin(), ys.begin() + static_cast<long>(ys.size() / 2), ys.end());
      g.centre = ys[ys.size() / 2];
    }
  }
  return grid;
}

std::vector<cv::Mat> FindMrzBands(const cv::Mat& gray, int max_bands, std::size_t* marks_seen) {
  std::vector<cv::Mat> bands;
  auto marks = FindMarks(gray);
  if (marks_seen != nullptr) *marks_seen = marks.size();
  if (marks.size() < kFewestMarks) return bands;
  const double angle = TextDirection(marks);
  const double c = std::cos(angle), s = std::sin(angle);
  for (auto& m : marks)
    m.turned = {c * m.centre.x + s * m.centre.y, -s * m.centre.x + c * m.centre.y};
  auto chains = FindChains(marks, 18);
  std::sort(chains.begin(), chains.end(), [](const Chain& a, const Chain& b) { return a.y < b.y; });

  // Three chains stacked at the line spacing, starting together.
  struct Triple {
    int a, b, c;
    double score;
  };
  std::vector<Triple> triples;
  const int n = static_cast<int>(chains.size());
  for (int i = 0; i < n; ++i) {
    for (int j = i + 1; j < n; ++j) {
      for (int k = j + 1; k < n; ++k) {
        const Chain* l[3] = {&chains[static_cast<std::size_t>(i)],
                             &chains[static_cast<std::size_t>(j)],
                             &chains[static_cast<std::size_t>(k)]};
        const double step = (l[0]->step + l[1]->step + l[2]->step) / 3;
        bool fits = true;
        double misfit = 0;
        for (int q = 0; q < 3; ++q) {
          if (l[q]->step < 0.8 * step || l[q]->step > 1.25 * step) fits = false;
          if (std::abs(l[q]->x0 - l[0]->x0) > 2.5 * step) fits = false;
        }
        // The lines' spacing in pitches, loosely: perspective spreads the
        // lines nearer the camera while the pitch is the band's mean.
        for (int q = 0; q < 2; ++q) {
          const double gap = (l[q + 1]->y - l[q]->y) / step;
          if (gap < 0.7 * kLineSpacing || gap > 1.5 * kLineSpacing) fits = false;
          misfit += std::abs(gap - kLineSpacing);
        }
        if (!fits) continue;
        double marks_found = 0;
        for (const Chain* q : l) marks_found += static_cast<double>(q->marks.size());
        triples.push_back({i, j, k, marks_found - 10 * misfit});
      }
    }
  }
  std::sort(triples.begin(), triples.end(),
            [](const Triple& x, const Triple& y) { return x.score > y.score; });

  for (const auto& t : triples) {
    if (static_cast<int>(bands.size()) >= max_bands) break;
    const Chain* l[3] = {&chains[static_cast<std::size_t>(t.a)],
                         &chains[static_cast<std::size_t>(t.b)],
                         &chains[static_cast<std::size_t>(t.c)]};
    const auto edges = LineEdges(l);
    struct Point {
      cv::Point2d centre;
      int place;
      int line;
    };
    std::vector<Point> points;
    for (int q = 0; q < 3; ++q) {
      // The marks between the line's edges, each at its place counted from
      // the left edge.
      const auto [left, right] = edges[static_cast<std::size_t>(q)];
      const double step = l[q]->step;
      int offset = -1, first_place = 0;
      for (std::size_t i = 0; i < l[q]->marks.size(); ++i) {
        const Mark& m = marks[static_cast<std::size_t>(l[q]->marks[i])];
        if (m.turned.x < left - 0.5 * step || m.turned.x > right + 0.5 * step) continue;
        if (offset < 0) {
          offset = static_cast<int>(std::lround((m.turned.x - left) / step));
          first_place = l[q]->places[i];
        }
        points.push_back({m.centre, offset + l[q]->places[i] - first_place, q});
      }
    }
    // The homography with each line at its places; when many marks do not
    // fit it, a line's places may be one off (an end mark lost or gained
    // where the edges could not tell): each line one place either way is
    // tried, and the arrangement most marks fit is kept.
    auto fit = [&](const std::array<int, 3>& shift, double& share) {
      std::vector<cv::Point2d> from, to;
      for (const auto& p : points) {
        const int place = p.place + shift[static_cast<std::size_t>(p.line)];
        if (place < 0 || place > 29) continue;
        from.push_back(p.centre);
        to.emplace_back(kBandMargin + kBandPitch * place, kBandTop + kBandLine * p.line);
      }
      share = 0;
      if (from.size() < 40) return cv::Mat();
      return FitHomography(from, to, kBandPitch * 0.3, share);
    };
    double best_share = 0;
    std::array<int, 3> best_shift = {0, 0, 0};
    cv::Mat homography = fit(best_shift, best_share);
    if (best_share < 0.9) {
      for (int q = 0; q < 3; ++q) {
        for (int d : {-1, 1}) {
          std::array<int, 3> shift = {0, 0, 0};
          shift[static_cast<std::size_t>(q)] = d;
          double share = 0;
          cv::Mat h = fit(shift, share);
          if (share > best_share) {
            best_share = share;
            best_shift = shift;
            homography = h;
          }
        }
      }
    }
    if (homography.empty() || best_share < 0.75) continue;
    // Every line one place off fits as well as none: the band's own edges
    // tell (a character beyond one end, none at the other).
    if (const auto drift = EdgeDrift(gray, homography); drift != std::array<int, 3>{0, 0, 0}) {
      for (std::size_t q = 0; q < 3; ++q) best_shift[q] += drift[q];
      double share = 0;
      cv::Mat h = fit(best_shift, share);
      if (!h.empty() && share >= 0.75) homography = h;
    }
    bands.push_back(Flatten(gray, homography));
  }
  return bands;
}

}  // namespace kiosk::mrz
