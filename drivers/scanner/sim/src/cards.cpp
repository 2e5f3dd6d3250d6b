#include <qrencode.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <random>

#include <opencv2/imgproc.hpp>

#include "kiosk/core/text.h"
#include "kiosk/idcard/access_key.h"
#include "kiosk/idcard/mrz.h"
#include "kiosk/scanner/sim/synthetic.h"
#include "kiosk/typeset/text_painter.h"

namespace kiosk::scanner::sim {
using typeset::TextPainter;
namespace {

constexpr int kCardWidth = 1011;  // 85.6 mm at 300 dpi
constexpr int kCardHeight = 638;  // 54 mm

constexpr std::array kProvinces = {"001", "079", "031", "048", "092", "038", "040", "075"};
constexpr std::array kSurnames = {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng",
                                  "Bùi",    "Đỗ",   "Hồ", "Ngô",  "Dương", "Lý",   "Võ", "Huỳnh"};
constexpr std::array kMale = {"Văn An",    "Đức Minh",  "Quốc Bảo",    "Hữu Phúc",
                              "Minh Tuấn", "Thanh Sơn", "Xuân Trường", "Gia Huy"};
constexpr std::array kFemale = {"Thị Lan",  "Ngọc Ánh",    "Thu Hà",   "Thị Yến",
                                "Minh Thư", "Thanh Hương", "Bảo Ngọc", "Thị Ỷ"};

std::string Digits(std::mt19937_64& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) {
    s += static_cast<char>('0' + std::uniform_int_distribution<int>(0, 9)(rng));
  }
  return s;
}

std::string TwoDigits(int n) {
  return std::string(1, static_cast<char>('0' + n / 10)) + static_cast<char>('0' + n % 10);
}

std::string Upper(std::string ascii) {
  for (auto& c : ascii) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return ascii;
}

// Light guilloche lines, as on the security print of the card.
void Background(cv::Mat& card, std::uint64_t seed) {
  card.setTo(cv::Scalar(232));
  const double phase = static_cast<double>(seed % 100) / 10.0;
  for (int k = 0; k < 14; ++k) {
    std::vector<cv::Point> line;
    for (int x = 0; x < card.cols; x += 4) {
      const double y = card.rows * (k + 0.5) / 14.0 + 9 * std::sin(x / 37.0 + k + phase);
      line.emplace_back(x, static_cast<int>(y));
    }
    cv::polylines(card, line, false, cv::Scalar(214), 1, cv::LINE_AA);
  }
}

}  // namespace

SyntheticIdentity GenerateIdentity(std::uint64_t seed) {
  std::mt19937_64 rng(seed * 0xA24BAED4963EE407ULL + 3);
  auto between = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  SyntheticIdentity who;
  const bool male = between(0, 1) == 0;
  const int year = between(1945, 2008), month = between(1, 12), day = between(1, 28);
  const int century_digit = (year >= 2000 ? 2 : 0) + (male ? 0 : 1);
  who.id_number =
      std::string(kProvinces[static_cast<std::size_t>(between(0, kProvinces.size() - 1))]) +
      static_cast<char>('0' + century_digit) + TwoDigits(year % 100) + Digits(rng, 6);
  who.full_name =
      std::string(kSurnames[static_cast<std::size_t>(between(0, kSurnames.size() - 1))]) + " " +
      (male ? kMale[static_cast<std::size_t>(between(0, kMale.size() - 1))]
            : kFemale[static_cast<std::size_t>(between(0, kFemale.size() - 1))]);
  who.birth_date = TwoDigits(day) + TwoDigits(month) + std::to_string(year);
  who.sex = male ? "Nam" : "Nữ";
  who.address = "Số " + std::to_string(between(1, 199)) + ", phường Cửa Nam, Hà Nội";
  const int issue_year = std::max(between(2021, 2025), year + 14);
  who.issue_date =
      TwoDigits(between(1, 28)) + TwoDigits(between(1, 12)) + std::to_string(issue_year);

  const idcard::Date birth{year, month, day};
  auto issue = idcard::Date::FromDdMmYyyy(who.issue_date);
  const auto expiries = idcard::CandidateExpiries(
      birth, issue ? std::optional<idcard::Date>(*issue) : std::nullopt, idcard::Date{2026, 11, 1});
  who.expiry_yymmdd = expiries.empty() ? "991231" : expiries.front();
  const std::string ascii_name = Upper(core::FoldToAscii(who.full_name).ValueOr(""));
  auto mrz = idcard::FormatCccdTd1(who.id_number, birth.ToYyMmDd(), male ? 'M' : 'F',
                                   who.expiry_yymmdd, ascii_name);
  who.mrz = mrz ? *mrz : std::string();
  who.qr_payload = who.id_number + "||" + who.full_name + "|" + who.birth_date + "|" + who.sex +
                   "|" + who.address + "|" + who.issue_date;
  return who;
}

core::Expected<cv::Mat> RenderCardBack(const SyntheticIdentity& who, const Fonts& fonts) {
  if (who.mrz.size() != 90)
    return core::Error::Fatal("card.bad_mrz", "the MRZ is not 90 characters");
  cv::Mat card(kCardHeight, kCardWidth, CV_8UC1);
  Background(card, std::hash<std::string>{}(who.id_number));
  KIOSK_ASSIGN_OR_RETURN(auto label, TextPainter::Open(fonts.sans, 24));
  KIOSK_ASSIGN_OR_RETURN(auto mrz, TextPainter::Open(fonts.ocr_b, 40));
  // Two fingerprint boxes.
  for (int i = 0; i < 2; ++i) {
    const cv::Rect box(30 + i * 170, 40, 150, 190);
    cv::rectangle(card, box, cv::Scalar(120), 2);
    for (int r = 10; r < 70; r += 7) {
      cv::ellipse(card, {box.x + 75, box.y + 95}, {r, r + 15}, 10.0 * i, 0, 360, cv::Scalar(150),
                  2);
    }
  }
  int y = 70;
  const std::vector<std::string> lines = {
      "Đặc điểm nhận dạng: Nốt ruồi cách 2cm", "trên đuôi mắt phải",
      "Ngày, tháng, năm: " + who.issue_date.substr(0, 2) + "/" + who.issue_date.substr(2, 2) + "/" +
          who.issue_date.substr(4),
      "CỤC TRƯỞNG CỤC CẢNH SÁT", "QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI"};
  for (const auto& line : lines) {
    label.Draw(card, 390, y, line, 40);
    y += 38;
  }
  // MRZ: 30 characters a line at 2.54 mm (30 px), lines 4.23 mm apart.
  const int left = (kCardWidth - 900) / 2;
  for (int line = 0; line < 3; ++line) {
    const int baseline = kCardHeight - 30 - (2 - line) * 50;
    for (int i = 0; i < 30; ++i) {
      mrz.DrawCentered(card, left + i * 30, 30, baseline,
                       static_cast<char32_t>(who.mrz[static_cast<std::size_t>(line * 30 + i)]), 15);
    }
  }
  return card;
}

core::Expected<cv::Mat> RenderCardFront(const SyntheticIdentity& who, const Fonts& fonts) {
  cv::Mat card(kCardHeight, kCardWidth, CV_8UC1);
  Background(card, std::hash<std::string>{}(who.full_name));
  KIOSK_ASSIGN_OR_RETURN(auto header, TextPainter::Open(fonts.serif_bold, 26));
  KIOSK_ASSIGN_OR_RETURN(auto label, TextPainter::Open(fonts.sans, 24));
  KIOSK_ASSIGN_OR_RETURN(auto value, TextPainter::Open(fonts.serif_bold, 28));
  header.Draw(card, 200, 50, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 30);
  header.Draw(card, 270, 90, "CĂN CƯỚC CÔNG DÂN", 30);
  cv::rectangle(card, cv::Rect(40, 180, 210, 270), cv::Scalar(170), cv::FILLED);  // photo
  label.Draw(card, 280, 170, "Số / No.: " + who.id_number, 20);
  label.Draw(card, 280, 220, "Họ và tên / Full name:", 40);
  value.Draw(card, 280, 260, who.full_name, 10);
  label.Draw(card, 280, 310,
             "Ngày sinh: " + who.birth_date.substr(0, 2) + "/" + who.birth_date.substr(2, 2) + "/" +
                 who.birth_date.substr(4),
             40);
  label.Draw(card, 280, 350, "Giới tính: " + who.sex + "   Quốc tịch: Việt Nam", 40);
  label.Draw(card, 280, 390, "Nơi thường trú: " + who.address, 40);

  std::unique_ptr<QRcode, void (*)(QRcode*)> qr(
      QRcode_encodeData(static_cast<int>(who.qr_payload.size()),
                        reinterpret_cast<const unsigned char*>(who.qr_payload.data()), 0,
                        QR_ECLEVEL_M),
      QRcode_free);
  if (!qr) return core::Error::Fatal("qr.encode", "the QR payload cannot be encoded");
  const int modules = qr->width;
  const int cell = std::max(2, 230 / (modules + 8));
  const int size = cell * (modules + 8);
  const cv::Rect area(kCardWidth - size - 20, 20, size, size);
  card(area).setTo(cv::Scalar(255));
  for (int r = 0; r < modules; ++r) {
    for (int c = 0; c < modules; ++c) {
      if (qr->data[r * modules + c] & 1) {
        cv::rectangle(card, cv::Rect(area.x + (c + 4) * cell, area.y + (r + 4) * cell, cell, cell),
                      cv::Scalar(0), cv::FILLED);
      }
    }
  }
  return card;
}

cv::Mat CaptureCard(const cv::Mat& card, const Degradation& d, std::uint64_t seed) {
  // The card on the reader's dark glass: Degrade adds the background.
  Degradation on_glass = d;
  on_glass.on_background = true;
  return Degrade(card, on_glass, seed);
}

}  // namespace kiosk::scanner::sim
