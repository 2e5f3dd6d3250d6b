#include "kiosk/idcard/apdu.h"

#include <cstdio>

namespace kiosk::idcard {

using core::Error;
using core::Expected;

bool CommandApdu::IsExtended() const { return data.size() > 255 || (le && *le > 256); }

Bytes CommandApdu::Encode() const {
  Bytes out{cla, ins, p1, p2};
  const bool extended = IsExtended();
  if (!data.empty()) {
    if (extended) {
      out.push_back(0x00);
      out.push_back(static_cast<std::uint8_t>(data.size() >> 8));
      out.push_back(static_cast<std::uint8_t>(data.size() & 0xff));
    } else {
      out.push_back(static_cast<std::uint8_t>(data.size()));
    }
    out.insert(out.end(), data.begin(), data.end());
  }
  if (le) {
    if (extended) {
      const std::size_t value = *le >= 65536 ? 0 : *le;
      if (data.empty()) out.push_back(0x00);
      out.push_back(static_cast<std::uint8_t>(value >> 8));
      out.push_back(static_cast<std::uint8_t>(value & 0xff));
    } else {
      out.push_back(static_cast<std::uint8_t>(*le >= 256 ? 0 : *le));
    }
  }
  return out;
}

Expected<CommandApdu> CommandApdu::Parse(ByteView b) {
  auto bad = [](const char* why) { return Error::NeedsPerson("apdu.malformed", why); };
  if (b.size() < 4) return bad("command shorter than its header");
  CommandApdu c;
  c.cla = b[0];
  c.ins = b[1];
  c.p1 = b[2];
  c.p2 = b[3];
  const ByteView body = b.subspan(4);
  if (body.empty()) return c;  // case 1
  if (body.size() == 1) {      // case 2 short
    c.le = body[0] == 0 ? 256 : body[0];
    return c;
  }
  if (body[0] != 0) {  // short case 3 or 4
    const std::size_t lc = body[0];
    if (body.size() == 1 + lc) {
      c.data.assign(body.begin() + 1, body.end());
      return c;
    }
    if (body.size() == 2 + lc) {
      c.data.assign(body.begin() + 1, body.end() - 1);
      c.le = body.back() == 0 ? 256 : body.back();
      return c;
    }
    return bad("Lc does not match the data length");
  }
  // Extended: 00 followed by two length bytes.
  if (body.size() == 3) {  // case 2 extended
    const std::size_t le = (std::size_t{body[1]} << 8) | body[2];
    c.le = le == 0 ? 65536 : le;
    return c;
  }
  if (body.size() < 3) return bad("truncated extended length");
  const std::size_t lc = (std::size_t{body[1]} << 8) | body[2];
  if (lc == 0) return bad("extended Lc of zero");
  if (body.size() == 3 + lc) {
    c.data.assign(body.begin() + 3, body.end());
    return c;
  }
  if (body.size() == 5 + lc) {
    c.data.assign(body.begin() + 3, body.end() - 2);
    const std::size_t le = (std::size_t{body[body.size() - 2]} << 8) | body.back();
    c.le = le == 0 ? 65536 : le;
    return c;
  }
  return bad("extended Lc does not match the data length");
}

Bytes ResponseApdu::Encode() const {
  Bytes out = data;
  out.push_back(Sw1());
  out.push_back(Sw2());
  return out;
}

Expected<ResponseApdu> ResponseApdu::Parse(ByteView bytes) {
  if (bytes.size() < 2) {
    return Error::NeedsPerson("apdu.malformed", "response shorter than its status word");
  }
  ResponseApdu r;
  r.data.assign(bytes.begin(), bytes.end() - 2);
  r.sw = static_cast<std::uint16_t>((bytes[bytes.size() - 2] << 8) | bytes.back());
  return r;
}

std::string DescribeStatus(std::uint16_t sw) {
  const char* meaning = "unknown status";
  switch (sw) {
    case 0x9000:
      meaning = "success";
      break;
    case 0x6282:
      meaning = "end of file reached before Le bytes";
      break;
    case 0x6300:
      meaning = "authentication failed";
      break;
    case 0x6700:
      meaning = "wrong length";
      break;
    case 0x6882:
      meaning = "secure messaging not supported";
      break;
    case 0x6982:
      meaning = "security status not satisfied";
      break;
    case 0x6983:
      meaning = "authentication method blocked";
      break;
    case 0x6985:
      meaning = "conditions of use not satisfied";
      break;
    case 0x6987:
      meaning = "secure messaging data objects missing";
      break;
    case 0x6988:
      meaning = "secure messaging data objects incorrect";
      break;
    case 0x6A80:
      meaning = "incorrect data";
      break;
    case 0x6A82:
      meaning = "file not found";
      break;
    case 0x6A86:
      meaning = "incorrect P1-P2";
      break;
    case 0x6A88:
      meaning = "referenced data not found";
      break;
    case 0x6B00:
      meaning = "wrong parameters (offset outside the file)";
      break;
    case 0x6D00:
      meaning = "instruction not supported";
      break;
    case 0x6E00:
      meaning = "class not supported";
      break;
    default:
      if ((sw & 0xff00) == 0x6c00) meaning = "wrong Le; card offers SW2 bytes";
      if ((sw & 0xfff0) == 0x63c0) meaning = "verification failed, retries left in SW2";
      break;
  }
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04X (%s)", sw, meaning);
  return buf;
}

}  // namespace kiosk::idcard
