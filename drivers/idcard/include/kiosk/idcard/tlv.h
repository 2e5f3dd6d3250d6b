#pragma once

// BER-TLV as ICAO 9303 uses it: tags of one to three bytes; lengths in short
// form or long form with one, two or three length bytes. Indefinite lengths,
// longer length fields and values running past the input are rejected.

#include <cstdint>
#include <optional>
#include <vector>

#include "kiosk/core/bytes.h"
#include "kiosk/core/error.h"

namespace kiosk::idcard {

using core::Bytes;
using core::ByteView;

struct Tlv {
  std::uint32_t tag = 0;  // as the bytes read, e.g. 0x5F1F, 0x7F61
  ByteView value;         // points into the parsed input
  ByteView raw;           // tag, length and value

  bool IsConstructed() const;
  // The children of a constructed value.
  core::Expected<std::vector<Tlv>> Children() const;
};

// Reads one TLV from the front of `input` and advances it past it.
core::Expected<Tlv> ReadTlv(ByteView& input);
// Exactly one TLV, with nothing after it.
core::Expected<Tlv> ParseSingleTlv(ByteView input);
// A sequence of TLVs filling `input` exactly.
core::Expected<std::vector<Tlv>> ParseTlvs(ByteView input);

// The first element with `tag`, if any.
std::optional<Tlv> FindTag(const std::vector<Tlv>& items, std::uint32_t tag);
// The first element with `tag`, or an error naming it.
core::Expected<Tlv> RequireTag(const std::vector<Tlv>& items, std::uint32_t tag, const char* what);

// Encoding, with the shortest length form.
Bytes EncodeLength(std::size_t length);
Bytes EncodeTlv(std::uint32_t tag, ByteView value);
void AppendTlv(Bytes& out, std::uint32_t tag, ByteView value);

}  // namespace kiosk::idcard
