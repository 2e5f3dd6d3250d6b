#include "kiosk/idcard/chip_reader.h"

#include "kiosk/core/hash.h"
#include "kiosk/core/pk.h"
#include "kiosk/idcard/bac.h"
#include "kiosk/idcard/mrz.h"
#include "kiosk/idcard/sod.h"
#include "kiosk/idcard/tlv.h"

namespace kiosk::idcard {

using core::Error;
using core::Expected;
using core::PersonalText;

namespace {

constexpr std::size_t kMinChunk = 16;
constexpr std::size_t kMaxShortOffset = 0x7FFF;
const Bytes kLdsAid{0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01};

Error ReadError(const std::string& what, std::uint16_t sw) {
  return Error::NeedsPerson("card.read_error", what + ": card answered " + DescribeStatus(sw));
}

// The length of a TLV from its first bytes: header size + value size.
Expected<std::size_t> TotalLength(ByteView head) {
  if (head.size() < 2) return Error::NeedsPerson("lds.malformed", "file shorter than a TLV header");
  const std::size_t first = head[1];
  if (first < 0x80) return 2 + first;
  const std::size_t count = first & 0x7F;
  if (count == 0 || count > 3 || head.size() < 2 + count) {
    return Error::NeedsPerson("lds.malformed", "unsupported file length encoding");
  }
  std::size_t length = 0;
  for (std::size_t i = 0; i < count; ++i) length = (length << 8) | head[2 + i];
  return 2 + count + length;
}

// The DG13 text of a field as a PersonalText.
PersonalText Field(const Dg13& dg13, Dg13Field field) { return PersonalText(dg13.Text(field)); }

}  // namespace

ChipReader::ChipReader(CardChannel& channel, const core::Clock& clock, core::RandomSource& random)
    : channel_(channel), clock_(clock), random_(random) {}

void ChipReader::Phase(const std::string& name, core::MonoTime started) {
  stats_.phases.emplace_back(
      name, std::chrono::duration_cast<std::chrono::microseconds>(clock_.Monotonic() - started));
}

void ChipReader::Progress(const std::string& phase, int percent) {
  if (options_ && options_->on_progress) options_->on_progress({phase, percent});
}

Expected<ResponseApdu> ChipReader::Send(const CommandApdu& command) {
  CommandApdu wire = command;
  if (session_) {
    KIOSK_ASSIGN_OR_RETURN(wire, session_->ProtectCommand(command));
  }
  const Bytes encoded = wire.Encode();
  ++stats_.apdus;
  stats_.bytes_sent += encoded.size();
  KIOSK_ASSIGN_OR_RETURN(ResponseApdu response, channel_.Transmit(wire));
  stats_.bytes_received += response.data.size() + 2;
  if (!session_) return response;
  auto plain = session_->UnprotectResponse(response);
  if (!plain) {
    session_.reset();
    return std::move(plain).GetError().WithContext("secure messaging");
  }
  return plain;
}

Expected<std::optional<PaceInfo>> ChipReader::ReadCardAccess() {
  // Straight to EF.CardAccess: some CCCDs refuse SELECT MF with 6D00.
  KIOSK_ASSIGN_OR_RETURN(const ResponseApdu selected,
                         Send({0x00, 0xA4, 0x02, 0x0C, {0x01, 0x1C}, std::nullopt}));
  if (!selected.IsOk()) return std::optional<PaceInfo>();
  auto bytes = ReadFile(kEfCardAccess);
  if (!bytes) {
    if (bytes.GetError().Code() == "card.removed") return std::move(bytes).GetError();
    return std::optional<PaceInfo>();
  }
  auto infos = ParseCardAccess(*bytes);
  if (!infos) return std::optional<PaceInfo>();
  for (const auto& info : *infos) {
    if (info.IsSupported()) return std::optional<PaceInfo>(info);
  }
  return std::optional<PaceInfo>();
}

Expected<Bytes> ChipReader::ReadChunk(std::size_t offset, std::size_t length, std::uint8_t sfi,
                                      bool first) {
  while (true) {
    const std::size_t ask = std::min(length, chunk_);
    CommandApdu read;
    const bool extended = offset > kMaxShortOffset;
    if (first && sfi != 0) {
      read = {0x00, 0xB0, static_cast<std::uint8_t>(0x80 | sfi), static_cast<std::uint8_t>(offset),
              {},   ask};
    } else if (!extended) {
      read = {0x00,
              0xB0,
              static_cast<std::uint8_t>(offset >> 8),
              static_cast<std::uint8_t>(offset & 0xFF),
              {},
              ask};
    } else {
      Bytes value;
      for (int shift = 16; shift >= 0; shift -= 8) {
        if (offset >> shift || !value.empty())
          value.push_back(static_cast<std::uint8_t>(offset >> shift));
      }
      read = {0x00, 0xB1, 0x00, 0x00, EncodeTlv(0x54, value), ask + 4};
    }
    ++stats_.read_commands;
    KIOSK_ASSIGN_OR_RETURN(ResponseApdu r, Send(read));
    if (r.sw == 0x6700 || (r.Sw1() == 0x6C) || (r.sw == 0x6282 && r.data.empty())) {
      // The card wants smaller reads: take its hint, or shrink by a third.
      ++stats_.chunk_retries;
      std::size_t next = r.Sw1() == 0x6C && r.Sw2() != 0 ? r.Sw2() : chunk_ * 2 / 3;
      if (next >= chunk_) next = chunk_ - 1;
      if (next < kMinChunk) return ReadError("READ BINARY keeps failing", r.sw);
      chunk_ = next;
      continue;
    }
    if (!r.IsOk() && r.sw != 0x6282) return ReadError("READ BINARY", r.sw);
    Bytes data = std::move(r.data);
    if (read.ins == 0xB1) {
      auto wrapped = ParseSingleTlv(data);
      if (!wrapped || wrapped->tag != 0x53) {
        return Error::NeedsPerson("card.read_error", "extended READ BINARY answer is not DO'53'");
      }
      data.assign(wrapped->value.begin(), wrapped->value.end());
    }
    if (data.empty()) return ReadError("READ BINARY returned no data", r.sw);
    last_read_short_ = r.sw == 0x6282 && data.size() < ask;
    return data;
  }
}

Expected<Bytes> ChipReader::ReadFile(const LdsFile& file) {
  const core::MonoTime started = clock_.Monotonic();
  // The first chunk by short file id (no SELECT needed): small files come
  // whole, and the TLV header tells the length of the rest.
  KIOSK_ASSIGN_OR_RETURN(Bytes content, ReadChunk(0, chunk_, file.sfi, true));
  KIOSK_ASSIGN_OR_RETURN(const std::size_t total, TotalLength(content));
  if (content.size() > total) content.resize(total);
  if (!content.empty() && content[0] != file.tag) {
    return Error::NeedsPerson("lds.malformed", std::string(file.name) + " has an unexpected tag");
  }
  // 6282 with fewer bytes than asked, before the end of the file: the card
  // reads less at a time; use its size from now on.
  auto adapt = [this](std::size_t got, std::size_t have, std::size_t total_size) {
    if (last_read_short_ && have < total_size) {
      ++stats_.chunk_retries;
      chunk_ = std::max(kMinChunk, got);
    }
  };
  adapt(content.size(), content.size(), total);
  while (content.size() < total) {
    KIOSK_ASSIGN_OR_RETURN(Bytes more, ReadChunk(content.size(), total - content.size(), 0, false));
    content.insert(content.end(), more.begin(), more.end());
    adapt(more.size(), content.size(), total);
  }
  content.resize(total);
  stats_.file_sizes[file.name] = total;
  Phase(file.name, started);
  return content;
}

core::Status ChipReader::Pace(const std::string& can, const PaceInfo& info) {
  KIOSK_ASSIGN_OR_RETURN(PaceCurve curve, PaceCurve::ForParameterId(info.parameter_id, random_));
  KIOSK_ASSIGN_OR_RETURN(const SecretBytes password_key,
                         PacePasswordKey(SecretBytes(core::AsBytes(can)), kPasswordCan));
  Bytes mse;
  AppendTlv(mse, 0x80, info.protocol);
  AppendTlv(mse, 0x83, Bytes{kPasswordCan});
  Bytes with_parameter = mse;
  AppendTlv(with_parameter, 0x84, Bytes{static_cast<std::uint8_t>(info.parameter_id)});
  // The parameter id helps some cards and is refused by others: try both.
  KIOSK_ASSIGN_OR_RETURN(ResponseApdu r,
                         Send({0x00, 0x22, 0xC1, 0xA4, with_parameter, std::nullopt}));
  if (!r.IsOk()) {
    KIOSK_ASSIGN_OR_RETURN(r, Send({0x00, 0x22, 0xC1, 0xA4, mse, std::nullopt}));
  }
  if (!r.IsOk()) return ReadError("MSE:Set AT", r.sw);

  auto general_authenticate = [this](std::uint8_t cla, std::uint32_t tag, ByteView value,
                                     std::uint32_t expect) -> Expected<Bytes> {
    const Bytes data = tag == 0 ? EncodeTlv(0x7C, {}) : EncodeTlv(0x7C, EncodeTlv(tag, value));
    KIOSK_ASSIGN_OR_RETURN(ResponseApdu answer, Send({cla, 0x86, 0x00, 0x00, data, 256}));
    if (answer.sw == 0x6300 || answer.Sw1() == 0x63) {
      return Error::NeedsPerson("card.wrong_key", "the chip refused the CAN (PACE)");
    }
    if (!answer.IsOk()) return ReadError("GENERAL AUTHENTICATE", answer.sw);
    auto outer = ParseSingleTlv(answer.data);
    if (!outer || outer->tag != 0x7C) return Error::NeedsPerson("pace.invalid", "answer is not 7C");
    auto inner = ParseSingleTlv(outer->value);
    if (!inner || inner->tag != expect) {
      return Error::NeedsPerson("pace.invalid", "unexpected data object in the PACE answer");
    }
    return Bytes(inner->value.begin(), inner->value.end());
  };

  KIOSK_ASSIGN_OR_RETURN(const Bytes z, general_authenticate(0x10, 0, {}, 0x80));
  KIOSK_ASSIGN_OR_RETURN(const SecretBytes nonce, PaceDecryptNonce(password_key, z));
  KIOSK_ASSIGN_OR_RETURN(const SecretBytes map_private, curve.NewPrivateKey());
  KIOSK_ASSIGN_OR_RETURN(const Bytes map_public, curve.PublicKey(map_private));
  KIOSK_ASSIGN_OR_RETURN(const Bytes card_map, general_authenticate(0x10, 0x81, map_public, 0x82));
  KIOSK_ASSIGN_OR_RETURN(const Bytes shared_map, curve.Multiply(map_private, card_map));
  KIOSK_ASSIGN_OR_RETURN(const Bytes generator, curve.MapGenerator(nonce, shared_map));
  KIOSK_ASSIGN_OR_RETURN(const SecretBytes dh_private, curve.NewPrivateKey());
  KIOSK_ASSIGN_OR_RETURN(const Bytes dh_public, curve.PublicKey(dh_private, generator));
  KIOSK_ASSIGN_OR_RETURN(const Bytes card_dh, general_authenticate(0x10, 0x83, dh_public, 0x84));
  if (card_dh == dh_public) return Error::NeedsPerson("pace.invalid", "chip echoed our key");
  KIOSK_ASSIGN_OR_RETURN(const Bytes shared, curve.Multiply(dh_private, card_dh));
  KIOSK_ASSIGN_OR_RETURN(PaceSessionKeys keys, PaceDeriveKeys(shared));
  KIOSK_ASSIGN_OR_RETURN(const Bytes token, PaceAuthToken(keys.ks_mac, info.protocol, card_dh));
  KIOSK_ASSIGN_OR_RETURN(const Bytes card_token, general_authenticate(0x00, 0x85, token, 0x86));
  KIOSK_ASSIGN_OR_RETURN(const Bytes expected,
                         PaceAuthToken(keys.ks_mac, info.protocol, dh_public));
  if (!core::ConstantTimeEquals(expected, card_token)) {
    return Error::NeedsPerson("pace.bad_token", "the chip's authentication token does not verify");
  }
  session_.emplace(PaceSecureMessaging(std::move(keys)));
  stats_.access_method = "PACE-CAN";
  return core::Ok();
}

core::Status ChipReader::SelectApplication() {
  KIOSK_ASSIGN_OR_RETURN(ResponseApdu r, Send({0x00, 0xA4, 0x04, 0x0C, kLdsAid, std::nullopt}));
  if (!r.IsOk()) return ReadError("SELECT eMRTD application", r.sw);
  return core::Ok();
}

core::Status ChipReader::Bac(const std::vector<BacInput>& candidates) {
  for (const auto& candidate : candidates) {
    KIOSK_ASSIGN_OR_RETURN(
        auto info,
        BacMrzInformation(candidate.document_number, candidate.birth_date, candidate.expiry_date));
    KIOSK_ASSIGN_OR_RETURN(BacKeys keys, DeriveBacKeys(info));
    KIOSK_ASSIGN_OR_RETURN(ResponseApdu challenge, Send({0x00, 0x84, 0x00, 0x00, {}, 8}));
    if (!challenge.IsOk() || challenge.data.size() != 8) {
      return ReadError("GET CHALLENGE", challenge.sw);
    }
    KIOSK_ASSIGN_OR_RETURN(const Bytes rnd_ifd, core::RandomBytes(random_, 8));
    KIOSK_ASSIGN_OR_RETURN(const Bytes k_ifd, core::RandomBytes(random_, 16));
    KIOSK_ASSIGN_OR_RETURN(
        BacTerminalState state,
        BacBeginAuthentication(keys, challenge.data, rnd_ifd, SecretBytes(k_ifd)));
    KIOSK_ASSIGN_OR_RETURN(ResponseApdu answer,
                           Send({0x00, 0x82, 0x00, 0x00, state.command_data, 40}));
    if (answer.sw == 0x6300 || answer.sw == 0x6982 || answer.Sw1() == 0x63) continue;  // next key
    if (!answer.IsOk()) return ReadError("EXTERNAL AUTHENTICATE", answer.sw);
    KIOSK_ASSIGN_OR_RETURN(SecureMessaging session,
                           BacCompleteAuthentication(keys, state, answer.data));
    session_.emplace(std::move(session));
    stats_.access_method = "BAC";
    return core::Ok();
  }
  return Error::NeedsPerson("card.wrong_key", "no BAC key opened the chip (" +
                                                  std::to_string(candidates.size()) + " tried)");
}

Expected<CitizenIdentity> ChipReader::Read(const AccessKey& key, const ReadOptions& options,
                                           ReadStats* stats) {
  stats_ = ReadStats{};
  session_.reset();
  chunk_ = kInitialChunk;
  options_ = &options;
  auto result = [&]() -> Expected<CitizenIdentity> {
    // 1. Access control: PACE with the CAN when the chip offers it, else BAC.
    core::MonoTime started = clock_.Monotonic();
    Progress("access", 0);
    KIOSK_ASSIGN_OR_RETURN(const std::optional<PaceInfo> pace, ReadCardAccess());
    bool opened = false;
    Error last_error = Error::NeedsPerson("card.wrong_key", "no key to open the chip");
    if (pace && key.Can()) {
      auto done = Pace(*key.Can(), *pace);
      if (done) {
        opened = true;
      } else {
        if (done.GetError().Code() == "card.removed") return std::move(done).GetError();
        last_error = std::move(done).GetError();
        session_.reset();
      }
    }
    if (opened) {
      KIOSK_TRY(SelectApplication());
    } else {
      if (key.BacCandidates().empty()) return last_error;
      KIOSK_TRY(SelectApplication());
      KIOSK_TRY(Bac(key.BacCandidates()));
    }
    Phase("access", started);
    Progress("access", 10);

    // 2. The files.
    KIOSK_ASSIGN_OR_RETURN(const Bytes com_bytes, ReadFile(kEfCom));
    KIOSK_ASSIGN_OR_RETURN(const EfCom com, ParseEfCom(com_bytes));
    auto listed = [&com](int dg) {
      return std::find(com.data_groups.begin(), com.data_groups.end(), dg) != com.data_groups.end();
    };
    if (!listed(1) || !listed(13)) {
      return Error::NeedsPerson("lds.malformed", "EF.COM does not list DG1 and DG13");
    }
    std::map<int, Bytes> groups;
    const std::vector<std::pair<int, int>> plan = {{1, 15}, {13, 25}, {2, 75}, {14, 80}, {15, 85}};
    for (const auto& [dg, percent] : plan) {
      if (!listed(dg) || (dg == 2 && !options.read_photo)) continue;
      KIOSK_ASSIGN_OR_RETURN(groups[dg], ReadFile(*FindLdsFileByNumber(dg)));
      Progress("DG" + std::to_string(dg), percent);
    }
    KIOSK_ASSIGN_OR_RETURN(const Bytes sod_bytes, ReadFile(kEfSod));
    Progress("SOD", 90);

    // 3. Parse.
    KIOSK_ASSIGN_OR_RETURN(Td1 td1, ParseDg1(groups[1]));
    KIOSK_ASSIGN_OR_RETURN(Dg13 dg13, ParseDg13(groups[13]));
    CitizenIdentity id;
    id.id_number = Field(dg13, Dg13Field::kIdNumber);
    if (!td1.id_number.Reveal().empty() && td1.id_number.Reveal() != id.id_number.Reveal()) {
      return Error::NeedsPerson("lds.malformed", "DG1 and DG13 disagree on the ID number");
    }
    if (!key.IdNumber().Reveal().empty() && key.IdNumber().Reveal() != id.id_number.Reveal()) {
      return Error::NeedsPerson("card.mismatch",
                                "the chip belongs to another ID number than the key");
    }
    id.full_name = Field(dg13, Dg13Field::kFullName);
    id.mrz_name = td1.name.Clone();
    id.birth_date = Field(dg13, Dg13Field::kBirthDate);
    id.sex = Field(dg13, Dg13Field::kSex);
    id.nationality = Field(dg13, Dg13Field::kNationality);
    id.ethnicity = Field(dg13, Dg13Field::kEthnicity);
    id.religion = Field(dg13, Dg13Field::kReligion);
    id.place_of_origin = Field(dg13, Dg13Field::kPlaceOfOrigin);
    id.residence = Field(dg13, Dg13Field::kResidence);
    id.identification_marks = Field(dg13, Dg13Field::kIdentificationMarks);
    id.issue_date = Field(dg13, Dg13Field::kIssueDate);
    id.expiry_date = Field(dg13, Dg13Field::kExpiryDate);
    id.father_name = dg13.father_name.Clone();
    id.mother_name = dg13.mother_name.Clone();
    id.spouse_name = dg13.spouse_name.Clone();
    id.old_id_number = Field(dg13, Dg13Field::kOldIdNumber);
    id.card_serial = Field(dg13, Dg13Field::kCardSerial);
    if (groups.contains(2)) {
      KIOSK_ASSIGN_OR_RETURN(FaceImage face, ParseDg2(groups[2]));
      id.photo_mime = face.mime;
      id.photo = std::move(face.data);
    }
    id.access_method = stats_.access_method;

    // 4. Verify.
    started = clock_.Monotonic();
    KIOSK_ASSIGN_OR_RETURN(const SecurityObject sod, ParseSod(sod_bytes));
    const TrustStore empty;
    VerifyPassive(sod, groups, options.trust ? *options.trust : empty, clock_.Now(),
                  id.authenticity);
    Phase("passive authentication", started);

    started = clock_.Monotonic();
    if (!groups.contains(15)) {
      id.authenticity.active_authentication = {CheckState::kNotChecked, "the chip has no DG15"};
    } else if (!options.active_authentication) {
      id.authenticity.active_authentication = {CheckState::kNotChecked, "not requested"};
    } else {
      KIOSK_ASSIGN_OR_RETURN(const Bytes spki, ParseDg15(groups[15]));
      auto aa_key = core::PublicKey::FromDer(spki);
      if (!aa_key || aa_key->GetType() != core::PublicKey::Type::kEc) {
        id.authenticity.active_authentication = {CheckState::kNotChecked,
                                                 "only ECDSA Active Authentication is supported"};
      } else {
        KIOSK_ASSIGN_OR_RETURN(const Bytes challenge, core::RandomBytes(random_, 8));
        KIOSK_ASSIGN_OR_RETURN(ResponseApdu answer, Send({0x00, 0x88, 0x00, 0x00, challenge, 256}));
        KIOSK_ASSIGN_OR_RETURN(const Bytes digest, core::Digest(core::HashAlg::kSha256, challenge));
        if (answer.IsOk() && aa_key->VerifyRaw(core::HashAlg::kSha256, digest, answer.data)) {
          id.authenticity.active_authentication = {
              CheckState::kVerified, "the chip signed our challenge with the DG15 key"};
        } else {
          id.authenticity.active_authentication = {
              CheckState::kFailed, "the chip could not sign our challenge with the DG15 key"};
        }
      }
    }
    Phase("active authentication", started);
    Progress("done", 100);
    return id;
  }();
  session_.reset();
  if (stats) *stats = stats_;
  options_ = nullptr;
  return result;
}

}  // namespace kiosk::idcard
