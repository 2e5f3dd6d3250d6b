#include "kiosk/idcard/secure_messaging.h"

#include "kiosk/idcard/tlv.h"

namespace kiosk::idcard {

using core::Error;
using core::Expected;

namespace {
constexpr std::uint8_t kSmClass = 0x0C;
constexpr std::size_t kMacLength = 8;

Error SmError(const char* code, const std::string& why) { return Error::NeedsPerson(code, why); }

void Append(Bytes& out, ByteView more) { out.insert(out.end(), more.begin(), more.end()); }

// DO'97': the expected length, one byte (00 = 256) or two (0000 = 65536).
Bytes EncodeLe(std::size_t le) {
  if (le <= 256) return EncodeTlv(0x97, Bytes{static_cast<std::uint8_t>(le == 256 ? 0 : le)});
  const std::size_t v = le >= 65536 ? 0 : le;
  return EncodeTlv(0x97, Bytes{static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)});
}

Expected<std::size_t> DecodeLe(ByteView value) {
  if (value.size() == 1) return value[0] == 0 ? std::size_t{256} : std::size_t{value[0]};
  if (value.size() == 2) {
    const std::size_t v = (std::size_t{value[0]} << 8) | value[1];
    return v == 0 ? std::size_t{65536} : v;
  }
  return SmError("sm.malformed", "DO'97' must hold one or two bytes");
}

}  // namespace

SecureMessaging::SecureMessaging(SmCipher cipher, SecretBytes ks_enc, SecretBytes ks_mac, Bytes ssc)
    : cipher_(cipher),
      ks_enc_(std::move(ks_enc)),
      ks_mac_(std::move(ks_mac)),
      ssc_(std::move(ssc)) {}

void SecureMessaging::IncrementSsc() {
  for (std::size_t i = ssc_.size(); i-- > 0;) {
    if (++ssc_[i] != 0) break;
  }
}

Expected<Bytes> SecureMessaging::Mac(ByteView data_after_ssc) {
  Bytes input = ssc_;
  Append(input, data_after_ssc);
  const Bytes padded = Pad(input, Block());
  if (cipher_ == SmCipher::k3Des) return RetailMac(ks_mac_, padded);
  KIOSK_ASSIGN_OR_RETURN(Bytes full, AesCmac(ks_mac_, padded));
  full.resize(kMacLength);
  return full;
}

Expected<Bytes> SecureMessaging::Iv() {
  if (cipher_ == SmCipher::k3Des) return Bytes(8, 0);
  return AesEcbEncryptBlock(ks_enc_, ssc_);
}

Expected<Bytes> SecureMessaging::Encrypt(ByteView plain) {
  KIOSK_ASSIGN_OR_RETURN(const Bytes iv, Iv());
  const Bytes padded = Pad(plain, Block());
  if (cipher_ == SmCipher::k3Des) return Des3Cbc(Direction::kEncrypt, ks_enc_, iv, padded);
  return AesCbc(Direction::kEncrypt, ks_enc_, iv, padded);
}

Expected<Bytes> SecureMessaging::Decrypt(ByteView cipher) {
  if (cipher.empty() || cipher.size() % Block() != 0) {
    return SmError("sm.malformed", "cryptogram is not a whole number of blocks");
  }
  KIOSK_ASSIGN_OR_RETURN(const Bytes iv, Iv());
  Expected<Bytes> padded = cipher_ == SmCipher::k3Des
                               ? Des3Cbc(Direction::kDecrypt, ks_enc_, iv, cipher)
                               : AesCbc(Direction::kDecrypt, ks_enc_, iv, cipher);
  if (!padded) return std::move(padded).GetError();
  return Unpad(*padded);
}

Expected<Bytes> SecureMessaging::DecryptDataObject(std::uint32_t tag, ByteView value) {
  if (tag == 0x87) {
    if (value.empty() || value[0] != 0x01) {
      return SmError("sm.malformed", "DO'87' padding indicator is not 01");
    }
    value = value.subspan(1);
  }
  return Decrypt(value);
}

Bytes SecureMessaging::PaddedHeader(const CommandApdu& c) const {
  const Bytes header{static_cast<std::uint8_t>(c.cla | kSmClass), c.ins, c.p1, c.p2};
  return Pad(header, Block());
}

Expected<CommandApdu> SecureMessaging::ProtectCommand(const CommandApdu& plain) {
  IncrementSsc();
  Bytes data_objects;
  if (!plain.data.empty()) {
    KIOSK_ASSIGN_OR_RETURN(Bytes cryptogram, Encrypt(plain.data));
    if (plain.ins & 0x01) {
      // Odd INS: the data is BER-TLV and goes in DO'85' without the padding indicator.
      AppendTlv(data_objects, 0x85, cryptogram);
    } else {
      Bytes value{0x01};
      Append(value, cryptogram);
      AppendTlv(data_objects, 0x87, value);
    }
  }
  if (plain.le) Append(data_objects, EncodeLe(*plain.le));

  Bytes mac_input = PaddedHeader(plain);
  Append(mac_input, data_objects);
  KIOSK_ASSIGN_OR_RETURN(const Bytes mac, Mac(mac_input));

  CommandApdu secured;
  secured.cla = static_cast<std::uint8_t>(plain.cla | kSmClass);
  secured.ins = plain.ins;
  secured.p1 = plain.p1;
  secured.p2 = plain.p2;
  secured.data = std::move(data_objects);
  AppendTlv(secured.data, 0x8E, mac);
  // Ask for everything: the protected response is longer than the plain one.
  const bool extended = secured.data.size() > 255 || (plain.le && *plain.le > 223);
  secured.le = extended ? 65536 : 256;
  return secured;
}

Expected<ResponseApdu> SecureMessaging::UnprotectResponse(const ResponseApdu& secured) {
  IncrementSsc();
  if (secured.data.empty()) {
    return SmError("sm.missing_mac", "card answered " + DescribeStatus(secured.sw) +
                                         " without secure messaging; the session is over");
  }
  auto objects = ParseTlvs(secured.data);
  if (!objects) return SmError("sm.malformed", "response data objects are not valid BER-TLV");
  std::optional<Tlv> cryptogram;
  std::optional<Tlv> status;
  std::optional<Tlv> mac;
  Bytes mac_input;
  for (const auto& object : *objects) {
    switch (object.tag) {
      case 0x85:
      case 0x87:
        cryptogram = object;
        Append(mac_input, object.raw);
        break;
      case 0x99:
        status = object;
        Append(mac_input, object.raw);
        break;
      case 0x8E:
        mac = object;
        break;
      default:
        return SmError("sm.malformed", "unexpected data object in a protected response");
    }
  }
  if (!mac) return SmError("sm.missing_mac", "protected response has no MAC (DO'8E')");
  KIOSK_ASSIGN_OR_RETURN(const Bytes expected_mac, Mac(mac_input));
  if (!core::ConstantTimeEquals(expected_mac, mac->value)) {
    return SmError("sm.bad_mac", "response MAC does not verify: data altered or keys differ");
  }
  if (!status || status->value.size() != 2) {
    return SmError("sm.malformed", "protected response has no status (DO'99')");
  }
  ResponseApdu plain;
  plain.sw = static_cast<std::uint16_t>((status->value[0] << 8) | status->value[1]);
  if (cryptogram) {
    KIOSK_ASSIGN_OR_RETURN(plain.data, DecryptDataObject(cryptogram->tag, cryptogram->value));
  }
  return plain;
}

Expected<CommandApdu> SecureMessaging::UnprotectCommand(const CommandApdu& secured) {
  IncrementSsc();
  if ((secured.cla & kSmClass) != kSmClass) {
    return SmError("sm.missing_mac", "command without secure messaging");
  }
  auto objects = ParseTlvs(secured.data);
  if (!objects) return SmError("sm.malformed", "command data objects are not valid BER-TLV");
  CommandApdu plain;
  plain.cla = static_cast<std::uint8_t>(secured.cla & ~kSmClass);
  plain.ins = secured.ins;
  plain.p1 = secured.p1;
  plain.p2 = secured.p2;
  std::optional<Tlv> cryptogram;
  std::optional<Tlv> mac;
  Bytes mac_input = PaddedHeader(plain);
  for (const auto& object : *objects) {
    if (object.tag == 0x87 || object.tag == 0x85) {
      cryptogram = object;
      Append(mac_input, object.raw);
    } else if (object.tag == 0x97) {
      KIOSK_ASSIGN_OR_RETURN(plain.le, DecodeLe(object.value));
      Append(mac_input, object.raw);
    } else if (object.tag == 0x8E) {
      mac = object;
    } else {
      return SmError("sm.malformed", "unexpected data object in a protected command");
    }
  }
  if (!mac) return SmError("sm.missing_mac", "protected command has no MAC");
  KIOSK_ASSIGN_OR_RETURN(const Bytes expected_mac, Mac(mac_input));
  if (!core::ConstantTimeEquals(expected_mac, mac->value)) {
    return SmError("sm.bad_mac", "command MAC does not verify");
  }
  if (cryptogram) {
    KIOSK_ASSIGN_OR_RETURN(plain.data, DecryptDataObject(cryptogram->tag, cryptogram->value));
  }
  return plain;
}

Expected<ResponseApdu> SecureMessaging::ProtectResponse(const ResponseApdu& plain) {
  IncrementSsc();
  Bytes data_objects;
  if (!plain.data.empty()) {
    KIOSK_ASSIGN_OR_RETURN(Bytes cryptogram, Encrypt(plain.data));
    Bytes value{0x01};
    Append(value, cryptogram);
    AppendTlv(data_objects, 0x87, value);
  }
  AppendTlv(data_objects, 0x99, Bytes{plain.Sw1(), plain.Sw2()});
  KIOSK_ASSIGN_OR_RETURN(const Bytes mac, Mac(data_objects));
  ResponseApdu secured;
  secured.data = std::move(data_objects);
  AppendTlv(secured.data, 0x8E, mac);
  secured.sw = plain.sw;
  return secured;
}

}  // namespace kiosk::idcard
