#include "kiosk/core/uuid.h"

#include <algorithm>

#include "kiosk/core/encoding.h"

namespace kiosk::core {
namespace {
constexpr std::uint16_t kCounterMax = 0x0fff;
}  // namespace

Expected<Uuid> Uuid::Parse(std::string_view text) {
  if (text.size() != 36 || text[8] != '-' || text[13] != '-' || text[18] != '-' ||
      text[23] != '-') {
    return Error::NeedsPerson("uuid.bad_format", "expected 8-4-4-4-12 hex digits");
  }
  std::string hex;
  hex.reserve(32);
  for (char c : text) {
    if (c != '-') hex += c;
  }
  auto bytes = HexDecode(hex);
  if (!bytes || bytes->size() != 16) {
    return Error::NeedsPerson("uuid.bad_format", "expected 8-4-4-4-12 hex digits");
  }
  Octets octets{};
  std::copy(bytes->begin(), bytes->end(), octets.begin());
  return Uuid(octets);
}

std::string Uuid::ToString() const {
  const std::string hex = HexEncode(ByteView(octets_.data(), octets_.size()));
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

std::int64_t Uuid::UnixMillis() const {
  std::int64_t ms = 0;
  for (int i = 0; i < 6; ++i) ms = (ms << 8) | octets_[static_cast<std::size_t>(i)];
  return ms;
}

Expected<Uuid> UuidV7Generator::Next() {
  Uuid::Octets octets{};
  KIOSK_TRY(random_.Fill(octets));

  std::int64_t ms = core::UnixMillis(clock_.Now());
  if (ms < 0) return Error::Fatal("uuid.clock_before_epoch", "wall clock is before 1970");
  if (ms > last_ms_) {
    last_ms_ = ms;
    counter_ = static_cast<std::uint16_t>(((octets[6] << 8) | octets[7]) & 0x07ff);
  } else if (counter_ < kCounterMax) {
    // Same millisecond, or the clock stepped back: keep the last time and count.
    ++counter_;
  } else {
    // Counter exhausted: borrow the next millisecond (RFC 9562 §6.2 allows it).
    ++last_ms_;
    counter_ = static_cast<std::uint16_t>(((octets[6] << 8) | octets[7]) & 0x07ff);
  }

  const auto ts = static_cast<std::uint64_t>(last_ms_);
  for (int i = 0; i < 6; ++i) {
    octets[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(ts >> (40 - 8 * i));
  }
  octets[6] = static_cast<std::uint8_t>(0x70 | (counter_ >> 8));
  octets[7] = static_cast<std::uint8_t>(counter_ & 0xff);
  octets[8] = static_cast<std::uint8_t>(0x80 | (octets[8] & 0x3f));
  return Uuid(octets);
}

}  // namespace kiosk::core
