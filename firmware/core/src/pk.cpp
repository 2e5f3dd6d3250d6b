#include "kiosk/core/pk.h"

#include <mbedtls/asn1.h>
#include <mbedtls/bignum.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/ecp.h>
#include <mbedtls/rsa.h>

#include <array>
#include <fstream>
#include <iterator>

#include "kiosk/core/encoding.h"
#include "kiosk/core/mbedtls_call.h"
#include "pk_internal.h"

namespace kiosk::core {
namespace {

constexpr std::size_t kP256CoordinateSize = 32;
constexpr std::size_t kMaxDerKey = 4096;

using Mpi = Owned<mbedtls_mpi, mbedtls_mpi_init, mbedtls_mpi_free>;

Error BadSignature() {
  return Error::NeedsPerson("crypto.bad_signature", "signature does not verify");
}

// mbedTLS wants PEM text NUL-terminated, with the NUL counted in the length.
Bytes NulTerminated(ByteView text) {
  Bytes out(text.begin(), text.end());
  out.push_back(0);
  return out;
}

Status CheckDigest(HashAlg alg, ByteView digest) {
  if (digest.size() != DigestSize(alg)) {
    return Error::Fatal("crypto.bad_digest_size",
                        std::string("digest length does not match ") + ToString(alg));
  }
  return Ok();
}

Expected<Bytes> RawFromMpis(const mbedtls_mpi& r, const mbedtls_mpi& s, std::size_t size) {
  Bytes raw(2 * size);
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_mpi_write_binary(&r, raw.data(), size)));
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_mpi_write_binary(&s, raw.data() + size, size)));
  return raw;
}

// DER INTEGER for an unsigned big-endian value: strip leading zeros, add one
// back if the top bit is set.
void AppendDerInteger(Bytes& out, ByteView value) {
  std::size_t start = 0;
  while (start + 1 < value.size() && value[start] == 0) ++start;
  const bool pad = (value[start] & 0x80) != 0;
  const std::size_t len = value.size() - start + (pad ? 1 : 0);
  out.push_back(0x02);
  out.push_back(static_cast<std::uint8_t>(len));
  if (pad) out.push_back(0);
  out.insert(out.end(), value.begin() + static_cast<std::ptrdiff_t>(start), value.end());
}

}  // namespace

Expected<Bytes> EcdsaDerToRaw(ByteView der, std::size_t coordinate_size) {
  auto* p = const_cast<unsigned char*>(der.data());
  const unsigned char* end = der.data() + der.size();
  std::size_t len = 0;
  Mpi r;
  Mpi s;
  if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0 ||
      p + len != end || mbedtls_asn1_get_mpi(&p, end, r.get()) != 0 ||
      mbedtls_asn1_get_mpi(&p, end, s.get()) != 0 || p != end) {
    return Error::NeedsPerson("crypto.bad_signature", "malformed DER ECDSA signature");
  }
  if (mbedtls_mpi_size(r.get()) > coordinate_size || mbedtls_mpi_size(s.get()) > coordinate_size) {
    return Error::NeedsPerson("crypto.bad_signature", "ECDSA signature too large for the curve");
  }
  return RawFromMpis(r.value, s.value, coordinate_size);
}

Expected<Bytes> EcdsaRawToDer(ByteView raw) {
  if (raw.empty() || raw.size() % 2 != 0 || raw.size() > 2 * 66) {
    return Error::NeedsPerson("crypto.bad_signature", "raw ECDSA signature has a bad length");
  }
  const std::size_t half = raw.size() / 2;
  Bytes body;
  AppendDerInteger(body, raw.subspan(0, half));
  AppendDerInteger(body, raw.subspan(half));
  Bytes der{0x30};
  if (body.size() >= 0x80) der.push_back(0x81);
  der.push_back(static_cast<std::uint8_t>(body.size()));
  der.insert(der.end(), body.begin(), body.end());
  return der;
}

// ---- PublicKey ----

Expected<PublicKey> PublicKey::FromDer(ByteView spki) {
  auto state = std::make_shared<State>();
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_pk_parse_public_key(state->get(), spki.data(), spki.size()))
                .WithContext("parsing a DER public key"));
  return PublicKey(std::move(state));
}

Expected<PublicKey> PublicKey::FromPem(std::string_view pem) {
  auto state = std::make_shared<State>();
  const Bytes text = NulTerminated(AsBytes(pem));
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_pk_parse_public_key(state->get(), text.data(), text.size()))
                .WithContext("parsing a PEM public key"));
  return PublicKey(std::move(state));
}

Expected<PublicKey> PublicKey::FromP256Point(ByteView point) {
  auto state = std::make_shared<State>();
  KIOSK_TRY(
      KIOSK_MBEDTLS(mbedtls_pk_setup(state->get(), mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY))));
  mbedtls_ecp_keypair* ec = mbedtls_pk_ec(state->value);
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_ecp_group_load(&ec->grp, MBEDTLS_ECP_DP_SECP256R1)));
  KIOSK_TRY(
      KIOSK_MBEDTLS(mbedtls_ecp_point_read_binary(&ec->grp, &ec->Q, point.data(), point.size()))
          .WithContext("reading a P-256 point"));
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_ecp_check_pubkey(&ec->grp, &ec->Q))
                .WithContext("checking the P-256 point is on the curve"));
  return PublicKey(std::move(state));
}

Expected<Bytes> PublicKey::ToDer() const {
  std::array<unsigned char, kMaxDerKey> buf{};
  const int n = mbedtls_pk_write_pubkey_der(state_->get(), buf.data(), buf.size());
  KIOSK_TRY(MbedtlsCall(n, "mbedtls_pk_write_pubkey_der", __FILE__, __LINE__));
  // mbedTLS writes DER at the end of the buffer.
  return Bytes(buf.end() - n, buf.end());
}

Expected<std::string> PublicKey::ToPem() const {
  std::array<unsigned char, kMaxDerKey> buf{};
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_pk_write_pubkey_pem(state_->get(), buf.data(), buf.size())));
  return std::string(reinterpret_cast<const char*>(buf.data()));
}

Expected<Bytes> PublicKey::P256Point() const {
  if (GetType() != Type::kEc || mbedtls_pk_ec(state_->value)->grp.id != MBEDTLS_ECP_DP_SECP256R1) {
    return Error::Fatal("crypto.wrong_key_type", "not a P-256 key");
  }
  const mbedtls_ecp_keypair* ec = mbedtls_pk_ec(state_->value);
  Bytes point(1 + 2 * kP256CoordinateSize);
  std::size_t written = 0;
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_ecp_point_write_binary(
      &ec->grp, &ec->Q, MBEDTLS_ECP_PF_UNCOMPRESSED, &written, point.data(), point.size())));
  point.resize(written);
  return point;
}

PublicKey::Type PublicKey::GetType() const {
  switch (mbedtls_pk_get_type(state_->get())) {
    case MBEDTLS_PK_ECKEY:
    case MBEDTLS_PK_ECKEY_DH:
    case MBEDTLS_PK_ECDSA:
      return Type::kEc;
    case MBEDTLS_PK_RSA:
    case MBEDTLS_PK_RSASSA_PSS:
      return Type::kRsa;
    default:
      return Type::kOther;
  }
}

std::size_t PublicKey::BitLength() const { return mbedtls_pk_get_bitlen(state_->get()); }

Status PublicKey::Verify(HashAlg alg, ByteView digest, ByteView signature) const {
  KIOSK_TRY(CheckDigest(alg, digest));
  const int rc = mbedtls_pk_verify(state_->get(), ToMbedtlsMd(alg), digest.data(), digest.size(),
                                   signature.data(), signature.size());
  if (rc != 0) return BadSignature();
  return Ok();
}

Status PublicKey::VerifyPss(HashAlg alg, ByteView digest, ByteView signature) const {
  if (GetType() != Type::kRsa) return Error::Fatal("crypto.wrong_key_type", "not an RSA key");
  KIOSK_TRY(CheckDigest(alg, digest));
  mbedtls_pk_rsassa_pss_options options{ToMbedtlsMd(alg), MBEDTLS_RSA_SALT_LEN_ANY};
  const int rc =
      mbedtls_pk_verify_ext(MBEDTLS_PK_RSASSA_PSS, &options, state_->get(), ToMbedtlsMd(alg),
                            digest.data(), digest.size(), signature.data(), signature.size());
  if (rc != 0) return BadSignature();
  return Ok();
}

Status PublicKey::VerifyRaw(HashAlg alg, ByteView digest, ByteView raw_signature) const {
  if (GetType() != Type::kEc) return Error::Fatal("crypto.wrong_key_type", "not an EC key");
  KIOSK_TRY(CheckDigest(alg, digest));
  mbedtls_ecp_keypair* ec = mbedtls_pk_ec(state_->value);
  const std::size_t size = (ec->grp.pbits + 7) / 8;
  if (raw_signature.size() != 2 * size) return BadSignature();
  Mpi r;
  Mpi s;
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_mpi_read_binary(r.get(), raw_signature.data(), size)));
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_mpi_read_binary(s.get(), raw_signature.data() + size, size)));
  if (mbedtls_ecdsa_verify(&ec->grp, digest.data(), digest.size(), &ec->Q, r.get(), s.get()) != 0) {
    return BadSignature();
  }
  return Ok();
}

Expected<std::string> PublicKey::Fingerprint() const {
  KIOSK_ASSIGN_OR_RETURN(const Bytes der, ToDer());
  KIOSK_ASSIGN_OR_RETURN(const Bytes digest, Digest(HashAlg::kSha256, der));
  return HexEncode(digest);
}

// ---- PrivateKey ----

PrivateKey::PrivateKey() : state_(std::make_unique<State>()) {}
PrivateKey::~PrivateKey() = default;
PrivateKey::PrivateKey(PrivateKey&&) noexcept = default;
PrivateKey& PrivateKey::operator=(PrivateKey&&) noexcept = default;

Expected<PrivateKey> PrivateKey::GenerateP256(RandomSource& random) {
  PrivateKey key;
  KIOSK_TRY(KIOSK_MBEDTLS(
      mbedtls_pk_setup(key.state_->get(), mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY))));
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_ecp_gen_key(
      MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(key.state_->value), MbedtlsRng, &random)));
  return key;
}

namespace {
Expected<PrivateKey> CheckP256(Expected<PrivateKey> key, const mbedtls_pk_context& pk) {
  if (!key) return key;
  if (mbedtls_pk_get_type(&pk) != MBEDTLS_PK_ECKEY ||
      mbedtls_pk_ec(pk)->grp.id != MBEDTLS_ECP_DP_SECP256R1) {
    return Error::NeedsPerson("crypto.wrong_key_type", "device key must be ECDSA P-256");
  }
  return key;
}
}  // namespace

Expected<PrivateKey> PrivateKey::FromDer(const SecretBytes& der) {
  PrivateKey key;
  KIOSK_TRY(KIOSK_MBEDTLS(
                mbedtls_pk_parse_key(key.state_->get(), der.View().data(), der.Size(), nullptr, 0))
                .WithContext("parsing a DER private key"));
  const mbedtls_pk_context& pk = key.state_->value;
  return CheckP256(std::move(key), pk);
}

Expected<PrivateKey> PrivateKey::FromPem(const SecretBytes& pem) {
  SecretBytes text(pem.Size() + 1);
  std::copy(pem.View().begin(), pem.View().end(), text.MutableData());
  PrivateKey key;
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_pk_parse_key(key.state_->get(), text.View().data(), text.Size(),
                                               nullptr, 0))
                .WithContext("parsing a PEM private key"));
  const mbedtls_pk_context& pk = key.state_->value;
  return CheckP256(std::move(key), pk);
}

Expected<PrivateKey> PrivateKey::FromP256Scalar(const SecretBytes& scalar, RandomSource& random) {
  if (scalar.Size() != kP256CoordinateSize) {
    return Error::Fatal("crypto.bad_key_size", "a P-256 scalar is 32 bytes");
  }
  PrivateKey key;
  KIOSK_TRY(KIOSK_MBEDTLS(
      mbedtls_pk_setup(key.state_->get(), mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY))));
  mbedtls_ecp_keypair* ec = mbedtls_pk_ec(key.state_->value);
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_ecp_group_load(&ec->grp, MBEDTLS_ECP_DP_SECP256R1)));
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_mpi_read_binary(&ec->d, scalar.View().data(), scalar.Size())));
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_ecp_check_privkey(&ec->grp, &ec->d)));
  KIOSK_TRY(
      KIOSK_MBEDTLS(mbedtls_ecp_mul(&ec->grp, &ec->Q, &ec->d, &ec->grp.G, MbedtlsRng, &random)));
  return key;
}

Expected<PrivateKey> LoadPrivateKeyFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::NeedsPerson("io.unreadable", "cannot read " + path.string());
  std::string text((std::istreambuf_iterator<char>(in)), {});
  SecretBytes pem(AsBytes(text));
  SecureZero(text.data(), text.size());
  return PrivateKey::FromPem(pem).WithContext(path.string());
}

Expected<SecretBytes> PrivateKey::ToDer() const {
  SecretBytes buf(kMaxDerKey);
  const int n = mbedtls_pk_write_key_der(state_->get(), buf.MutableData(), buf.Size());
  KIOSK_TRY(MbedtlsCall(n, "mbedtls_pk_write_key_der", __FILE__, __LINE__));
  return SecretBytes(buf.View().subspan(buf.Size() - static_cast<std::size_t>(n)));
}

Expected<SecretBytes> PrivateKey::ToPem() const {
  SecretBytes buf(kMaxDerKey);
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_pk_write_key_pem(state_->get(), buf.MutableData(), buf.Size())));
  std::size_t len = 0;
  while (len < buf.Size() && buf.View()[len] != 0) ++len;
  return SecretBytes(buf.View().subspan(0, len));
}

Expected<PublicKey> PrivateKey::Public() const {
  std::array<unsigned char, kMaxDerKey> buf{};
  const int n = mbedtls_pk_write_pubkey_der(state_->get(), buf.data(), buf.size());
  KIOSK_TRY(MbedtlsCall(n, "mbedtls_pk_write_pubkey_der", __FILE__, __LINE__));
  return PublicKey::FromDer(ByteView(buf.data() + buf.size() - n, static_cast<std::size_t>(n)));
}

Expected<Bytes> PrivateKey::SignDer(HashAlg alg, ByteView digest, RandomSource& random) const {
  KIOSK_TRY(CheckDigest(alg, digest));
  std::array<unsigned char, MBEDTLS_ECDSA_MAX_LEN> sig{};
  std::size_t sig_len = 0;
  KIOSK_TRY(
      KIOSK_MBEDTLS(mbedtls_pk_sign(state_->get(), ToMbedtlsMd(alg), digest.data(), digest.size(),
                                    sig.data(), &sig_len, MbedtlsRng, &random)));
  return Bytes(sig.begin(), sig.begin() + static_cast<std::ptrdiff_t>(sig_len));
}

Expected<Bytes> PrivateKey::SignRaw(HashAlg alg, ByteView digest, RandomSource& random) const {
  KIOSK_ASSIGN_OR_RETURN(const Bytes der, SignDer(alg, digest, random));
  return EcdsaDerToRaw(der, kP256CoordinateSize);
}

Expected<Bytes> PrivateKey::SignRawDeterministic(HashAlg alg, ByteView digest,
                                                 RandomSource& random) const {
  KIOSK_TRY(CheckDigest(alg, digest));
  mbedtls_ecp_keypair* ec = mbedtls_pk_ec(state_->value);
  Mpi r;
  Mpi s;
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_ecdsa_sign_det_ext(&ec->grp, r.get(), s.get(), &ec->d,
                                                     digest.data(), digest.size(), ToMbedtlsMd(alg),
                                                     MbedtlsRng, &random)));
  return RawFromMpis(r.value, s.value, kP256CoordinateSize);
}

}  // namespace kiosk::core
