#include "kiosk/idcard/pace.h"

#include <mbedtls/bignum.h>
#include <mbedtls/ecp.h>

#include <cstdio>

#include "kiosk/core/hash.h"
#include "kiosk/core/mbedtls_call.h"
#include "kiosk/core/mbedtls_owned.h"
#include "kiosk/idcard/cipher.h"
#include "kiosk/idcard/tlv.h"

namespace kiosk::idcard {

using core::Error;
using core::Expected;

const Bytes kPaceEcdhGmAes128Oid{0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x04, 0x02, 0x02};

namespace {

// id-PACE = 0.4.0.127.0.7.2.2.4
const Bytes kPacePrefix{0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x04};

using Mpi = core::Owned<mbedtls_mpi, mbedtls_mpi_init, mbedtls_mpi_free>;
using Point = core::Owned<mbedtls_ecp_point, mbedtls_ecp_point_init, mbedtls_ecp_point_free>;
using Group = core::Owned<mbedtls_ecp_group, mbedtls_ecp_group_init, mbedtls_ecp_group_free>;

Error Bad(const std::string& why) { return Error::NeedsPerson("pace.invalid", why); }

Expected<int> SmallInteger(const Tlv& tlv) {
  if (tlv.tag != 0x02 || tlv.value.empty() || tlv.value.size() > 2) {
    return Bad("expected a small INTEGER in a SecurityInfo");
  }
  int v = 0;
  for (auto b : tlv.value) v = (v << 8) | b;
  return v;
}

}  // namespace

bool PaceInfo::IsSupported() const {
  return protocol == kPaceEcdhGmAes128Oid &&
         (parameter_id == kParamBrainpoolP256r1 || parameter_id == kParamNistP256);
}

std::string PaceInfo::Describe() const {
  std::string oid;
  for (auto b : protocol) {
    char buf[4];
    std::snprintf(buf, sizeof buf, "%02X", b);
    oid += buf;
  }
  return "PACE " + oid + " v" + std::to_string(version) + " parameter " +
         std::to_string(parameter_id);
}

Expected<std::vector<PaceInfo>> ParseCardAccess(ByteView bytes) {
  KIOSK_ASSIGN_OR_RETURN(const Tlv set, ParseSingleTlv(bytes));
  if (set.tag != 0x31) return Bad("EF.CardAccess is not a SET");
  KIOSK_ASSIGN_OR_RETURN(const auto infos, set.Children());
  std::vector<PaceInfo> out;
  for (const auto& info : infos) {
    if (info.tag != 0x30) return Bad("SecurityInfo is not a SEQUENCE");
    KIOSK_ASSIGN_OR_RETURN(const auto fields, info.Children());
    if (fields.size() < 2 || fields[0].tag != 0x06) return Bad("SecurityInfo without an OID");
    const ByteView oid = fields[0].value;
    if (oid.size() < kPacePrefix.size() ||
        !std::equal(kPacePrefix.begin(), kPacePrefix.end(), oid.begin())) {
      continue;  // TA, CA and others: not ours to use here
    }
    // PACEDomainParameterInfo has a SEQUENCE second; only PACEInfo has an INTEGER.
    if (fields[1].tag != 0x02) continue;
    PaceInfo pace;
    pace.protocol.assign(oid.begin(), oid.end());
    KIOSK_ASSIGN_OR_RETURN(pace.version, SmallInteger(fields[1]));
    if (fields.size() >= 3) {
      KIOSK_ASSIGN_OR_RETURN(pace.parameter_id, SmallInteger(fields[2]));
    }
    out.push_back(std::move(pace));
  }
  return out;
}

struct PaceCurve::State {
  Group group;
  core::RandomSource* random = nullptr;
};

PaceCurve::PaceCurve() : state_(std::make_unique<State>()) {}
PaceCurve::~PaceCurve() = default;
PaceCurve::PaceCurve(PaceCurve&&) noexcept = default;
PaceCurve& PaceCurve::operator=(PaceCurve&&) noexcept = default;

Expected<PaceCurve> PaceCurve::ForParameterId(int parameter_id, core::RandomSource& random) {
  mbedtls_ecp_group_id id = MBEDTLS_ECP_DP_NONE;
  if (parameter_id == kParamBrainpoolP256r1) id = MBEDTLS_ECP_DP_BP256R1;
  if (parameter_id == kParamNistP256) id = MBEDTLS_ECP_DP_SECP256R1;
  if (id == MBEDTLS_ECP_DP_NONE) {
    return Error::NeedsPerson("pace.unsupported", "PACE domain parameter " +
                                                      std::to_string(parameter_id) +
                                                      " is not supported (12 and 13 are)");
  }
  PaceCurve curve;
  curve.state_->random = &random;
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_ecp_group_load(curve.state_->group.get(), id)));
  return curve;
}

std::size_t PaceCurve::CoordinateSize() const { return (state_->group.value.pbits + 7) / 8; }

namespace {

Expected<Bytes> WritePoint(const mbedtls_ecp_group& grp, const mbedtls_ecp_point& p) {
  Bytes out(1 + 2 * ((grp.pbits + 7) / 8));
  std::size_t written = 0;
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_ecp_point_write_binary(&grp, &p, MBEDTLS_ECP_PF_UNCOMPRESSED,
                                                         &written, out.data(), out.size())));
  out.resize(written);
  return out;
}

core::Status ReadPoint(const mbedtls_ecp_group& grp, ByteView bytes, mbedtls_ecp_point& p) {
  if (mbedtls_ecp_point_read_binary(&grp, &p, bytes.data(), bytes.size()) != 0 ||
      mbedtls_ecp_check_pubkey(&grp, &p) != 0) {
    return Bad("the other side's point is not on the curve");
  }
  return core::Ok();
}

}  // namespace

Expected<SecretBytes> PaceCurve::NewPrivateKey() const {
  Mpi d;
  KIOSK_TRY(KIOSK_MBEDTLS(
      mbedtls_ecp_gen_privkey(&state_->group.value, d.get(), core::MbedtlsRng, state_->random)));
  SecretBytes out(CoordinateSize());
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_mpi_write_binary(d.get(), out.MutableData(), out.Size())));
  return out;
}

namespace {
Expected<Bytes> MultiplyPoint(mbedtls_ecp_group& grp, const SecretBytes& scalar,
                              const mbedtls_ecp_point& point, core::RandomSource* blinding) {
  Mpi k;
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_mpi_read_binary(k.get(), scalar.View().data(), scalar.Size())));
  Point r;
  KIOSK_TRY(
      KIOSK_MBEDTLS(mbedtls_ecp_mul(&grp, r.get(), k.get(), &point, core::MbedtlsRng, blinding)));
  return WritePoint(grp, r.value);
}
}  // namespace

Expected<Bytes> PaceCurve::PublicKey(const SecretBytes& scalar, ByteView generator) const {
  auto& grp = state_->group.value;
  if (generator.empty()) return MultiplyPoint(grp, scalar, grp.G, state_->random);
  return Multiply(scalar, generator);
}

Expected<Bytes> PaceCurve::Multiply(const SecretBytes& scalar, ByteView point) const {
  auto& grp = state_->group.value;
  Point p;
  KIOSK_TRY(ReadPoint(grp, point, p.value));
  return MultiplyPoint(grp, scalar, p.value, state_->random);
}

Expected<Bytes> PaceCurve::MapGenerator(const SecretBytes& nonce, ByteView shared_point) const {
  auto& grp = state_->group.value;
  Point h;
  KIOSK_TRY(ReadPoint(grp, shared_point, h.value));
  Mpi s;
  Mpi one;
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_mpi_read_binary(s.get(), nonce.View().data(), nonce.Size())));
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_mpi_lset(one.get(), 1)));
  Point mapped;
  KIOSK_TRY(
      KIOSK_MBEDTLS(mbedtls_ecp_muladd(&grp, mapped.get(), s.get(), &grp.G, one.get(), h.get())));
  if (mbedtls_ecp_is_zero(mapped.get()) != 0)
    return Bad("mapped generator is the point at infinity");
  return WritePoint(grp, mapped.value);
}

Expected<SecretBytes> PacePasswordKey(const SecretBytes& password, std::uint8_t reference) {
  if (reference == kPasswordMrz) {
    KIOSK_ASSIGN_OR_RETURN(Bytes k, core::Digest(core::HashAlg::kSha1, password.View()));
    SecretBytes seed{ByteView(k)};
    core::SecureZero(k.data(), k.size());
    return KdfSha1(seed.View(), 3);
  }
  return KdfSha1(password.View(), 3);
}

Expected<SecretBytes> PaceDecryptNonce(const SecretBytes& password_key, ByteView encrypted) {
  if (encrypted.size() != 16) return Bad("encrypted nonce must be 16 bytes");
  KIOSK_ASSIGN_OR_RETURN(Bytes s,
                         AesCbc(Direction::kDecrypt, password_key, Bytes(16, 0), encrypted));
  SecretBytes nonce{ByteView(s)};
  core::SecureZero(s.data(), s.size());
  return nonce;
}

Expected<Bytes> PaceEncryptNonce(const SecretBytes& password_key, const SecretBytes& nonce) {
  return AesCbc(Direction::kEncrypt, password_key, Bytes(16, 0), nonce.View());
}

Expected<PaceSessionKeys> PaceDeriveKeys(ByteView shared_point) {
  if (shared_point.size() < 3 || shared_point[0] != 0x04 || shared_point.size() % 2 == 0) {
    return Bad("shared secret is not an uncompressed point");
  }
  const std::size_t size = (shared_point.size() - 1) / 2;
  const ByteView x = shared_point.subspan(1, size);
  PaceSessionKeys keys;
  KIOSK_ASSIGN_OR_RETURN(keys.ks_enc, KdfSha1(x, 1));
  KIOSK_ASSIGN_OR_RETURN(keys.ks_mac, KdfSha1(x, 2));
  return keys;
}

Bytes PacePublicKeyObject(ByteView oid, ByteView point) {
  Bytes inner;
  AppendTlv(inner, 0x06, oid);
  AppendTlv(inner, 0x86, point);
  return EncodeTlv(0x7F49, inner);
}

Expected<Bytes> PaceAuthToken(const SecretBytes& ks_mac, ByteView oid, ByteView point) {
  KIOSK_ASSIGN_OR_RETURN(Bytes mac, AesCmac(ks_mac, PacePublicKeyObject(oid, point)));
  mac.resize(8);
  return mac;
}

SecureMessaging PaceSecureMessaging(PaceSessionKeys keys) {
  return SecureMessaging(SmCipher::kAes128, std::move(keys.ks_enc), std::move(keys.ks_mac),
                         Bytes(16, 0));
}

}  // namespace kiosk::idcard
