#include "kiosk/core/version.h"

namespace kiosk::core {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// The weight of a non-digit character; 0 stands for the end of the string.
int Order(std::string_view s, std::size_t i) {
  if (i >= s.size()) return 0;
  const char c = s[i];
  if (IsDigit(c)) return 0;
  if (IsAlpha(c)) return c;
  if (c == '~') return -1;
  return static_cast<unsigned char>(c) + 256;
}

}  // namespace

int CompareVersions(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  auto digit_at = [](std::string_view s, std::size_t k) { return k < s.size() && IsDigit(s[k]); };
  while (i < a.size() || j < b.size()) {
    while ((i < a.size() && !IsDigit(a[i])) || (j < b.size() && !IsDigit(b[j]))) {
      const int ac = Order(a, i);
      const int bc = Order(b, j);
      if (ac != bc) return ac - bc;
      ++i;
      ++j;
    }
    while (i < a.size() && a[i] == '0') ++i;
    while (j < b.size() && b[j] == '0') ++j;
    int first_diff = 0;
    while (digit_at(a, i) && digit_at(b, j)) {
      if (first_diff == 0) first_diff = a[i] - b[j];
      ++i;
      ++j;
    }
    if (digit_at(a, i)) return 1;
    if (digit_at(b, j)) return -1;
    if (first_diff != 0) return first_diff;
  }
  return 0;
}

}  // namespace kiosk::core
