#pragma once

// ISO 7816-4 APDUs as values: built and inspected as fields, encoded to
// bytes only at the transport.

#include <cstdint>
#include <optional>
#include <string>

#include "kiosk/core/bytes.h"
#include "kiosk/core/error.h"

namespace kiosk::idcard {

using core::Bytes;
using core::ByteView;

struct CommandApdu {
  std::uint8_t cla = 0x00;
  std::uint8_t ins = 0x00;
  std::uint8_t p1 = 0x00;
  std::uint8_t p2 = 0x00;
  Bytes data;
  // Expected response length: absent = no Le; 256 (short) or 65536
  // (extended) ask for "as much as available" and encode as zeros.
  std::optional<std::size_t> le;

  // Short form when data fits in 255 bytes and Le in 256, extended otherwise.
  Bytes Encode() const;
  bool IsExtended() const;

  // Card side: parses any of the four ISO cases, short or extended.
  static core::Expected<CommandApdu> Parse(ByteView bytes);

  bool operator==(const CommandApdu&) const = default;
};

struct ResponseApdu {
  Bytes data;
  std::uint16_t sw = 0x9000;

  std::uint8_t Sw1() const { return static_cast<std::uint8_t>(sw >> 8); }
  std::uint8_t Sw2() const { return static_cast<std::uint8_t>(sw & 0xff); }
  bool IsOk() const { return sw == 0x9000; }
  Bytes Encode() const;
  // At least SW1 SW2.
  static core::Expected<ResponseApdu> Parse(ByteView bytes);

  bool operator==(const ResponseApdu&) const = default;
};

// "6A82 (file not found)"
std::string DescribeStatus(std::uint16_t sw);

}  // namespace kiosk::idcard
