#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace kiosk::core {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView AsBytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

inline std::string_view AsChars(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

inline Bytes ToBytes(std::string_view s) {
  auto view = AsBytes(s);
  return Bytes(view.begin(), view.end());
}

}  // namespace kiosk::core
