#pragma once

// application/x-www-form-urlencoded, as HTML forms and query strings send it.

#include <string>
#include <string_view>

namespace kiosk::gateway {

// "a%20b+c" -> "a b c"; a malformed escape is kept as it is.
inline std::string UrlDecode(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    auto hex = [](char h) {
      if (h >= '0' && h <= '9') return h - '0';
      if (h >= 'a' && h <= 'f') return h - 'a' + 10;
      if (h >= 'A' && h <= 'F') return h - 'A' + 10;
      return -1;
    };
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < in.size() && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
      out += static_cast<char>(hex(in[i + 1]) * 16 + hex(in[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

// The decoded value of `key` in "k=v&k2=v2"; empty when absent.
inline std::string FormField(std::string_view encoded, std::string_view key) {
  std::size_t pos = 0;
  while (pos <= encoded.size()) {
    const auto end = encoded.find('&', pos);
    const std::string_view part =
        encoded.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    const auto eq = part.find('=');
    if (UrlDecode(part.substr(0, eq)) == key) {
      return eq == std::string_view::npos ? "" : UrlDecode(part.substr(eq + 1));
    }
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return "";
}

// A field of a request target's query string.
inline std::string QueryField(std::string_view target, std::string_view key) {
  const auto q = target.find('?');
  return q == std::string_view::npos ? "" : FormField(target.substr(q + 1), key);
}

// The target without its query string.
inline std::string_view TargetPath(std::string_view target) {
  return target.substr(0, target.find('?'));
}

}  // namespace kiosk::gateway
