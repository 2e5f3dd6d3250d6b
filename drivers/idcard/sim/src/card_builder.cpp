#include <functional>

#include "kiosk/core/hash.h"
#include "kiosk/idcard/lds.h"
#include "kiosk/idcard/mrz.h"
#include "kiosk/idcard/sim/persona.h"
#include "kiosk/idcard/sod.h"
#include "kiosk/idcard/tlv.h"

namespace kiosk::idcard::sim {

using core::Error;
using core::Expected;

namespace {

void Append(Bytes& out, core::ByteView more) { out.insert(out.end(), more.begin(), more.end()); }

Bytes Seq(core::ByteView content) { return EncodeTlv(0x30, content); }
Bytes Oid(const Bytes& value) { return EncodeTlv(0x06, value); }
Bytes Int(std::uint8_t v) { return EncodeTlv(0x02, Bytes{v}); }
Bytes Octets(core::ByteView v) { return EncodeTlv(0x04, v); }

// The issuer Name and serial INTEGER of a certificate, from its DER.
Expected<std::pair<Bytes, Bytes>> IssuerAndSerial(const core::Certificate& cert) {
  KIOSK_ASSIGN_OR_RETURN(const Tlv top, ParseSingleTlv(cert.Der()));
  KIOSK_ASSIGN_OR_RETURN(const auto parts, top.Children());
  if (parts.empty()) return Error::Fatal("sim.cert", "empty certificate");
  KIOSK_ASSIGN_OR_RETURN(const auto tbs, parts[0].Children());
  std::size_t i = tbs.size() > 0 && tbs[0].tag == 0xA0 ? 1 : 0;
  if (tbs.size() < i + 3) return Error::Fatal("sim.cert", "short TBSCertificate");
  return std::make_pair(Bytes(tbs[i + 2].raw.begin(), tbs[i + 2].raw.end()),
                        Bytes(tbs[i].raw.begin(), tbs[i].raw.end()));
}

const Bytes kActiveAuthOid{0x67, 0x81, 0x08, 0x01, 0x01, 0x05};  // 2.23.136.1.1.5
const Bytes kEcdsaPlainSha256{0x04, 0x00, 0x7F, 0x00, 0x07, 0x01, 0x01, 0x04, 0x01, 0x03};
const Bytes kTaOid{0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x02};
const Bytes kCaOid{0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x03, 0x02, 0x02};

Bytes SecurityInfos(const Persona& p, bool with_active_auth) {
  Bytes set;
  Append(set, Seq([&] {
           Bytes b = Oid(kTaOid);
           Append(b, Int(1));
           return b;
         }()));
  Append(set, Seq([&] {
           Bytes b = Oid(kCaOid);
           Append(b, Int(1));
           return b;
         }()));
  if (!p.bac_only) {
    Bytes pace = Oid(kPaceEcdhGmAes128Oid);
    Append(pace, Int(2));
    Append(pace, Int(static_cast<std::uint8_t>(p.pace_parameter_id)));
    Append(set, Seq(pace));
  }
  if (with_active_auth) {
    Bytes aa = Oid(kActiveAuthOid);
    Append(aa, Int(1));
    Append(aa, Oid(kEcdsaPlainSha256));
    Append(set, Seq(aa));
  }
  return EncodeTlv(0x31, set);
}

Bytes Dg13From(const Persona& p) {
  std::vector<std::pair<int, Bytes>> fields;
  auto text = [&fields](int n, const std::string& value, bool printable = false) {
    if (!value.empty()) fields.emplace_back(n, Dg13String(value, printable));
  };
  text(1, p.id_number, true);
  text(2, p.full_name);
  text(3, p.birth_date, true);
  text(4, p.sex);
  text(5, p.nationality);
  text(6, p.ethnicity);
  text(7, p.religion);
  text(8, p.place_of_origin);
  text(9, p.residence);
  text(10, p.identification_marks);
  text(11, p.issue_date, true);
  text(12, p.expiry_date.empty() ? "Không thời hạn" : p.expiry_date);
  Bytes parents = Seq(Dg13String(p.father_name));
  Append(parents, Seq(Dg13String(p.mother_name)));
  fields.emplace_back(13, parents);
  fields.emplace_back(14, p.spouse_name.empty() ? Bytes{} : Seq(Dg13String(p.spouse_name)));
  text(15, p.old_id_number, true);
  text(16, p.card_serial, true);
  return BuildDg13(fields);
}

std::uint64_t SeedOf(const std::string& text) {
  std::uint64_t h = 1469598103934665603ULL;
  for (char c : text) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  return h;
}

}  // namespace

Expected<Bytes> BuildSod(core::HashAlg hash, const std::map<int, Bytes>& data_groups,
                         const core::PrivateKey& signer_key, const core::Certificate& signer_cert,
                         core::RandomSource& random) {
  const Bytes hash_alg = Seq(Oid(oid::ForHash(hash)));
  Bytes hashes;
  for (const auto& [number, bytes] : data_groups) {
    KIOSK_ASSIGN_OR_RETURN(const Bytes digest, core::Digest(hash, bytes));
    Bytes entry = Int(static_cast<std::uint8_t>(number));
    Append(entry, Octets(digest));
    Append(hashes, Seq(entry));
  }
  Bytes lds_so = Int(0);
  Append(lds_so, hash_alg);
  Append(lds_so, Seq(hashes));
  const Bytes content = Seq(lds_so);

  KIOSK_ASSIGN_OR_RETURN(const Bytes content_digest, core::Digest(core::HashAlg::kSha256, content));
  Bytes content_type = Oid(oid::kContentType);
  Append(content_type, EncodeTlv(0x31, Oid(oid::kLdsSecurityObject)));
  Bytes message_digest = Oid(oid::kMessageDigest);
  Append(message_digest, EncodeTlv(0x31, Octets(content_digest)));
  Bytes attributes = Seq(content_type);
  Append(attributes, Seq(message_digest));
  const Bytes signed_set = EncodeTlv(0x31, attributes);
  KIOSK_ASSIGN_OR_RETURN(const Bytes to_sign, core::Digest(core::HashAlg::kSha256, signed_set));
  KIOSK_ASSIGN_OR_RETURN(const Bytes signature,
                         signer_key.SignDer(core::HashAlg::kSha256, to_sign, random));

  KIOSK_ASSIGN_OR_RETURN(const auto issuer_serial, IssuerAndSerial(signer_cert));
  Bytes sid = issuer_serial.first;
  Append(sid, issuer_serial.second);
  Bytes signer_info = Int(1);
  Append(signer_info, Seq(sid));
  Append(signer_info, Seq(Oid(oid::ForHash(core::HashAlg::kSha256))));
  Append(signer_info, EncodeTlv(0xA0, attributes));
  Append(signer_info, Seq(Oid(oid::kEcdsaSha256)));
  Append(signer_info, Octets(signature));

  Bytes signed_data = Int(3);
  Append(signed_data, EncodeTlv(0x31, Seq(Oid(oid::ForHash(core::HashAlg::kSha256)))));
  Bytes encap = Oid(oid::kLdsSecurityObject);
  Append(encap, EncodeTlv(0xA0, Octets(content)));
  Append(signed_data, Seq(encap));
  Append(signed_data, EncodeTlv(0xA0, signer_cert.Der()));
  Append(signed_data, EncodeTlv(0x31, Seq(signer_info)));

  Bytes content_info = Oid(oid::kSignedData);
  Append(content_info, EncodeTlv(0xA0, Seq(signed_data)));
  return EncodeTlv(0x77, Seq(content_info));
}

Expected<BuiltCard> BuildCard(const Persona& p, const TestPki& pki, core::RandomSource& random) {
  BuiltCard card;
  KIOSK_ASSIGN_OR_RETURN(std::string mrz,
                         FormatCccdTd1(p.id_number, p.MrzBirth(), p.sex == "Nam" ? 'M' : 'F',
                                       p.MrzExpiry(), p.mrz_name));
  KIOSK_ASSIGN_OR_RETURN(const Bytes jpeg, SyntheticFaceJpeg(SeedOf(p.id_number), p.photo_width,
                                                             p.photo_height, p.photo_noise));
  std::map<int, Bytes> dgs;
  dgs[1] = BuildDg1(mrz);
  dgs[2] = BuildDg2(jpeg, false, p.photo_width, p.photo_height);
  dgs[13] = Dg13From(p);
  dgs[14] = EncodeTlv(0x6E, SecurityInfos(p, p.active_authentication));
  if (p.active_authentication) {
    KIOSK_ASSIGN_OR_RETURN(auto aa_key, core::PrivateKey::GenerateP256(random));
    KIOSK_ASSIGN_OR_RETURN(auto aa_pub, aa_key.Public());
    KIOSK_ASSIGN_OR_RETURN(const Bytes spki, aa_pub.ToDer());
    dgs[15] = EncodeTlv(0x6F, spki);
    card.secrets.active_auth_key.emplace(std::move(aa_key));
  }
  KIOSK_ASSIGN_OR_RETURN(Bytes sod,
                         BuildSod(core::HashAlg::kSha256, dgs, pki.dsc_key, pki.dsc, random));
  if (p.bad_sod_signature) {
    // The last bytes of the SOD are the signature's s value.
    sod[sod.size() - 3] ^= 0x5A;
  }
  if (p.tamper_data_group != 0) {
    auto it = dgs.find(p.tamper_data_group);
    if (it == dgs.end()) return Error::NeedsPerson("persona.invalid", "tampered group not on card");
    if (p.tamper_data_group == 13) {
      Persona changed = p;
      changed.full_name += " A";  // a plausible forgery: the name edited after signing
      it->second = Dg13From(changed);
    } else {
      // A byte inside the value, away from the structure.
      it->second[it->second.size() - 8] ^= 0x01;
    }
  }

  std::vector<int> listed;
  for (const auto& [number, bytes] : dgs) listed.push_back(number);
  listed.push_back(3);  // DG3 exists on the CCCD but needs EAC: listed, never readable
  card.files[kEfCom.fid] = BuildEfCom(listed);
  for (const auto& [number, bytes] : dgs) card.files[FindLdsFileByNumber(number)->fid] = bytes;
  card.files[kEfSod.fid] = std::move(sod);
  if (!p.bac_only) card.files[kEfCardAccess.fid] = SecurityInfos(p, false);

  card.secrets.can = SecretBytes(core::AsBytes(std::string_view(p.id_number).substr(6)));
  KIOSK_ASSIGN_OR_RETURN(auto info, BacMrzInformation(std::string_view(p.id_number).substr(3),
                                                      p.MrzBirth(), p.MrzExpiry()));
  KIOSK_ASSIGN_OR_RETURN(card.secrets.bac, DeriveBacKeys(info));
  card.secrets.pace_parameter_id = p.pace_parameter_id;
  card.quirks = p.quirks;
  return card;
}

}  // namespace kiosk::idcard::sim
