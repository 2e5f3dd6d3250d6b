#pragma once

// UUIDs, version 7 (RFC 9562): 48 bits of Unix milliseconds, then randomness.
// They sort by creation time, which keeps the outbox and the gateway's
// indexes in insertion order. A dossier's UUID is its idempotency key.

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "kiosk/core/clock.h"
#include "kiosk/core/error.h"
#include "kiosk/core/random.h"

namespace kiosk::core {

class Uuid {
 public:
  using Octets = std::array<std::uint8_t, 16>;

  Uuid() = default;  // the nil UUID
  explicit Uuid(const Octets& octets) : octets_(octets) {}

  // Canonical 8-4-4-4-12 form, either case; nothing else is accepted.
  static Expected<Uuid> Parse(std::string_view text);

  // Lower-case canonical form.
  std::string ToString() const;
  const Octets& Bytes() const { return octets_; }
  int Version() const { return octets_[6] >> 4; }
  bool IsNil() const { return *this == Uuid{}; }
  // For version 7: the creation time in Unix milliseconds.
  std::int64_t UnixMillis() const;

  auto operator<=>(const Uuid&) const = default;

 private:
  Octets octets_{};
};

// Generates UUIDv7s that strictly increase within this generator, even when
// several are made in one millisecond or the wall clock steps back: the 12-bit
// rand_a field is a counter (RFC 9562 §6.2, method 1), seeded randomly each
// new millisecond with its top bit clear to leave room to count.
class UuidV7Generator {
 public:
  UuidV7Generator(const Clock& clock, RandomSource& random) : clock_(clock), random_(random) {}
  Expected<Uuid> Next();

 private:
  const Clock& clock_;
  RandomSource& random_;
  std::int64_t last_ms_ = -1;
  std::uint16_t counter_ = 0;
};

}  // namespace kiosk::core
