#include "kiosk/idcard/sod.h"

#include "kiosk/core/encoding.h"
#include "kiosk/idcard/tlv.h"

namespace kiosk::idcard {

using core::Error;
using core::Expected;
using core::HashAlg;

namespace oid {
const Bytes kSignedData{0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02};
const Bytes kLdsSecurityObject{0x67, 0x81, 0x08, 0x01, 0x01, 0x01};
const Bytes kContentType{0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x03};
const Bytes kMessageDigest{0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x04};
const Bytes kEcdsaSha256{0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02};

Bytes ForHash(HashAlg alg) {
  switch (alg) {
    case HashAlg::kSha1:
      return {0x2B, 0x0E, 0x03, 0x02, 0x1A};
    case HashAlg::kSha256:
      return {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};
    case HashAlg::kSha384:
      return {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02};
    case HashAlg::kSha512:
      return {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03};
  }
  return {};
}
}  // namespace oid

namespace {

Error Bad(const std::string& why) { return Error::NeedsPerson("sod.malformed", "EF.SOD: " + why); }
Error Unsupported(const std::string& why) {
  return Error::NeedsPerson("sod.unsupported", "EF.SOD: " + why);
}

bool Is(ByteView value, const Bytes& oid) {
  return value.size() == oid.size() && std::equal(oid.begin(), oid.end(), value.begin());
}

Expected<std::vector<Tlv>> Expect(const Tlv& tlv, std::uint32_t tag, const char* what) {
  if (tlv.tag != tag) return Bad(std::string("unexpected tag for ") + what);
  return tlv.Children();
}

Expected<HashAlg> HashFromOid(ByteView value) {
  for (HashAlg alg : {HashAlg::kSha1, HashAlg::kSha256, HashAlg::kSha384, HashAlg::kSha512}) {
    if (Is(value, oid::ForHash(alg))) return alg;
  }
  return Unsupported("unknown hash algorithm " + core::HexEncode(value));
}

// AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }
Expected<std::vector<Tlv>> AlgorithmIdentifier(const Tlv& tlv) {
  KIOSK_ASSIGN_OR_RETURN(auto parts, Expect(tlv, 0x30, "AlgorithmIdentifier"));
  if (parts.empty() || parts[0].tag != 0x06) return Bad("AlgorithmIdentifier without an OID");
  return parts;
}

Expected<HashAlg> HashAlgorithm(const Tlv& tlv) {
  KIOSK_ASSIGN_OR_RETURN(auto parts, AlgorithmIdentifier(tlv));
  return HashFromOid(parts[0].value);
}

struct SignatureAlgorithm {
  SignatureScheme scheme;
  std::optional<HashAlg> hash;  // absent: take the SignerInfo digest algorithm
};

Expected<SignatureAlgorithm> SignatureFromOid(const Tlv& tlv) {
  KIOSK_ASSIGN_OR_RETURN(auto parts, AlgorithmIdentifier(tlv));
  const ByteView v = parts[0].value;
  const Bytes ecdsa_prefix{0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04};
  const Bytes rsa_prefix{0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01};
  if (v.size() >= ecdsa_prefix.size() &&
      std::equal(ecdsa_prefix.begin(), ecdsa_prefix.end(), v.begin())) {
    const ByteView rest = v.subspan(ecdsa_prefix.size());
    if (rest.size() == 1 && rest[0] == 0x01)
      return SignatureAlgorithm{SignatureScheme::kEcdsa, HashAlg::kSha1};
    if (rest.size() == 2 && rest[0] == 0x03) {
      if (rest[1] == 0x02) return SignatureAlgorithm{SignatureScheme::kEcdsa, HashAlg::kSha256};
      if (rest[1] == 0x03) return SignatureAlgorithm{SignatureScheme::kEcdsa, HashAlg::kSha384};
      if (rest[1] == 0x04) return SignatureAlgorithm{SignatureScheme::kEcdsa, HashAlg::kSha512};
    }
  }
  if (v.size() == rsa_prefix.size() + 1 &&
      std::equal(rsa_prefix.begin(), rsa_prefix.end(), v.begin())) {
    switch (v.back()) {
      case 0x01:
        return SignatureAlgorithm{SignatureScheme::kRsaPkcs1, std::nullopt};
      case 0x05:
        return SignatureAlgorithm{SignatureScheme::kRsaPkcs1, HashAlg::kSha1};
      case 0x0B:
        return SignatureAlgorithm{SignatureScheme::kRsaPkcs1, HashAlg::kSha256};
      case 0x0C:
        return SignatureAlgorithm{SignatureScheme::kRsaPkcs1, HashAlg::kSha384};
      case 0x0D:
        return SignatureAlgorithm{SignatureScheme::kRsaPkcs1, HashAlg::kSha512};
      case 0x0A: {
        // RSASSA-PSS-params: [0] hashAlgorithm (default SHA-1).
        HashAlg hash = HashAlg::kSha1;
        if (parts.size() > 1 && parts[1].tag == 0x30) {
          KIOSK_ASSIGN_OR_RETURN(auto params, parts[1].Children());
          if (auto h = FindTag(params, 0xA0)) {
            KIOSK_ASSIGN_OR_RETURN(auto inner, h->Children());
            if (inner.empty()) return Bad("empty PSS hash algorithm");
            KIOSK_ASSIGN_OR_RETURN(hash, HashAlgorithm(inner[0]));
          }
        }
        return SignatureAlgorithm{SignatureScheme::kRsaPss, hash};
      }
      default:
        break;
    }
  }
  return Unsupported("unknown signature algorithm " + core::HexEncode(v));
}

Expected<int> SmallInt(const Tlv& tlv) {
  if (tlv.tag != 0x02 || tlv.value.empty() || tlv.value.size() > 2) {
    return Bad("expected a small INTEGER");
  }
  int v = 0;
  for (auto b : tlv.value) v = (v << 8) | b;
  return v;
}

core::Status ParseSecurityObject(ByteView content, SecurityObject& sod) {
  KIOSK_ASSIGN_OR_RETURN(const Tlv top, ParseSingleTlv(content));
  KIOSK_ASSIGN_OR_RETURN(auto parts, Expect(top, 0x30, "LDSSecurityObject"));
  if (parts.size() < 3) return Bad("LDSSecurityObject is too short");
  KIOSK_ASSIGN_OR_RETURN(const int version, SmallInt(parts[0]));
  if (version != 0 && version != 1) return Unsupported("LDSSecurityObject version");
  KIOSK_ASSIGN_OR_RETURN(sod.hash, HashAlgorithm(parts[1]));
  KIOSK_ASSIGN_OR_RETURN(auto hashes, Expect(parts[2], 0x30, "dataGroupHashValues"));
  for (const auto& entry : hashes) {
    KIOSK_ASSIGN_OR_RETURN(auto pair, Expect(entry, 0x30, "DataGroupHash"));
    if (pair.size() != 2 || pair[1].tag != 0x04) return Bad("malformed DataGroupHash");
    KIOSK_ASSIGN_OR_RETURN(const int number, SmallInt(pair[0]));
    if (pair[1].value.size() != core::DigestSize(sod.hash)) {
      return Bad("data group hash length does not match the algorithm");
    }
    if (!sod.data_group_hashes.emplace(number, Bytes(pair[1].value.begin(), pair[1].value.end()))
             .second) {
      return Bad("data group listed twice");
    }
  }
  return core::Ok();
}

core::Status ParseSignerInfo(const Tlv& tlv, SecurityObject& sod) {
  KIOSK_ASSIGN_OR_RETURN(auto parts, Expect(tlv, 0x30, "SignerInfo"));
  if (parts.size() < 5) return Bad("SignerInfo is too short");
  std::size_t i = 1;  // skip version
  if (parts[i].tag == 0x30) {
    KIOSK_ASSIGN_OR_RETURN(auto sid, parts[i].Children());
    if (sid.size() != 2 || sid[1].tag != 0x02) return Bad("malformed IssuerAndSerialNumber");
    sod.signer_issuer = core::HexEncode(sid[0].raw);
    sod.signer_serial.assign(sid[1].value.begin(), sid[1].value.end());
  } else if (parts[i].tag == 0x80) {
    sod.signer_key_id.assign(parts[i].value.begin(), parts[i].value.end());
  } else {
    return Bad("unknown signer identifier");
  }
  ++i;
  KIOSK_ASSIGN_OR_RETURN(sod.digest, HashAlgorithm(parts[i++]));
  if (i < parts.size() && parts[i].tag == 0xA0) {
    // The signature covers the DER of the attributes as a SET (tag 31).
    const Tlv& attrs = parts[i++];
    sod.signed_bytes.assign(attrs.raw.begin(), attrs.raw.end());
    sod.signed_bytes[0] = 0x31;
    KIOSK_ASSIGN_OR_RETURN(auto list, attrs.Children());
    for (const auto& attr : list) {
      KIOSK_ASSIGN_OR_RETURN(auto fields, Expect(attr, 0x30, "Attribute"));
      if (fields.size() != 2 || fields[0].tag != 0x06 || fields[1].tag != 0x31) {
        return Bad("malformed signed attribute");
      }
      KIOSK_ASSIGN_OR_RETURN(auto values, fields[1].Children());
      if (values.size() != 1) return Bad("a signed attribute must have one value");
      if (Is(fields[0].value, oid::kMessageDigest)) {
        if (values[0].tag != 0x04) return Bad("messageDigest is not an OCTET STRING");
        sod.message_digest = Bytes(values[0].value.begin(), values[0].value.end());
      } else if (Is(fields[0].value, oid::kContentType)) {
        if (values[0].tag != 0x06 || !Is(values[0].value, oid::kLdsSecurityObject)) {
          return Bad("signed contentType is not the LDS security object");
        }
      }
    }
    if (!sod.message_digest) return Bad("signed attributes without a messageDigest");
  }
  if (i >= parts.size()) return Bad("SignerInfo is too short");
  KIOSK_ASSIGN_OR_RETURN(const SignatureAlgorithm sig, SignatureFromOid(parts[i++]));
  sod.scheme = sig.scheme;
  sod.signature_hash = sig.hash.value_or(sod.digest);
  if (i >= parts.size() || parts[i].tag != 0x04) return Bad("SignerInfo without a signature");
  sod.signature.assign(parts[i].value.begin(), parts[i].value.end());
  return core::Ok();
}

}  // namespace

Expected<SecurityObject> ParseSod(ByteView bytes) {
  KIOSK_ASSIGN_OR_RETURN(const Tlv outer, ParseSingleTlv(bytes));
  if (outer.tag != 0x77) return Bad("outer tag is not 77");
  KIOSK_ASSIGN_OR_RETURN(const Tlv content_info, ParseSingleTlv(outer.value));
  KIOSK_ASSIGN_OR_RETURN(auto ci, Expect(content_info, 0x30, "ContentInfo"));
  if (ci.size() != 2 || ci[0].tag != 0x06 || !Is(ci[0].value, oid::kSignedData)) {
    return Bad("content is not CMS SignedData");
  }
  KIOSK_ASSIGN_OR_RETURN(auto explicit0, Expect(ci[1], 0xA0, "ContentInfo content"));
  if (explicit0.size() != 1) return Bad("ContentInfo content must hold one SignedData");
  KIOSK_ASSIGN_OR_RETURN(auto sd, Expect(explicit0[0], 0x30, "SignedData"));
  if (sd.size() < 4) return Bad("SignedData is too short");

  SecurityObject sod;
  std::size_t i = 0;
  KIOSK_ASSIGN_OR_RETURN(const int version, SmallInt(sd[i++]));
  if (version < 1 || version > 5) return Unsupported("SignedData version");
  if (sd[i++].tag != 0x31) return Bad("digestAlgorithms is not a SET");
  KIOSK_ASSIGN_OR_RETURN(auto encap, Expect(sd[i++], 0x30, "EncapsulatedContentInfo"));
  if (encap.size() != 2 || encap[0].tag != 0x06 || !Is(encap[0].value, oid::kLdsSecurityObject)) {
    return Bad("encapsulated content is not an LDS security object");
  }
  KIOSK_ASSIGN_OR_RETURN(auto econtent, Expect(encap[1], 0xA0, "eContent"));
  if (econtent.size() != 1 || econtent[0].tag != 0x04)
    return Bad("eContent is not an OCTET STRING");
  sod.content.assign(econtent[0].value.begin(), econtent[0].value.end());
  KIOSK_TRY(ParseSecurityObject(sod.content, sod));

  if (i < sd.size() && sd[i].tag == 0xA0) {
    KIOSK_ASSIGN_OR_RETURN(auto certs, sd[i].Children());
    for (const auto& cert : certs) {
      auto parsed = core::Certificate::FromDer(cert.raw);
      if (!parsed) return std::move(parsed).GetError().WithContext("EF.SOD certificate");
      sod.certificates.push_back(std::move(parsed).Value());
    }
    ++i;
  }
  if (i < sd.size() && sd[i].tag == 0xA1) ++i;  // CRLs: not used
  if (i >= sd.size() || sd[i].tag != 0x31) return Bad("no signerInfos");
  KIOSK_ASSIGN_OR_RETURN(auto signers, sd[i].Children());
  if (signers.size() != 1) return Bad("expected exactly one SignerInfo");
  KIOSK_TRY(ParseSignerInfo(signers[0], sod));
  if (sod.signed_bytes.empty()) sod.signed_bytes = sod.content;
  return sod;
}

}  // namespace kiosk::idcard
