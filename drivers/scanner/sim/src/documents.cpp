#include <algorithm>
#include <array>
#include <cmath>
#include <random>
#include <sstream>

#include <opencv2/imgproc.hpp>

#include "kiosk/scanner/sim/synthetic.h"
#include "kiosk/typeset/text_painter.h"

namespace kiosk::scanner::sim {
using typeset::TextPainter;
namespace {

// Words of administrative Vietnamese; together they carry every vowel with
// every tone mark (a à á ả ã ạ, ă ằ ắ ẳ ẵ ặ, ... y ỳ ý ỷ ỹ ỵ) and đ.
constexpr std::array kWords = {
    "ba",   "bà",     "cá",    "cả",    "ngã",   "hạ",     "ăn",    "bằng",   "bắt",  "hẳn",
    "ẵm",   "mặt",    "cân",   "cần",   "cấp",   "ẩm",     "dẫn",   "bậc",    "em",   "mè",
    "xé",   "trẻ",    "vẽ",    "mẹ",    "bên",   "về",     "kế",    "để",     "dễ",   "hệ",
    "in",   "kì",     "ít",    "chỉ",   "nghĩa", "thị",    "cho",   "hòa",    "có",   "nhỏ",
    "rõ",   "học",    "công",  "đồng",  "số",    "tổ",     "chỗ",   "hộ",     "cơ",   "người",
    "với",  "ở",      "vỡ",    "hợp",   "cung",  "tùy",    "đúng",  "thủ",    "cũng", "dụng",
    "cư",   "từ",     "chứng", "sử",    "những", "tự",     "quy",   "kỳ",     "ký",   "kỷ",
    "mỹ",   "quỵ",    "đơn",   "giấy",  "tờ",    "khai",   "sinh",  "thường", "trú",  "xác",
    "nhận", "tình",   "trạng", "hôn",   "nhân",  "bản",    "sao",   "chính",  "thực", "ủy",
    "ban",  "phường", "xã",    "huyện", "tỉnh",  "thành",  "phố",   "địa",    "chỉ",  "nộp",
    "hồ",   "sơ",     "trực",  "tuyến", "lệ",    "phí",    "miễn",  "giảm",   "thời", "hạn",
    "giải", "quyết",  "kết",   "quả",   "trả",   "ngày",   "tháng", "năm",    "điện", "thoại",
    "quốc", "tịch",   "dân",   "tộc",   "Kinh",  "cán",    "bộ",    "tiếp",   "nhận", "kiểm",
    "tra",  "đối",    "chiếu", "lưu",   "trữ",   "nguyện", "vọng",  "quyền",  "lợi",  "nghĩa",
    "vụ",   "cam",    "đoan",  "luật",
};

constexpr std::array kSurnames = {"Nguyễn", "Trần", "Lê",  "Phạm", "Hoàng", "Huỳnh", "Phan",  "Vũ",
                                  "Võ",     "Đặng", "Bùi", "Đỗ",   "Hồ",    "Ngô",   "Dương", "Lý"};
constexpr std::array kMiddle = {"Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thu", "Quốc", "Thanh"};
constexpr std::array kGiven = {"An",   "Bình",  "Chi",  "Dũng",  "Giang", "Hà",  "Hải",
                               "Hạnh", "Khánh", "Linh", "Long",  "Mai",   "Nam", "Phúc",
                               "Quân", "Sơn",   "Thảo", "Trung", "Tuấn",  "Yến", "Ỷ Lan"};
constexpr std::array kStreets = {"Hàng Bạc", "Lý Thường Kiệt", "Nguyễn Trãi",  "Trần Hưng Đạo",
                                 "Lê Lợi",   "Điện Biên Phủ",  "Hai Bà Trưng", "Quang Trung"};
constexpr std::array kWards = {"Hoàn Kiếm", "Cửa Nam",  "Ba Đình",   "Đống Đa",
                               "Tây Hồ",    "Cầu Giấy", "Long Biên", "Yên Hòa"};
constexpr std::array kTitles = {"TỜ KHAI ĐĂNG KÝ KHAI SINH",
                                "ĐƠN ĐỀ NGHỊ XÁC NHẬN TÌNH TRẠNG HÔN NHÂN",
                                "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ",
                                "ĐƠN ĐỀ NGHỊ CẤP BẢN SAO TRÍCH LỤC",
                                "GIẤY ỦY QUYỀN",
                                "ĐƠN ĐỀ NGHỊ CHỨNG THỰC BẢN SAO TỪ BẢN CHÍNH"};

template <typename Array>
std::string Pick(std::mt19937_64& rng, const Array& a) {
  return a[std::uniform_int_distribution<std::size_t>(0, a.size() - 1)(rng)];
}

int Between(std::mt19937_64& rng, int lo, int hi) {
  return std::uniform_int_distribution<int>(lo, hi)(rng);
}

std::string TwoDigits(int n) {
  return std::string(1, static_cast<char>('0' + n / 10)) + static_cast<char>('0' + n % 10);
}

std::string Name(std::mt19937_64& rng) {
  return Pick(rng, kSurnames) + " " + Pick(rng, kMiddle) + " " + Pick(rng, kGiven);
}

std::string Sentence(std::mt19937_64& rng) {
  const int n = Between(rng, 8, 18);
  std::string s;
  for (int i = 0; i < n; ++i) {
    std::string w = Pick(rng, kWords);
    if (i == 0 && w[0] >= 'a' && w[0] <= 'z') w[0] = static_cast<char>(w[0] - 'a' + 'A');
    if (!s.empty()) s += ' ';
    s += w;
  }
  return s + (Between(rng, 0, 3) == 0 ? ";" : ".");
}

// Splits a paragraph into lines no wider than `width` pixels.
std::vector<std::string> Wrap(const TextPainter& font, const std::string& text, int width) {
  std::vector<std::string> lines;
  std::istringstream words(text);
  std::string word, line;
  while (words >> word) {
    const std::string candidate = line.empty() ? word : line + " " + word;
    if (!line.empty() && font.Width(candidate) > width) {
      lines.push_back(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

}  // namespace

core::Expected<Document> GenerateDocument(std::uint64_t seed, int dpi, const Fonts& fonts) {
  std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ULL + 17);
  Document doc;
  doc.dpi = dpi;
  doc.image = cv::Mat(1169 * dpi / 100, 827 * dpi / 100, CV_8UC1, cv::Scalar(250));
  const int pt = dpi / 72;  // pixels per point, roughly
  const bool sans = Between(rng, 0, 2) == 0;
  const int body_size = (Between(rng, 0, 1) ? 13 : 12) * dpi / 72;
  KIOSK_ASSIGN_OR_RETURN(auto body, TextPainter::Open(sans ? fonts.sans : fonts.serif, body_size));
  KIOSK_ASSIGN_OR_RETURN(auto bold, TextPainter::Open(fonts.serif_bold, 13 * dpi / 72));
  KIOSK_ASSIGN_OR_RETURN(auto title, TextPainter::Open(fonts.serif_bold, 16 * dpi / 72));

  const int margin_left = 30 * dpi / 25;  // 30 mm
  const int margin_right = 20 * dpi / 25;
  const int text_width = doc.image.cols - margin_left - margin_right;
  int y = 20 * dpi / 25;
  std::vector<std::string> lines;
  auto centered = [&](const TextPainter& font, const std::string& text) {
    y += font.Ascender();
    font.Draw(doc.image, (doc.image.cols - font.Width(text)) / 2, y, text, 20);
    y += font.Descender() + 4 * pt;
    lines.push_back(text);
  };
  auto left = [&](const std::string& text) {
    for (const auto& line : Wrap(body, text, text_width)) {
      y += body.Ascender();
      body.Draw(doc.image, margin_left, y, line, 30);
      y += body.Descender() + body_size / 3;
      lines.push_back(line);
    }
  };

  centered(bold, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
  centered(bold, "Độc lập - Tự do - Hạnh phúc");
  y += 10 * pt;
  centered(title, Pick(rng, kTitles));
  y += 8 * pt;
  left("Kính gửi: Ủy ban nhân dân phường " + Pick(rng, kWards));
  left("Họ, chữ đệm, tên người yêu cầu: " + Name(rng));
  const int day = Between(rng, 1, 28), month = Between(rng, 1, 12), year = Between(rng, 1950, 2005);
  left("Ngày, tháng, năm sinh: " + TwoDigits(day) + "/" + TwoDigits(month) + "/" +
       std::to_string(year));
  left("Nơi cư trú: Số " + std::to_string(Between(rng, 1, 199)) + " phố " + Pick(rng, kStreets) +
       ", phường " + Pick(rng, kWards) + ", thành phố Hà Nội");
  left("Số điện thoại: 09" + std::to_string(Between(rng, 10000000, 99999999)));
  const int paragraphs = Between(rng, 3, 5);
  for (int p = 0; p < paragraphs && y < doc.image.rows - 60 * dpi / 25; ++p) {
    std::string text;
    const int sentences = Between(rng, 2, 4);
    for (int s = 0; s < sentences; ++s) text += (s ? " " : "") + Sentence(rng);
    left(text);
    y += body_size / 2;
  }
  left(
      "Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp "
      "luật về cam đoan của mình.");
  y += 6 * pt;
  const std::string signed_at = "Hà Nội, ngày " + TwoDigits(Between(rng, 1, 28)) + " tháng " +
                                TwoDigits(Between(rng, 1, 12)) + " năm 2026";
  y += body.Ascender();
  body.Draw(doc.image, doc.image.cols - margin_right - body.Width(signed_at), y, signed_at, 30);
  y += body.Descender();
  lines.push_back(signed_at);

  for (std::size_t i = 0; i < lines.size(); ++i) doc.truth += (i ? "\n" : "") + lines[i];
  // Paper is not perfectly white.
  cv::Mat grain(doc.image.size(), CV_16SC1);
  cv::randn(grain, 0, 2);
  cv::Mat page16;
  doc.image.convertTo(page16, CV_16SC1);
  page16 += grain;
  page16.convertTo(doc.image, CV_8UC1);
  return doc;
}

Document GenerateBlankPage(std::uint64_t seed, int dpi) {
  Document doc;
  doc.dpi = dpi;
  doc.image = cv::Mat(1169 * dpi / 100, 827 * dpi / 100, CV_8UC1, cv::Scalar(248));
  cv::RNG rng(seed);
  cv::Mat grain(doc.image.size(), CV_16SC1);
  rng.fill(grain, cv::RNG::NORMAL, 0, 3);
  cv::Mat page16;
  doc.image.convertTo(page16, CV_16SC1);
  page16 += grain;
  page16.convertTo(doc.image, CV_8UC1);
  // A speck of dust or two.
  for (int i = 0; i < 3; ++i) {
    cv::circle(doc.image, {rng.uniform(0, doc.image.cols), rng.uniform(0, doc.image.rows)},
               rng.uniform(1, 3), cv::Scalar(90), cv::FILLED);
  }
  return doc;
}

cv::Mat ColourScan(const cv::Mat& gray_page, int dpi, std::uint64_t seed) {
  // Plain loops, no OpenCV worker threads: tests track every allocation.
  cv::Mat page(gray_page.size(), CV_8UC3);
  for (int y = 0; y < page.rows; ++y) {
    const auto* g = gray_page.ptr<std::uint8_t>(y);
    auto* p = page.ptr<cv::Vec3b>(y);
    for (int x = 0; x < page.cols; ++x) {
      // Warm paper: a little less blue.
      p[x] = cv::Vec3b(static_cast<std::uint8_t>(g[x] * 0.94),
                       static_cast<std::uint8_t>(g[x] * 0.99), g[x]);
    }
  }
  std::mt19937_64 random(seed);
  const double mm = dpi / 25.4;
  const cv::Point centre(
      static_cast<int>(page.cols - (45 + std::uniform_real_distribution<>(0, 20)(random)) * mm),
      static_cast<int>(page.rows - (55 + std::uniform_real_distribution<>(0, 20)(random)) * mm));
  const int radius = static_cast<int>(17 * mm);
  // Ink multiplies what is under it: the text shows through the seal.
  cv::Mat ink(page.size(), CV_8UC1, cv::Scalar(0));
  cv::circle(ink, centre, radius, cv::Scalar(255), static_cast<int>(1.2 * mm), cv::LINE_AA);
  cv::circle(ink, centre, radius * 7 / 10, cv::Scalar(255), static_cast<int>(0.6 * mm),
             cv::LINE_AA);
  std::vector<cv::Point> star;
  for (int i = 0; i < 10; ++i) {
    const double a = -CV_PI / 2 + i * CV_PI / 5;
    const double r = (i % 2 == 0 ? 6.0 : 2.4) * mm;
    star.emplace_back(centre.x + static_cast<int>(r * std::cos(a)),
                      centre.y + static_cast<int>(r * std::sin(a)));
  }
  cv::fillPoly(ink, std::vector<std::vector<cv::Point>>{star}, cv::Scalar(255), cv::LINE_AA);
  const cv::Vec3d red(0.25, 0.2, 0.85);  // BGR share of the light the ink lets through
  for (int y = 0; y < page.rows; ++y) {
    const auto* k = ink.ptr<std::uint8_t>(y);
    auto* p = page.ptr<cv::Vec3b>(y);
    for (int x = 0; x < page.cols; ++x) {
      if (k[x] == 0) continue;
      const double a = k[x] / 255.0 * 0.9;
      for (int c = 0; c < 3; ++c) {
        p[x][c] = static_cast<std::uint8_t>(p[x][c] * (1 - a + a * red[c]));
      }
    }
  }
  return page;
}

}  // namespace kiosk::scanner::sim
