#include "kiosk/idcard/sim/virtual_card.h"

#include "kiosk/core/hash.h"
#include "kiosk/idcard/lds.h"
#include "kiosk/idcard/tlv.h"

namespace kiosk::idcard::sim {

namespace {

constexpr std::uint16_t kOk = 0x9000;
constexpr std::uint16_t kWrongLength = 0x6700;
constexpr std::uint16_t kSecurityNotSatisfied = 0x6982;
constexpr std::uint16_t kAuthFailed = 0x6300;
constexpr std::uint16_t kConditionsNotSatisfied = 0x6985;
constexpr std::uint16_t kSmDataMissing = 0x6987;
constexpr std::uint16_t kSmDataIncorrect = 0x6988;
constexpr std::uint16_t kIncorrectData = 0x6A80;
constexpr std::uint16_t kFileNotFound = 0x6A82;
constexpr std::uint16_t kWrongP1P2 = 0x6A86;
constexpr std::uint16_t kOffsetOutside = 0x6B00;
constexpr std::uint16_t kInsNotSupported = 0x6D00;
constexpr std::uint16_t kEndOfFile = 0x6282;
constexpr std::size_t kShortReadLimit = 160;

const Bytes kLdsAid{0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01};

ResponseApdu Status(std::uint16_t sw) { return ResponseApdu{{}, sw}; }

}  // namespace

struct VirtualCard::PaceState {
  int step = 0;
  PaceCurve curve;
  SecretBytes nonce;
  SecretBytes map_private;
  Bytes generator;  // G~
  SecretBytes dh_private;
  Bytes dh_public;           // the card's PK_DH
  Bytes terminal_dh_public;  // the terminal's PK_DH
  SecretBytes shared_point;  // K as a point
};

VirtualCard::VirtualCard(std::map<std::uint16_t, Bytes> files, CardSecrets secrets,
                         CardQuirks quirks, core::RandomSource& random)
    : files_(std::move(files)), secrets_(std::move(secrets)), quirks_(quirks), random_(random) {
  if (quirks_.bac_only) files_.erase(kEfCardAccess.fid);
}

VirtualCard::~VirtualCard() = default;

Bytes VirtualCard::Atr() {
  // T=1 contactless ICAO card (historical bytes spell nothing in particular).
  return {0x3B, 0x88, 0x80, 0x01, 0x00, 0x00, 0x00, 0x00, 0x77, 0x81, 0x81, 0x00, 0x7F};
}

void VirtualCard::EndSession() {
  session_.reset();
  pace_.reset();
  rnd_ic_.clear();
}

void VirtualCard::PowerOn() {
  EndSession();
  app_selected_ = false;
  current_ef_.reset();
}

void VirtualCard::PowerOff() { PowerOn(); }

Bytes VirtualCard::Process(ByteView command) {
  ++commands_;
  auto parsed = CommandApdu::Parse(command);
  if (!parsed) return Status(kWrongLength).Encode();
  const bool secured = (parsed->cla & 0x0C) == 0x0C;
  if (!secured) {
    // A plain command ends secure messaging, as on real chips.
    if (session_) EndSession();
    return Dispatch(*parsed).Encode();
  }
  if (!session_) return Status(kSmDataMissing).Encode();
  auto plain = session_->UnprotectCommand(*parsed);
  if (!plain) {
    EndSession();
    return Status(kSmDataIncorrect).Encode();
  }
  ResponseApdu response = Dispatch(*plain);
  if (!session_) return response.Encode();  // the command ended the session
  auto protected_response = session_->ProtectResponse(response);
  if (!protected_response) return Status(kSmDataIncorrect).Encode();
  return protected_response->Encode();
}

ResponseApdu VirtualCard::Dispatch(const CommandApdu& c) {
  switch (c.ins) {
    case 0xA4:
      return Select(c);
    case 0xB0:
    case 0xB1:
      return ReadBinary(c);
    case 0x84:
      return GetChallenge(c);
    case 0x82:
      return ExternalAuthenticate(c);
    case 0x22:
      return MseSetAt(c);
    case 0x86:
      return GeneralAuthenticate(c);
    case 0x88:
      return InternalAuthenticate(c);
    default:
      return Status(kInsNotSupported);
  }
}

bool VirtualCard::MayRead(std::uint16_t fid) const {
  if (fid == kEfCardAccess.fid) return true;
  return app_selected_ && session_.has_value();
}

ResponseApdu VirtualCard::Select(const CommandApdu& c) {
  if (c.p1 == 0x04) {
    if (c.data == kLdsAid) {
      app_selected_ = true;
      current_ef_.reset();
      return Status(kOk);
    }
    return Status(kFileNotFound);
  }
  if (c.p1 == 0x00 && (c.data.empty() || c.data == Bytes{0x3F, 0x00})) {
    if (quirks_.refuse_mf_select) return Status(kInsNotSupported);
    app_selected_ = false;
    current_ef_.reset();
    return Status(kOk);
  }
  if (c.p1 == 0x02 && c.data.size() == 2) {
    const auto fid = static_cast<std::uint16_t>((c.data[0] << 8) | c.data[1]);
    if (!files_.contains(fid)) return Status(kFileNotFound);
    if (fid != kEfCardAccess.fid && !app_selected_) return Status(kFileNotFound);
    if (!MayRead(fid)) return Status(kSecurityNotSatisfied);
    current_ef_ = fid;
    return Status(kOk);
  }
  return Status(kWrongP1P2);
}

ResponseApdu VirtualCard::ReadFrom(std::uint16_t fid, std::size_t offset, std::size_t ne,
                                   bool extended) {
  if (!MayRead(fid)) return Status(kSecurityNotSatisfied);
  const Bytes& file = files_.at(fid);
  if (quirks_.max_le != 0 && ne > quirks_.max_le) return Status(kWrongLength);
  if (offset > file.size()) return Status(kOffsetOutside);
  std::uint16_t sw = kOk;
  // Ne bounds the whole answer: for B1 that includes the DO'53' header.
  const std::size_t header = extended ? (ne > 130 ? 4 : 2) : 0;
  if (ne <= header) return Status(kWrongLength);
  std::size_t count = std::min(ne - header, file.size() - offset);
  if (quirks_.short_reads_6282 && count > kShortReadLimit) {
    count = kShortReadLimit;
    sw = kEndOfFile;
  } else if (quirks_.eof_6282 && count < ne - header) {
    sw = kEndOfFile;
  }
  Bytes data(file.begin() + static_cast<std::ptrdiff_t>(offset),
             file.begin() + static_cast<std::ptrdiff_t>(offset + count));
  if (extended) data = EncodeTlv(0x53, data);
  return ResponseApdu{std::move(data), sw};
}

ResponseApdu VirtualCard::ReadBinary(const CommandApdu& c) {
  const std::size_t ne = c.le.value_or(256);
  if (c.ins == 0xB0) {
    if (c.p1 & 0x80) {
      // Short file identifier in P1, offset in P2.
      const std::uint8_t sfi = c.p1 & 0x1F;
      std::optional<std::uint16_t> fid;
      for (const auto& [id, bytes] : files_) {
        if ((id & 0x1F) == sfi && (id >> 8) == 0x01) fid = id;
      }
      if (!fid || (*fid != kEfCardAccess.fid && !app_selected_)) return Status(kFileNotFound);
      current_ef_ = *fid;
      return ReadFrom(*fid, c.p2, ne, false);
    }
    if (!current_ef_) return Status(kConditionsNotSatisfied);
    return ReadFrom(*current_ef_, (std::size_t{c.p1} << 8) | c.p2, ne, false);
  }
  // B1: the offset comes in DO'54'.
  auto objects = ParseTlvs(c.data);
  if (!objects) return Status(kIncorrectData);
  auto offset_do = FindTag(*objects, 0x54);
  if (!offset_do || offset_do->value.empty() || offset_do->value.size() > 3) {
    return Status(kIncorrectData);
  }
  std::size_t offset = 0;
  for (auto b : offset_do->value) offset = (offset << 8) | b;
  if (!current_ef_) return Status(kConditionsNotSatisfied);
  return ReadFrom(*current_ef_, offset, ne, true);
}

ResponseApdu VirtualCard::GetChallenge(const CommandApdu& c) {
  if (c.le.value_or(0) != 8) return Status(kWrongLength);
  auto challenge = core::RandomBytes(random_, 8);
  if (!challenge) return Status(kConditionsNotSatisfied);
  rnd_ic_ = *challenge;
  return ResponseApdu{rnd_ic_, kOk};
}

ResponseApdu VirtualCard::ExternalAuthenticate(const CommandApdu& c) {
  if (rnd_ic_.size() != 8) return Status(kConditionsNotSatisfied);
  auto k_ic = core::RandomBytes(random_, 16);
  if (!k_ic) return Status(kConditionsNotSatisfied);
  auto result = BacCardAuthenticate(secrets_.bac, rnd_ic_, c.data, SecretBytes(*k_ic));
  rnd_ic_.clear();
  if (!result) return Status(kAuthFailed);
  // The answer goes out in plain (the command was plain); secure messaging
  // starts with the next command.
  session_.emplace(std::move(result->session));
  return ResponseApdu{std::move(result->response), kOk};
}

ResponseApdu VirtualCard::MseSetAt(const CommandApdu& c) {
  if (quirks_.bac_only) return Status(kInsNotSupported);
  if (c.p1 != 0xC1 || c.p2 != 0xA4) return Status(kWrongP1P2);
  auto objects = ParseTlvs(c.data);
  if (!objects) return Status(kIncorrectData);
  auto protocol = FindTag(*objects, 0x80);
  auto password = FindTag(*objects, 0x83);
  auto parameter = FindTag(*objects, 0x84);
  if (!protocol || !password || password->value.size() != 1) return Status(kIncorrectData);
  if (!std::equal(protocol->value.begin(), protocol->value.end(), kPaceEcdhGmAes128Oid.begin(),
                  kPaceEcdhGmAes128Oid.end()) ||
      protocol->value.size() != kPaceEcdhGmAes128Oid.size()) {
    return Status(kIncorrectData);
  }
  if (password->value[0] != kPasswordCan) return Status(kIncorrectData);
  if (parameter &&
      (parameter->value.size() != 1 || parameter->value[0] != secrets_.pace_parameter_id)) {
    return Status(kIncorrectData);
  }
  auto curve = PaceCurve::ForParameterId(secrets_.pace_parameter_id, random_);
  if (!curve) return Status(kIncorrectData);
  EndSession();
  pace_ = std::make_unique<PaceState>(
      PaceState{0, std::move(curve).Value(), {}, {}, {}, {}, {}, {}, {}});
  return Status(kOk);
}

namespace {
// The value of the one data object inside 7C, if its tag is `tag`.
std::optional<Bytes> DynamicAuthData(const CommandApdu& c, std::uint32_t tag) {
  auto outer = ParseSingleTlv(c.data);
  if (!outer || outer->tag != 0x7C) return std::nullopt;
  if (tag == 0 && outer->value.empty()) return Bytes{};
  auto inner = ParseSingleTlv(outer->value);
  if (!inner || inner->tag != tag) return std::nullopt;
  return Bytes(inner->value.begin(), inner->value.end());
}

ResponseApdu DynamicAuthResponse(std::uint32_t tag, ByteView value) {
  return ResponseApdu{EncodeTlv(0x7C, EncodeTlv(tag, value)), kOk};
}
}  // namespace

ResponseApdu VirtualCard::GeneralAuthenticate(const CommandApdu& c) {
  if (!pace_) return Status(kConditionsNotSatisfied);
  PaceState& p = *pace_;
  auto fail = [this](std::uint16_t sw) {
    pace_.reset();
    return Status(sw);
  };
  auto password_key = PacePasswordKey(secrets_.can, kPasswordCan);
  if (!password_key) return fail(kConditionsNotSatisfied);
  switch (p.step) {
    case 0: {  // encrypted nonce
      if (!DynamicAuthData(c, 0)) return fail(kIncorrectData);
      auto nonce = core::RandomBytes(random_, 16);
      if (!nonce) return fail(kConditionsNotSatisfied);
      p.nonce = SecretBytes(*nonce);
      auto z = PaceEncryptNonce(*password_key, p.nonce);
      if (!z) return fail(kConditionsNotSatisfied);
      p.step = 1;
      return DynamicAuthResponse(0x80, *z);
    }
    case 1: {  // mapping
      auto terminal_map = DynamicAuthData(c, 0x81);
      if (!terminal_map) return fail(kIncorrectData);
      auto sk = p.curve.NewPrivateKey();
      if (!sk) return fail(kConditionsNotSatisfied);
      auto pk = p.curve.PublicKey(*sk);
      auto shared = p.curve.Multiply(*sk, *terminal_map);
      if (!pk || !shared) return fail(kIncorrectData);
      auto generator = p.curve.MapGenerator(p.nonce, *shared);
      if (!generator) return fail(kIncorrectData);
      p.map_private = std::move(*sk);
      p.generator = std::move(*generator);
      p.step = 2;
      return DynamicAuthResponse(0x82, *pk);
    }
    case 2: {  // key agreement
      auto terminal_dh = DynamicAuthData(c, 0x83);
      if (!terminal_dh) return fail(kIncorrectData);
      auto sk = p.curve.NewPrivateKey();
      if (!sk) return fail(kConditionsNotSatisfied);
      auto pk = p.curve.PublicKey(*sk, p.generator);
      if (!pk) return fail(kConditionsNotSatisfied);
      if (*pk == *terminal_dh) return fail(kIncorrectData);
      auto shared = p.curve.Multiply(*sk, *terminal_dh);
      if (!shared) return fail(kIncorrectData);
      p.dh_private = std::move(*sk);
      p.dh_public = *pk;
      p.terminal_dh_public = *terminal_dh;
      p.shared_point = SecretBytes(*shared);
      p.step = 3;
      return DynamicAuthResponse(0x84, *pk);
    }
    case 3: {  // mutual authentication
      auto token = DynamicAuthData(c, 0x85);
      if (!token) return fail(kIncorrectData);
      auto keys = PaceDeriveKeys(p.shared_point.View());
      if (!keys) return fail(kConditionsNotSatisfied);
      auto expected = PaceAuthToken(keys->ks_mac, kPaceEcdhGmAes128Oid, p.dh_public);
      if (!expected || !core::ConstantTimeEquals(*expected, *token)) return fail(kAuthFailed);
      auto answer = PaceAuthToken(keys->ks_mac, kPaceEcdhGmAes128Oid, p.terminal_dh_public);
      if (!answer) return fail(kConditionsNotSatisfied);
      pace_.reset();
      session_.emplace(PaceSecureMessaging(std::move(*keys)));
      return DynamicAuthResponse(0x86, *answer);
    }
    default:
      return fail(kConditionsNotSatisfied);
  }
}

ResponseApdu VirtualCard::InternalAuthenticate(const CommandApdu& c) {
  if (!session_ || !secrets_.active_auth_key) return Status(kSecurityNotSatisfied);
  if (c.data.size() != 8) return Status(kWrongLength);
  auto digest = core::Digest(core::HashAlg::kSha256, c.data);
  if (!digest) return Status(kConditionsNotSatisfied);
  auto signature = secrets_.active_auth_key->SignRaw(core::HashAlg::kSha256, *digest, random_);
  if (!signature) return Status(kConditionsNotSatisfied);
  return ResponseApdu{std::move(*signature), kOk};
}

}  // namespace kiosk::idcard::sim
