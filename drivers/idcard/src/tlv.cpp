#include "kiosk/idcard/tlv.h"

#include <string>

namespace kiosk::idcard {

using core::Error;
using core::Expected;

namespace {
Error Malformed(const std::string& why) { return Error::NeedsPerson("tlv.malformed", why); }

int TagLength(std::uint32_t tag) {
  if (tag > 0xffff) return 3;
  if (tag > 0xff) return 2;
  return 1;
}
}  // namespace

bool Tlv::IsConstructed() const {
  const int shift = 8 * (TagLength(tag) - 1);
  return ((tag >> shift) & 0x20) != 0;
}

Expected<std::vector<Tlv>> Tlv::Children() const {
  if (!IsConstructed()) return Malformed("children asked of a primitive TLV");
  return ParseTlvs(value);
}

Expected<Tlv> ReadTlv(ByteView& input) {
  ByteView p = input;
  if (p.empty()) return Malformed("empty input where a tag was expected");
  std::uint32_t tag = p[0];
  std::size_t pos = 1;
  if ((p[0] & 0x1f) == 0x1f) {
    // Subsequent tag bytes while bit 8 is set; at most three bytes in all.
    while (true) {
      if (pos >= p.size()) return Malformed("truncated tag");
      if (pos >= 3) return Malformed("tag longer than three bytes");
      tag = (tag << 8) | p[pos];
      if ((p[pos++] & 0x80) == 0) break;
    }
  }
  if (pos >= p.size()) return Malformed("truncated length");
  std::size_t length = p[pos++];
  if (length == 0x80) return Malformed("indefinite length");
  if (length > 0x80) {
    const std::size_t count = length & 0x7f;
    if (count > 3) return Malformed("length field longer than three bytes");
    if (pos + count > p.size()) return Malformed("truncated length");
    length = 0;
    for (std::size_t i = 0; i < count; ++i) length = (length << 8) | p[pos++];
  }
  if (length > p.size() - pos) {
    return Malformed("value of tag " + std::to_string(tag) + " runs past the end (" +
                     std::to_string(length) + " bytes declared, " + std::to_string(p.size() - pos) +
                     " present)");
  }
  Tlv tlv;
  tlv.tag = tag;
  tlv.value = p.subspan(pos, length);
  tlv.raw = p.subspan(0, pos + length);
  input = p.subspan(pos + length);
  return tlv;
}

Expected<Tlv> ParseSingleTlv(ByteView input) {
  KIOSK_ASSIGN_OR_RETURN(Tlv tlv, ReadTlv(input));
  if (!input.empty()) return Malformed("trailing bytes after a TLV");
  return tlv;
}

Expected<std::vector<Tlv>> ParseTlvs(ByteView input) {
  std::vector<Tlv> out;
  while (!input.empty()) {
    KIOSK_ASSIGN_OR_RETURN(Tlv tlv, ReadTlv(input));
    out.push_back(tlv);
  }
  return out;
}

std::optional<Tlv> FindTag(const std::vector<Tlv>& items, std::uint32_t tag) {
  for (const auto& item : items) {
    if (item.tag == tag) return item;
  }
  return std::nullopt;
}

Expected<Tlv> RequireTag(const std::vector<Tlv>& items, std::uint32_t tag, const char* what) {
  auto found = FindTag(items, tag);
  if (!found) return Malformed(std::string("missing ") + what);
  return *found;
}

Bytes EncodeLength(std::size_t length) {
  if (length < 0x80) return {static_cast<std::uint8_t>(length)};
  if (length <= 0xff) return {0x81, static_cast<std::uint8_t>(length)};
  if (length <= 0xffff) {
    return {0x82, static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length)};
  }
  return {0x83, static_cast<std::uint8_t>(length >> 16), static_cast<std::uint8_t>(length >> 8),
          static_cast<std::uint8_t>(length)};
}

void AppendTlv(Bytes& out, std::uint32_t tag, ByteView value) {
  for (int i = TagLength(tag) - 1; i >= 0; --i) {
    out.push_back(static_cast<std::uint8_t>(tag >> (8 * i)));
  }
  const Bytes length = EncodeLength(value.size());
  out.insert(out.end(), length.begin(), length.end());
  out.insert(out.end(), value.begin(), value.end());
}

Bytes EncodeTlv(std::uint32_t tag, ByteView value) {
  Bytes out;
  AppendTlv(out, tag, value);
  return out;
}

}  // namespace kiosk::idcard
