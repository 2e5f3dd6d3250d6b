// Card photographs as the kiosk's camera takes them (card_photo.h).

#include <qrencode.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <random>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "kiosk/core/text.h"
#include "kiosk/idcard/access_key.h"
#include "kiosk/idcard/mrz.h"
#include "kiosk/scanner/sim/card_photo.h"
#include "kiosk/typeset/text_painter.h"

namespace kiosk::scanner::sim {
using typeset::TextPainter;
namespace {

constexpr int kCardWidth = 1011;  // 85.6 mm at 300 dpi
constexpr int kCardHeight = 638;  // 54 mm
constexpr double kPxPerMm = 300 / 25.4;
constexpr int kFrameWidth = 1280;
constexpr int kFrameHeight = 960;

int Mm(double mm) { return static_cast<int>(std::lround(mm * kPxPerMm)); }

// Names as they are: one- or two-word surnames, zero to three middle names,
// one or two given names.
constexpr std::array kSurnames = {
    "Nguyễn", "Trần",     "Lê",     "Phạm",     "Hoàng", "Huỳnh", "Phan", "Vũ",    "Võ",    "Đặng",
    "Bùi",    "Đỗ",       "Hồ",     "Ngô",      "Dương", "Lý",    "Đinh", "Lương", "Trịnh", "Mai",
    "Cao",    "Tôn Thất", "Tôn Nữ", "Âu Dương", "Khúc",  "Quách", "Ưng",  "Châu",  "Thạch", "Kiều"};
constexpr std::array kMiddle = {"Văn",  "Thị",   "Hữu",   "Đức",    "Ngọc", "Minh",  "Thanh",
                                "Quốc", "Xuân",  "Thu",   "Kim",    "Bảo",  "Hoàng", "Phương",
                                "Diệu", "Khánh", "Tường", "Nguyên", "Gia",  "Như"};
constexpr std::array kGiven = {
    "An",   "Bình",  "Chi",  "Dũng", "Giang", "Hà",    "Hải",   "Hạnh",  "Hùng",   "Hương",
    "Khoa", "Lan",   "Linh", "Long", "Mai",   "Nam",   "Nga",   "Ngọc",  "Nhung",  "Phúc",
    "Quân", "Quyên", "Sơn",  "Tâm",  "Thảo",  "Thắng", "Trang", "Trung", "Tuấn",   "Uyên",
    "Vy",   "Yến",   "Ỷ",    "Ánh",  "Đạt",   "Khuê",  "Xuyến", "Nghĩa", "Trường", "Huyền"};
constexpr std::array kPlaces = {
    "xã Tân Hòa, tỉnh Tuyên Quang", "phường Hải Châu, thành phố Đà Nẵng",
    "xã Đông Hưng, tỉnh Hưng Yên",  "phường Bến Thành, Thành phố Hồ Chí Minh",
    "xã Nghĩa Đàn, tỉnh Nghệ An",   "phường Ninh Kiều, thành phố Cần Thơ",
    "xã Quỳnh Phụ, tỉnh Hưng Yên",  "phường Thuận Hóa, thành phố Huế",
    "xã Krông Búk, tỉnh Đắk Lắk",   "phường Ba Đình, thành phố Hà Nội",
    "xã Yên Thế, tỉnh Bắc Ninh",    "phường Tân An, tỉnh Tây Ninh"};
constexpr std::array kStreets = {"Lê Lợi",      "Trần Hưng Đạo",  "Nguyễn Trãi",   "Hai Bà Trưng",
                                 "Quang Trung", "Lý Thường Kiệt", "Điện Biên Phủ", "Hùng Vương"};
constexpr std::array kMarks = {
    "Nốt ruồi C:2cm trên sau đuôi mắt phải", "Sẹo chấm C:1,5cm dưới trước mép trái",
    "Nốt ruồi C:3cm dưới sau cánh mũi trái", "Sẹo chấm C:2cm trên trước đầu mày phải",
    "Nốt ruồi C:1cm trên sau mép phải"};

template <typename T, std::size_t N>
const char* Pick(std::mt19937_64& rng, const std::array<T, N>& from) {
  return from[std::uniform_int_distribution<std::size_t>(0, N - 1)(rng)];
}

std::string Upper(std::string ascii) {
  for (auto& c : ascii) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return ascii;
}

std::string Slashed(const std::string& ddmmyyyy) {
  return ddmmyyyy.substr(0, 2) + "/" + ddmmyyyy.substr(2, 2) + "/" + ddmmyyyy.substr(4);
}

std::string VariedName(std::mt19937_64& rng) {
  auto count = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  std::string name = Pick(rng, kSurnames);
  for (int i = count(0, 3); i > 0; --i) name += std::string(" ") + Pick(rng, kMiddle);
  for (int i = count(1, 2); i > 0; --i) name += std::string(" ") + Pick(rng, kGiven);
  return name;
}

// The generated identity with a name from the wide pool and a real-looking
// address; the MRZ and QR follow.
SyntheticIdentity VariedIdentity(std::uint64_t seed) {
  SyntheticIdentity who = GenerateIdentity(seed);
  std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ULL + 11);
  who.full_name = VariedName(rng);
  who.address = "Số " + std::to_string(std::uniform_int_distribution<int>(1, 299)(rng)) + " " +
                Pick(rng, kStreets) + ", " + Pick(rng, kPlaces);
  const std::string birth =
      who.birth_date.substr(6, 2) + who.birth_date.substr(2, 2) + who.birth_date.substr(0, 2);
  const char sex = who.sex == "Nam" ? 'M' : 'F';
  const std::string ascii = Upper(core::FoldToAscii(who.full_name).ValueOr(""));
  auto mrz = idcard::FormatCccdTd1(who.id_number, birth, sex, who.expiry_yymmdd, ascii);
  who.mrz = mrz ? *mrz : std::string();
  who.qr_payload = who.id_number + "||" + who.full_name + "|" + who.birth_date + "|" + who.sex +
                   "|" + who.address + "|" + who.issue_date;
  return who;
}

const cv::Scalar kLabelColour(90, 40, 20);  // navy
const cv::Scalar kValueColour(35, 30, 30);  // near black

// Text in a colour: the painter's coverage, blended onto the BGR card.
class Printer {
 public:
  Printer(cv::Mat& card, const TextPainter& font) : card_(card), font_(font) {}
  int Print(int x, int baseline, std::string_view text, const cv::Scalar& bgr) {
    const int asc = font_.Ascender(), desc = font_.Descender();
    const int width = font_.Width(text) + 4;
    cv::Mat mask(asc + desc + 4, width, CV_8UC1, cv::Scalar(255));
    const int advance = font_.Draw(mask, 0, asc + 2, text, 0);
    const cv::Rect where(x, baseline - asc - 2, width, mask.rows);
    const cv::Rect clipped = where & cv::Rect(0, 0, card_.cols, card_.rows);
    if (clipped.empty()) return advance;
    const cv::Mat m =
        mask(cv::Rect(clipped.x - where.x, clipped.y - where.y, clipped.width, clipped.height));
    cv::Mat roi = card_(clipped);
    for (int y = 0; y < roi.rows; ++y) {
      auto* px = roi.ptr<cv::Vec3b>(y);
      const auto* k = m.ptr<std::uint8_t>(y);
      for (int x2 = 0; x2 < roi.cols; ++x2) {
        const float a = 1.0f - k[x2] / 255.0f;
        for (int c = 0; c < 3; ++c) {
          px[x2][c] = cv::saturate_cast<std::uint8_t>(px[x2][c] * (1 - a) + bgr[c] * a);
        }
      }
    }
    return advance;
  }
  int Width(std::string_view text) const { return font_.Width(text); }
  // "Label: value", the value wrapped at spaces before `right`; continuation
  // lines start at `x`. Returns the baseline after the last line.
  int Field(int x, int baseline, std::string_view label, const std::string& value, int right,
            int line_gap) {
    int at = x + Print(x, baseline, label, kLabelColour);
    std::size_t from = 0;
    while (from < value.size()) {
      std::size_t end = value.size();
      while (at + Width(value.substr(from, end - from)) > right) {
        const auto space = value.rfind(' ', end - 1);
        if (space == std::string::npos || space <= from) break;
        end = space;
      }
      if (at + Width(value.substr(from, end - from)) > right && at != x) {
        at = x;  // nothing fits after the label: start the value on its own line
        baseline += line_gap;
        continue;
      }
      Print(at, baseline, value.substr(from, end - from), kValueColour);
      from = end + 1;
      if (from < value.size()) {
        at = x;
        baseline += line_gap;
      }
    }
    return baseline + line_gap;
  }

 private:
  cv::Mat& card_;
  const TextPainter& font_;
};

// The security print: a pale ground, guilloche waves and a rosette.
void SecurityPrint(cv::Mat& card, const cv::Scalar& ground, const cv::Scalar& line,
                   std::mt19937_64& rng) {
  card.setTo(ground);
  std::uniform_real_distribution<> u(0, 1);
  const double phase = u(rng) * 6.28;
  for (int k = 0; k < 40; ++k) {
    std::vector<cv::Point> wave;
    for (int x = 0; x < card.cols; x += 3) {
      const double y = card.rows * (k + 0.5) / 40.0 + 6 * std::sin(x / 23.0 + k * 0.7 + phase) +
                       4 * std::sin(x / 71.0 - k);
      wave.emplace_back(x, static_cast<int>(y));
    }
    cv::polylines(card, wave, false, line, 1, cv::LINE_AA);
  }
  const cv::Point centre(card.cols / 2 + Mm(u(rng) * 10 - 5), card.rows / 2);
  for (int r = Mm(4); r < Mm(20); r += Mm(1.2)) {
    cv::circle(card, centre, r, line, 1, cv::LINE_AA);
  }
  for (int a = 0; a < 360; a += 12) {
    const double t = a * CV_PI / 180;
    cv::ellipse(card, centre, cv::Size(Mm(20), Mm(6)), a, 0, 360, line, 1, cv::LINE_AA);
    (void)t;
  }
}

void Chip(cv::Mat& card, cv::Point at) {
  const cv::Rect plate(at.x, at.y, Mm(11), Mm(9));
  cv::rectangle(card, plate, cv::Scalar(70, 160, 205), cv::FILLED, cv::LINE_AA);
  cv::rectangle(card, plate, cv::Scalar(40, 110, 150), 2, cv::LINE_AA);
  const cv::Scalar groove(45, 120, 165);
  cv::line(card, {plate.x + plate.width / 2, plate.y}, {plate.x + plate.width / 2, plate.br().y},
           groove, 2);
  for (int i = 1; i < 3; ++i) {
    const int y = plate.y + plate.height * i / 3;
    cv::line(card, {plate.x, y}, {plate.br().x, y}, groove, 2);
  }
  cv::rectangle(card, cv::Rect(plate.x + Mm(3), plate.y + Mm(2.5), Mm(5), Mm(4)), groove, 2);
}

void Fingerprint(cv::Mat& card, cv::Rect box, std::mt19937_64& rng) {
  std::uniform_real_distribution<> u(0, 1);
  const cv::Point centre(box.x + box.width / 2, box.y + box.height / 2 + Mm(1));
  const double tilt = u(rng) * 30 - 15;
  for (int r = Mm(0.8); r < std::min(box.width, box.height) / 2 - Mm(1); r += Mm(0.55)) {
    const double wobble = 1 + 0.08 * std::sin(r * 0.3 + u(rng));
    cv::ellipse(card, centre, cv::Size(static_cast<int>(r * 0.8 * wobble), static_cast<int>(r)),
                tilt, u(rng) * 40, 330 + u(rng) * 30, cv::Scalar(75, 70, 70), 2, cv::LINE_AA);
  }
}

void Signature(cv::Mat& card, cv::Point at, int width, std::mt19937_64& rng) {
  std::uniform_real_distribution<> u(0, 1);
  std::vector<cv::Point> stroke;
  double x = at.x, y = at.y;
  for (int i = 0; i < 60; ++i) {
    x += width / 60.0;
    y = at.y + Mm(3) * std::sin(i * (0.5 + u(rng) * 0.4)) + Mm(1) * (u(rng) - 0.5);
    stroke.emplace_back(static_cast<int>(x), static_cast<int>(y));
  }
  cv::polylines(card, stroke, false, cv::Scalar(110, 40, 20), 3, cv::LINE_AA);
  cv::line(card, {at.x, at.y + Mm(4)}, {at.x + width, at.y - Mm(2)}, cv::Scalar(110, 40, 20), 2,
           cv::LINE_AA);
}

void Seal(cv::Mat& card, cv::Point centre) {
  const cv::Scalar red(40, 40, 200);
  cv::circle(card, centre, Mm(8), red, 3, cv::LINE_AA);
  cv::circle(card, centre, Mm(5.5), red, 2, cv::LINE_AA);
  std::vector<cv::Point> star;
  for (int i = 0; i < 10; ++i) {
    const double a = -CV_PI / 2 + i * CV_PI / 5;
    const double r = i % 2 == 0 ? Mm(3) : Mm(1.2);
    star.emplace_back(centre.x + static_cast<int>(r * std::cos(a)),
                      centre.y + static_cast<int>(r * std::sin(a)));
  }
  cv::fillPoly(card, std::vector<std::vector<cv::Point>>{star}, red, cv::LINE_AA);
}

core::Expected<void> QrCode(cv::Mat& card, const std::string& payload, cv::Rect area) {
  std::unique_ptr<QRcode, void (*)(QRcode*)> qr(
      QRcode_encodeData(static_cast<int>(payload.size()),
                        reinterpret_cast<const unsigned char*>(payload.data()), 0, QR_ECLEVEL_M),
      QRcode_free);
  if (!qr) return core::Error::Fatal("qr.encode", "the QR payload cannot be encoded");
  const int modules = qr->width;
  const double cell = static_cast<double>(area.width) / (modules + 2);
  card(area).setTo(cv::Scalar(255, 255, 255));
  for (int r = 0; r < modules; ++r) {
    for (int c = 0; c < modules; ++c) {
      if (!(qr->data[r * modules + c] & 1)) continue;
      const cv::Point a(area.x + static_cast<int>((c + 1) * cell),
                        area.y + static_cast<int>((r + 1) * cell));
      const cv::Point b(area.x + static_cast<int>((c + 2) * cell),
                        area.y + static_cast<int>((r + 2) * cell));
      cv::rectangle(card, cv::Rect(a, b), cv::Scalar(20, 20, 20), cv::FILLED);
    }
  }
  return {};
}

// The MRZ: OCR-B, 30 characters a line at 2.54 mm, lines 4.23 mm apart, the
// last baseline ~4.5 mm above the bottom edge (ICAO 9303 part 5).
core::Expected<void> Mrz(cv::Mat& card, const std::string& mrz, const Fonts& fonts,
                         std::mt19937_64& rng) {
  const double em = 2.9 + std::uniform_real_distribution<>(-0.15, 0.15)(rng);
  KIOSK_ASSIGN_OR_RETURN(auto ocr_b, TextPainter::Open(fonts.ocr_b, Mm(em)));
  const double pitch = 2.54 * kPxPerMm;
  const double left = Mm(4.6 + std::uniform_real_distribution<>(-0.6, 0.6)(rng));
  const double bottom = 4.4 + std::uniform_real_distribution<>(-0.4, 0.4)(rng);
  const int ink = std::uniform_int_distribution<int>(10, 50)(rng);
  for (int line = 0; line < 3; ++line) {
    const int baseline = kCardHeight - Mm(bottom + (2 - line) * 4.23);
    for (int i = 0; i < 30; ++i) {
      // The glyph drawn on a grey copy of its cell; where it darkened the
      // copy, the colour is darkened the same towards the ink (black).
      const int x = static_cast<int>(left + i * pitch);
      cv::Mat roi = card(cv::Rect(x, baseline - Mm(em), static_cast<int>(pitch) + 1, Mm(em * 1.3)));
      cv::Mat grey;
      cv::cvtColor(roi, grey, cv::COLOR_BGR2GRAY);
      const cv::Mat before = grey.clone();
      ocr_b.DrawCentered(grey, 0, static_cast<int>(pitch), Mm(em),
                         static_cast<char32_t>(mrz[static_cast<std::size_t>(line * 30 + i)]), ink);
      for (int y = 0; y < roi.rows; ++y) {
        auto* px = roi.ptr<cv::Vec3b>(y);
        const auto* g0 = before.ptr<std::uint8_t>(y);
        const auto* g1 = grey.ptr<std::uint8_t>(y);
        for (int x2 = 0; x2 < roi.cols; ++x2) {
          if (g1[x2] >= g0[x2]) continue;
          const double a = static_cast<double>(g0[x2] - g1[x2]) / std::max(1, g0[x2] - ink);
          for (int c = 0; c < 3; ++c) {
            px[x2][c] = cv::saturate_cast<std::uint8_t>(px[x2][c] * (1 - a) + ink * a);
          }
        }
      }
    }
  }
  return {};
}

struct Faces {
  TextPainter label, bold, small, title;
};

core::Expected<Faces> OpenFaces(const Fonts& fonts) {
  KIOSK_ASSIGN_OR_RETURN(auto label, TextPainter::Open(fonts.sans, Mm(2.1)));
  KIOSK_ASSIGN_OR_RETURN(auto bold, TextPainter::Open(fonts.serif_bold, Mm(2.4)));
  KIOSK_ASSIGN_OR_RETURN(auto small, TextPainter::Open(fonts.sans, Mm(1.7)));
  KIOSK_ASSIGN_OR_RETURN(auto title, TextPainter::Open(fonts.serif_bold, Mm(2.2)));
  return Faces{std::move(label), std::move(bold), std::move(small), std::move(title)};
}

const cv::Scalar kInk(35, 30, 30);
const cv::Scalar kNavy(90, 40, 20);
const cv::Scalar kRed(40, 40, 190);

core::Expected<void> Back2021(cv::Mat& card, const SyntheticIdentity& who, const Faces& f,
                              std::mt19937_64& rng) {
  SecurityPrint(card, cv::Scalar(228, 226, 205), cv::Scalar(205, 200, 175), rng);
  Chip(card, {Mm(5), Mm(5)});
  Printer label(card, f.label), small(card, f.small), title(card, f.title), bold(card, f.bold);
  int y = label.Field(Mm(18), Mm(7.5), "Đặc điểm nhận dạng: ", Pick(rng, kMarks), Mm(50), Mm(3.2));
  y = label.Field(Mm(14), y + Mm(0.4), "Ngày, tháng, năm: ", Slashed(who.issue_date), Mm(50),
                  Mm(3.2));
  title.Print(Mm(10), y, "CỤC TRƯỞNG CỤC CẢNH SÁT", kNavy);
  title.Print(Mm(4), y + Mm(3), "QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI", kNavy);
  Seal(card, {Mm(15), y + Mm(8.5)});
  Signature(card, {Mm(18), y + Mm(8)}, Mm(18), rng);
  std::mt19937_64 officer(rng());
  bold.Print(Mm(19), y + Mm(13.8), VariedName(officer), kInk);
  // Fingerprints, right.
  const char* fingers[] = {"Ngón trỏ trái", "Ngón trỏ phải"};
  for (int i = 0; i < 2; ++i) {
    const cv::Rect box(Mm(52 + i * 16.5), Mm(3), Mm(15), Mm(21));
    cv::rectangle(card, box, cv::Scalar(250, 250, 245), cv::FILLED);
    cv::rectangle(card, box, kNavy, 2, cv::LINE_AA);
    Fingerprint(card, box, rng);
    small.Print(box.x + (box.width - small.Width(fingers[i])) / 2, box.br().y + Mm(2.6), fingers[i],
                kNavy);
  }
  return {};
}

core::Expected<void> Back2024(cv::Mat& card, const SyntheticIdentity& who, const Faces& f,
                              std::mt19937_64& rng) {
  SecurityPrint(card, cv::Scalar(236, 222, 226), cv::Scalar(215, 196, 205), rng);
  KIOSK_TRY(QrCode(card, who.qr_payload, cv::Rect(Mm(4), Mm(3.5), Mm(17), Mm(17))));
  Chip(card, {Mm(71), Mm(6)});
  Printer label(card, f.label), title(card, f.title), bold(card, f.bold);
  const int right = Mm(82);
  int y = label.Field(Mm(24), Mm(6.5), "Nơi cư trú: ", who.address, Mm(69), Mm(3.3));
  y = label.Field(Mm(24), y, "Nơi đăng ký khai sinh: ", Pick(rng, kPlaces), Mm(69), Mm(3.3));
  y = label.Field(Mm(24), y, "Ngày, tháng, năm cấp: ", Slashed(who.issue_date), right, Mm(3.3));
  const std::string& e = who.expiry_yymmdd;
  y = label.Field(Mm(24), y, "Ngày, tháng, năm hết hạn: ",
                  e == "991231" ? "Không thời hạn"
                                : e.substr(4, 2) + "/" + e.substr(2, 2) + "/20" + e.substr(0, 2),
                  right, Mm(3.3));
  y += Mm(0.6);
  title.Print(Mm(30), y, "BỘ CÔNG AN", kNavy);
  Seal(card, {Mm(36), y + Mm(3)});
  Signature(card, {Mm(40), y + Mm(2)}, Mm(14), rng);
  (void)bold;
  return {};
}

core::Expected<void> Front2021(cv::Mat& card, const SyntheticIdentity& who, const Faces& f,
                               std::mt19937_64& rng) {
  SecurityPrint(card, cv::Scalar(222, 232, 238), cv::Scalar(196, 212, 222), rng);
  Printer label(card, f.label), small(card, f.small), title(card, f.title), bold(card, f.bold);
  // The emblem: a red disc with a yellow star.
  cv::circle(card, {Mm(10), Mm(9)}, Mm(6), kRed, cv::FILLED, cv::LINE_AA);
  cv::circle(card, {Mm(10), Mm(9)}, Mm(2.5), cv::Scalar(40, 200, 240), cv::FILLED, cv::LINE_AA);
  small.Print(Mm(20), Mm(5), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", kNavy);
  small.Print(Mm(27), Mm(8), "Độc lập - Tự do - Hạnh phúc", kNavy);
  small.Print(Mm(20), Mm(11), "SOCIALIST REPUBLIC OF VIET NAM", kNavy);
  title.Print(Mm(22), Mm(15.5), "CĂN CƯỚC CÔNG DÂN", kRed);
  small.Print(Mm(25), Mm(18.5), "Citizen Identity Card", kRed);
  // The photo.
  const cv::Rect photo(Mm(4), Mm(20), Mm(20), Mm(26));
  cv::rectangle(card, photo, cv::Scalar(235, 225, 215), cv::FILLED);
  cv::ellipse(card, {photo.x + photo.width / 2, photo.y + Mm(10)}, cv::Size(Mm(5), Mm(6.5)), 0, 0,
              360, cv::Scalar(150, 170, 200), cv::FILLED, cv::LINE_AA);
  cv::ellipse(card, {photo.x + photo.width / 2, photo.br().y}, cv::Size(Mm(9), Mm(7)), 0, 180, 360,
              cv::Scalar(90, 80, 70), cv::FILLED, cv::LINE_AA);
  int y = Mm(23.5);
  int x = Mm(27) + label.Print(Mm(27), y, "Số / No.: ", kNavy);
  bold.Print(x, y, who.id_number, kRed);
  y += Mm(3.6);
  label.Print(Mm(27), y, "Họ và tên / Full name:", kNavy);
  bold.Print(Mm(27), y + Mm(3.6), core::ToUpper(who.full_name).ValueOr(who.full_name), kInk);
  y += Mm(7.4);
  x = Mm(27) + label.Print(Mm(27), y, "Ngày sinh / Date of birth: ", kNavy);
  label.Print(x, y, Slashed(who.birth_date), kInk);
  y += Mm(3.6);
  x = Mm(27) + label.Print(Mm(27), y, "Giới tính / Sex: ", kNavy);
  x += label.Print(x, y, who.sex + "   ", kInk);
  x += label.Print(x, y, "Quốc tịch / Nationality: ", kNavy);
  label.Print(x, y, "Việt Nam", kInk);
  y += Mm(3.6);
  y = label.Field(Mm(27), y, "Quê quán / Place of origin: ", Pick(rng, kPlaces), Mm(83), Mm(3.3));
  label.Field(Mm(27), y, "Nơi thường trú / Place of residence: ", who.address, Mm(83), Mm(3.3));
  small.Print(Mm(4), Mm(50), "Có giá trị đến:", kNavy);
  const std::string& e = who.expiry_yymmdd;
  small.Print(Mm(4), Mm(52.5),
              e == "991231" ? "Không thời hạn"
                            : e.substr(4, 2) + "/" + e.substr(2, 2) + "/20" + e.substr(0, 2),
              kInk);
  return QrCode(card, who.qr_payload, cv::Rect(Mm(66), Mm(2.5), Mm(16.5), Mm(16.5)));
}

cv::Matx33d Rotation(double ax, double ay, double az) {
  const double cx = std::cos(ax), sx = std::sin(ax), cy = std::cos(ay), sy = std::sin(ay),
               cz = std::cos(az), sz = std::sin(az);
  const cv::Matx33d rx(1, 0, 0, 0, cx, -sx, 0, sx, cx);
  const cv::Matx33d ry(cy, 0, sy, 0, 1, 0, -sy, 0, cy);
  const cv::Matx33d rz(cz, -sz, 0, sz, cz, 0, 0, 0, 1);
  return rx * ry * rz;
}

// A soft blob (Gaussian ellipse), 0..1, the frame's size.
cv::Mat Blob(cv::Size size, cv::Point2d centre, cv::Size2d axes, double degrees) {
  cv::Mat blob(size, CV_32F, cv::Scalar(0));
  cv::ellipse(blob, cv::Point(cvRound(centre.x), cvRound(centre.y)),
              cv::Size(cvRound(axes.width / 2), cvRound(axes.height / 2)), degrees, 0, 360,
              cv::Scalar(1), cv::FILLED, cv::LINE_AA);
  const double sigma = std::max(2.0, std::min(axes.width, axes.height) / 3);
  cv::GaussianBlur(blob, blob, cv::Size(), sigma);
  return blob;
}

}  // namespace

const char* CardFaceName(CardFace face) {
  switch (face) {
    case CardFace::kBack2021:
      return "back-2021";
    case CardFace::kBack2024:
      return "back-2024";
    case CardFace::kFront2021:
      return "front-2021";
  }
  return "?";
}

core::Expected<cv::Mat> RenderCardFace(const SyntheticIdentity& who, CardFace face,
                                       std::uint64_t seed, const Fonts& fonts) {
  if (who.mrz.size() != 90)
    return core::Error::Fatal("card.bad_mrz", "the MRZ is not 90 characters");
  std::mt19937_64 rng(seed * 0xBF58476D1CE4E5B9ULL + 7);
  cv::Mat card(kCardHeight, kCardWidth, CV_8UC3);
  KIOSK_ASSIGN_OR_RETURN(auto faces, OpenFaces(fonts));
  switch (face) {
    case CardFace::kBack2021:
      KIOSK_TRY(Back2021(card, who, faces, rng));
      KIOSK_TRY(Mrz(card, who.mrz, fonts, rng));
      break;
    case CardFace::kBack2024:
      KIOSK_TRY(Back2024(card, who, faces, rng));
      KIOSK_TRY(Mrz(card, who.mrz, fonts, rng));
      break;
    case CardFace::kFront2021:
      KIOSK_TRY(Front2021(card, who, faces, rng));
      break;
  }
  return card;
}

CameraShot RandomCameraShot(std::uint64_t seed) {
  std::mt19937_64 rng(seed * 0x94D049BB133111EBULL + 13);
  auto u = [&](double lo, double hi) { return std::uniform_real_distribution<>(lo, hi)(rng); };
  auto chance = [&](double p) { return u(0, 1) < p; };
  CameraShot s;
  s.roll_degrees = u(-25, 25);
  s.upside_down = chance(0.3);
  // Up to ~20° between the card and the sensor, in any direction.
  const double tilt = u(0, 20), towards = u(0, 2 * CV_PI);
  s.tilt_x_degrees = tilt * std::cos(towards);
  s.tilt_y_degrees = tilt * std::sin(towards);
  s.card_share = u(0.42, 0.8);
  s.offset = {u(-0.1, 0.1), u(-0.08, 0.08)};
  s.exposure = chance(0.3) ? u(0.45, 0.75) : u(0.8, 1.1);
  s.vignette = u(0, 0.4);
  if (chance(0.6)) {
    s.glare_spots = chance(0.3) ? 2 : 1;
    s.glare = u(0.3, 0.85);
  }
  s.glare_streak = chance(0.25);
  s.thumb = chance(0.4);
  s.hand_shadow = chance(0.45) ? u(0.2, 0.6) : 0;
  if (chance(0.4)) {
    s.motion_pixels = u(1, 5);
    s.motion_degrees = u(0, 180);
  }
  s.defocus = u(0, 1.1);
  s.noise = s.exposure < 0.8 ? u(5, 12) : u(1.5, 6);
  s.jpeg_quality = static_cast<int>(u(55, 92));
  s.light_tray = chance(0.2);
  return s;
}

cv::Mat Photograph(const cv::Mat& card, const CameraShot& shot, std::uint64_t seed) {
  cv::RNG rng(seed * 2654435761ULL + 1);
  const cv::Size frame(kFrameWidth, kFrameHeight);
  // The tray: dark plastic, or pale, with a gradient and texture.
  const double base = shot.light_tray ? rng.uniform(150, 200) : rng.uniform(35, 90);
  cv::Mat photo(frame, CV_32FC3, cv::Scalar(base, base * 1.02, base * 1.05));
  {
    cv::Mat texture(frame.height / 8, frame.width / 8, CV_32FC3);
    rng.fill(texture, cv::RNG::NORMAL, 0, 6);
    cv::resize(texture, texture, frame, 0, 0, cv::INTER_CUBIC);
    photo += texture;
  }
  // The card's corners in space (mm, centred), turned and tilted, then
  // projected by a pinhole camera at the distance that gives `card_share`.
  const double w = 85.6, h = 54;
  const double focal = 1.1 * frame.width;
  const double distance = focal * w / (shot.card_share * frame.width);
  const cv::Matx33d r =
      Rotation(shot.tilt_x_degrees * CV_PI / 180, shot.tilt_y_degrees * CV_PI / 180,
               (shot.roll_degrees + (shot.upside_down ? 180 : 0)) * CV_PI / 180);
  const cv::Point2d centre(frame.width * (0.5 + shot.offset.x),
                           frame.height * (0.5 + shot.offset.y));
  std::vector<cv::Point2f> from = {{0, 0},
                                   {static_cast<float>(card.cols), 0},
                                   {static_cast<float>(card.cols), static_cast<float>(card.rows)},
                                   {0, static_cast<float>(card.rows)}};
  std::vector<cv::Point2f> to;
  for (const auto& p : from) {
    const cv::Vec3d local((p.x / static_cast<double>(card.cols) - 0.5) * w,
                          (p.y / static_cast<double>(card.rows) - 0.5) * h, 0);
    const cv::Vec3d world = r * local + cv::Vec3d(0, 0, distance);
    to.emplace_back(static_cast<float>(centre.x + focal * world[0] / world[2]),
                    static_cast<float>(centre.y + focal * world[1] / world[2]));
  }
  const cv::Mat homography = cv::getPerspectiveTransform(from, to);
  // Rounded corners, as ID-1 cards have (3.18 mm radius).
  cv::Mat shape(card.size(), CV_8UC1, cv::Scalar(0));
  const int radius = Mm(3.18);
  cv::rectangle(shape, cv::Rect(radius, 0, card.cols - 2 * radius, card.rows), cv::Scalar(255),
                cv::FILLED);
  cv::rectangle(shape, cv::Rect(0, radius, card.cols, card.rows - 2 * radius), cv::Scalar(255),
                cv::FILLED);
  for (const auto& c : {cv::Point(radius, radius), cv::Point(card.cols - radius - 1, radius),
                        cv::Point(radius, card.rows - radius - 1),
                        cv::Point(card.cols - radius - 1, card.rows - radius - 1)}) {
    cv::circle(shape, c, radius, cv::Scalar(255), cv::FILLED, cv::LINE_AA);
  }
  cv::Mat seen, mask;
  cv::warpPerspective(card, seen, homography, frame, cv::INTER_AREA);
  cv::warpPerspective(shape, mask, homography, frame, cv::INTER_LINEAR);
  cv::Mat alpha;
  mask.convertTo(alpha, CV_32F, 1 / 255.0);
  // The card's shadow on the tray.
  cv::Mat drop;
  cv::GaussianBlur(alpha, drop, cv::Size(), 6);
  cv::Mat shifted;
  cv::warpAffine(drop, shifted, cv::Matx23d(1, 0, 6, 0, 1, 8), frame);
  cv::Mat darken;
  cv::merge(std::vector<cv::Mat>(3, 1 - 0.45 * shifted), darken);
  photo = photo.mul(darken);
  cv::Mat seen_f, alpha3;
  seen.convertTo(seen_f, CV_32FC3);
  cv::merge(std::vector<cv::Mat>(3, alpha), alpha3);
  photo = photo.mul(cv::Scalar::all(1) - alpha3) + seen_f.mul(alpha3);

  const cv::Rect card_box = cv::boundingRect(to) & cv::Rect(0, 0, frame.width, frame.height);
  auto on_card = [&]() {
    return cv::Point2d(card_box.x + rng.uniform(0.0, 1.0) * card_box.width,
                       card_box.y + rng.uniform(0.0, 1.0) * card_box.height);
  };
  // A thumb on one short edge of the card, and the hand's shadow.
  if (shot.thumb) {
    const cv::Point2f a = rng.uniform(0, 2) == 0 ? (to[0] + to[3]) * 0.5f : (to[1] + to[2]) * 0.5f;
    const cv::Point2f inward = (to[0] + to[1] + to[2] + to[3]) * 0.25f - a;
    const float length = static_cast<float>(cv::norm(inward));
    const cv::Point2f tip = a + inward * (0.12f + static_cast<float>(rng.uniform(0.0, 0.1)));
    const cv::Point2f root = a - inward * 0.6f;
    const int width = static_cast<int>(length * 0.28);
    cv::Mat thumb(frame, CV_32F, cv::Scalar(0));
    cv::line(thumb, root, tip, cv::Scalar(1), width, cv::LINE_AA);
    cv::circle(thumb, tip, width / 2, cv::Scalar(1), cv::FILLED, cv::LINE_AA);
    cv::GaussianBlur(thumb, thumb, cv::Size(), 3);
    cv::Mat t3;
    cv::merge(std::vector<cv::Mat>(3, thumb), t3);
    const cv::Scalar skin(rng.uniform(90, 130), rng.uniform(120, 160), rng.uniform(170, 215));
    cv::Mat skin_img(frame, CV_32FC3, skin);
    photo = photo.mul(cv::Scalar::all(1) - t3) + skin_img.mul(t3);
  }
  if (shot.hand_shadow > 0) {
    cv::Mat hand(frame, CV_32F, cv::Scalar(0));
    const cv::Point2d palm = on_card();
    const double angle = rng.uniform(0.0, 2 * CV_PI);
    const double reach = card_box.width * rng.uniform(0.4, 0.9);
    const cv::Point2d dir(std::cos(angle), std::sin(angle));
    cv::ellipse(hand, cv::Point(cvRound(palm.x - dir.x * reach), cvRound(palm.y - dir.y * reach)),
                cv::Size(cvRound(reach * 0.6), cvRound(reach * 0.45)), angle * 180 / CV_PI, 0, 360,
                cv::Scalar(1), cv::FILLED);
    for (int finger = 0; finger < 4; ++finger) {
      const cv::Point2d side(-dir.y, dir.x);
      const cv::Point2d knuckle = palm - dir * reach * 0.6 + side * reach * (finger - 1.5) * 0.22;
      const cv::Point2d tip = knuckle + dir * reach * rng.uniform(0.7, 1.0);
      cv::line(hand, knuckle, tip, cv::Scalar(1), cvRound(reach * 0.16), cv::LINE_AA);
    }
    cv::GaussianBlur(hand, hand, cv::Size(), 18);
    cv::Mat h3;
    cv::merge(std::vector<cv::Mat>(3, 1 - shot.hand_shadow * hand), h3);
    photo = photo.mul(h3);
  }
  // Light: exposure, vignetting.
  {
    cv::Mat light(frame, CV_32F);
    for (int y = 0; y < frame.height; ++y) {
      auto* row = light.ptr<float>(y);
      for (int x = 0; x < frame.width; ++x) {
        const double dx = (x - frame.width / 2.0) / frame.width;
        const double dy = (y - frame.height / 2.0) / frame.height;
        row[x] = static_cast<float>(shot.exposure * (1 - shot.vignette * 2 * (dx * dx + dy * dy)));
      }
    }
    cv::Mat l3;
    cv::merge(std::vector<cv::Mat>(3, light), l3);
    photo = photo.mul(l3);
  }
  // Glare on the laminate: whitening where the lamp reflects.
  {
    cv::Mat glare(frame, CV_32F, cv::Scalar(0));
    for (int i = 0; i < shot.glare_spots; ++i) {
      const double size = card_box.width * rng.uniform(0.12, 0.4);
      glare += shot.glare * Blob(frame, on_card(), {size, size * rng.uniform(0.4, 1.0)},
                                 rng.uniform(0.0, 180.0));
    }
    if (shot.glare_streak) {
      glare += rng.uniform(0.25, 0.6) * Blob(frame, on_card(),
                                             {card_box.width * 1.2, card_box.height * 0.1},
                                             rng.uniform(-60.0, 60.0));
    }
    cv::min(glare.mul(alpha), 0.95, glare);
    cv::Mat g3;
    cv::merge(std::vector<cv::Mat>(3, glare), g3);
    photo = photo.mul(cv::Scalar::all(1) - g3) + 255 * g3;
  }
  // Optics and motion.
  if (shot.defocus > 0.2) cv::GaussianBlur(photo, photo, cv::Size(), shot.defocus);
  if (shot.motion_pixels >= 1) {
    const int k = static_cast<int>(std::ceil(shot.motion_pixels)) * 2 + 1;
    cv::Mat kernel(k, k, CV_32F, cv::Scalar(0));
    const double t = shot.motion_degrees * CV_PI / 180;
    const cv::Point2d c(k / 2.0 - 0.5, k / 2.0 - 0.5);
    const cv::Point2d d(std::cos(t) * shot.motion_pixels / 2, std::sin(t) * shot.motion_pixels / 2);
    cv::line(kernel, c - d, c + d, cv::Scalar(1), 1, cv::LINE_AA);
    kernel /= cv::sum(kernel)[0];
    cv::filter2D(photo, photo, -1, kernel);
  }
  // Sensor noise, stronger in the dark.
  {
    cv::Mat noise(frame, CV_32FC3);
    rng.fill(noise, cv::RNG::NORMAL, 0, shot.noise);
    photo += noise;
  }
  cv::Mat out;
  photo.convertTo(out, CV_8UC3);
  if (shot.jpeg_quality > 0) {
    std::vector<std::uint8_t> jpeg;
    cv::imencode(".jpg", out, jpeg, {cv::IMWRITE_JPEG_QUALITY, shot.jpeg_quality});
    out = cv::imdecode(jpeg, cv::IMREAD_COLOR);
  }
  return out;
}

core::Expected<CardPhoto> GenerateCardPhoto(std::uint64_t seed, CardFace face, const Fonts& fonts) {
  CardPhoto photo;
  photo.who = VariedIdentity(seed);
  photo.face = face;
  photo.shot = RandomCameraShot(seed);
  KIOSK_ASSIGN_OR_RETURN(auto card, RenderCardFace(photo.who, face, seed, fonts));
  photo.image = Photograph(card, photo.shot, seed);
  return photo;
}

}  // namespace kiosk::scanner::sim
