#include "kiosk/core/x509.h"

#include <mbedtls/pem.h>
#include <mbedtls/x509_crt.h>

#include <cstdio>

#include <algorithm>
#include <array>
#include <ctime>
#include <fstream>
#include <iterator>

#include "kiosk/core/encoding.h"
#include "kiosk/core/mbedtls_call.h"
#include "mbedtls_internal.h"
#include "pk_internal.h"

namespace kiosk::core {

using Crt = Owned<mbedtls_x509_crt, mbedtls_x509_crt_init, mbedtls_x509_crt_free>;

struct Certificate::State {
  Crt crt;
  Bytes der;
};

namespace {

WallTime FromX509Time(const mbedtls_x509_time& t) {
  std::tm tm{};
  // Certificates may say 9999-12-31 ("no well-defined expiry", RFC 5280);
  // the clock counts nanoseconds and ends in 2262, so far dates are clamped.
  tm.tm_year = std::clamp(t.year, 1900, 2200) - 1900;
  tm.tm_mon = t.mon - 1;
  tm.tm_mday = t.day;
  tm.tm_hour = t.hour;
  tm.tm_min = t.min;
  tm.tm_sec = t.sec;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::string DnText(const mbedtls_x509_name& name) {
  std::array<char, 1024> buf{};
  if (mbedtls_x509_dn_gets(buf.data(), buf.size(), &name) < 0) return "?";
  return buf.data();
}

Status CheckValidity(const Certificate& cert, WallTime now, const char* role) {
  if (now < cert.NotBefore()) {
    return Error::NeedsPerson("x509.not_yet_valid",
                              std::string(role) + " certificate not valid before " +
                                  FormatRfc3339(cert.NotBefore()) + ": " + cert.Subject());
  }
  if (now > cert.NotAfter()) {
    return Error::NeedsPerson("x509.expired", std::string(role) + " certificate expired " +
                                                  FormatRfc3339(cert.NotAfter()) + ": " +
                                                  cert.Subject());
  }
  return Ok();
}

}  // namespace

Expected<Certificate> Certificate::FromDer(ByteView der) {
  auto state = std::make_shared<State>();
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_x509_crt_parse_der(state->crt.get(), der.data(), der.size()))
                .WithContext("parsing an X.509 certificate"));
  state->der.assign(state->crt.value.raw.p, state->crt.value.raw.p + state->crt.value.raw.len);
  return Certificate(std::move(state));
}

Expected<Certificate> Certificate::FromPem(std::string_view pem) {
  KIOSK_ASSIGN_OR_RETURN(auto bundle, ParsePemBundle(pem));
  if (bundle.size() != 1) {
    return Error::NeedsPerson(
        "x509.bad_pem", "expected exactly one certificate, found " + std::to_string(bundle.size()));
  }
  return std::move(bundle.front());
}

Expected<std::vector<Certificate>> LoadCertificateFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::NeedsPerson("io.unreadable", "cannot read " + path.string());
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  return ParsePemBundle(text).WithContext(path.string());
}

Expected<std::vector<Certificate>> ParsePemBundle(std::string_view pem) {
  std::vector<Certificate> out;
  const std::string text(pem);
  std::size_t pos = 0;
  while (true) {
    const std::size_t begin = text.find("-----BEGIN CERTIFICATE-----", pos);
    if (begin == std::string::npos) break;
    mbedtls_pem_context ctx;
    mbedtls_pem_init(&ctx);
    std::size_t used = 0;
    const int rc = mbedtls_pem_read_buffer(
        &ctx, "-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----",
        reinterpret_cast<const unsigned char*>(text.c_str() + begin), nullptr, 0, &used);
    if (rc != 0) {
      mbedtls_pem_free(&ctx);
      return MbedtlsCall(rc, "mbedtls_pem_read_buffer", __FILE__, __LINE__)
          .WithContext("certificate " + std::to_string(out.size() + 1) + " of a PEM bundle")
          .GetError();
    }
    auto cert = Certificate::FromDer(ByteView(ctx.buf, ctx.buflen));
    mbedtls_pem_free(&ctx);
    if (!cert) return std::move(cert).GetError();
    out.push_back(std::move(cert).Value());
    pos = begin + used;
  }
  if (out.empty()) return Error::NeedsPerson("x509.bad_pem", "no certificate in PEM text");
  return out;
}

namespace {
std::string X509Time(WallTime t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d%02d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}
}  // namespace

Expected<Certificate> IssueCertificate(const CertificateSpec& spec, const PublicKey& subject_key,
                                       const PrivateKey& issuer_key, RandomSource& random) {
  Owned<mbedtls_x509write_cert, mbedtls_x509write_crt_init, mbedtls_x509write_crt_free> crt;
  Owned<mbedtls_mpi, mbedtls_mpi_init, mbedtls_mpi_free> serial;
  mbedtls_x509write_crt_set_version(crt.get(), MBEDTLS_X509_CRT_VERSION_3);
  mbedtls_x509write_crt_set_md_alg(crt.get(), MBEDTLS_MD_SHA256);
  mbedtls_x509write_crt_set_subject_key(crt.get(), subject_key.GetState().get());
  mbedtls_x509write_crt_set_issuer_key(crt.get(), issuer_key.GetState().get());
  KIOSK_TRY(
      KIOSK_MBEDTLS(mbedtls_mpi_read_binary(serial.get(), spec.serial.data(), spec.serial.size())));
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_x509write_crt_set_serial(crt.get(), serial.get())));
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_x509write_crt_set_subject_name(crt.get(), spec.subject.c_str())));
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_x509write_crt_set_issuer_name(crt.get(), spec.issuer.c_str())));
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_x509write_crt_set_validity(
      crt.get(), X509Time(spec.not_before).c_str(), X509Time(spec.not_after).c_str())));
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_x509write_crt_set_basic_constraints(crt.get(), spec.is_ca ? 1 : 0,
                                                                      spec.path_length)));
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_x509write_crt_set_subject_key_identifier(crt.get())));
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_x509write_crt_set_authority_key_identifier(crt.get())));
  if (spec.key_usage != 0) {
    KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_x509write_crt_set_key_usage(crt.get(), spec.key_usage)));
  }
  std::vector<unsigned char> buf(4096);
  const int n = mbedtls_x509write_crt_der(crt.get(), buf.data(), buf.size(), MbedtlsRng, &random);
  KIOSK_TRY(MbedtlsCall(n, "mbedtls_x509write_crt_der", __FILE__, __LINE__));
  return Certificate::FromDer(ByteView(buf.data() + buf.size() - n, static_cast<std::size_t>(n)));
}

std::string ToPem(const Certificate& cert) {
  std::string b64 = Base64Encode(cert.Der());
  std::string out = "-----BEGIN CERTIFICATE-----\n";
  for (std::size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
  out += "-----END CERTIFICATE-----\n";
  return out;
}

const Bytes& Certificate::Der() const { return state_->der; }
std::string Certificate::Subject() const { return DnText(state_->crt.value.subject); }
std::string Certificate::Issuer() const { return DnText(state_->crt.value.issuer); }
std::string Certificate::SerialHex() const {
  return HexEncode(ByteView(state_->crt.value.serial.p, state_->crt.value.serial.len));
}
WallTime Certificate::NotBefore() const { return FromX509Time(state_->crt.value.valid_from); }
WallTime Certificate::NotAfter() const { return FromX509Time(state_->crt.value.valid_to); }
bool Certificate::IsCa() const { return state_->crt.value.ca_istrue != 0; }

Expected<PublicKey> Certificate::SubjectPublicKey() const {
  std::array<unsigned char, 4096> buf{};
  const int n = mbedtls_pk_write_pubkey_der(&state_->crt.value.pk, buf.data(), buf.size());
  KIOSK_TRY(MbedtlsCall(n, "mbedtls_pk_write_pubkey_der", __FILE__, __LINE__));
  return PublicKey::FromDer(ByteView(buf.data() + buf.size() - n, static_cast<std::size_t>(n)));
}

Status VerifyChain(const Certificate& leaf, const std::vector<Certificate>& intermediates,
                   const std::vector<Certificate>& anchors, WallTime now) {
  if (anchors.empty()) return Error::NeedsPerson("x509.untrusted", "no trust anchors given");
  // mbedTLS checks validity against the system clock; we check it ourselves
  // against the injected one and mask those flags.
  KIOSK_TRY(CheckValidity(leaf, now, "leaf"));
  for (const auto& cert : intermediates) KIOSK_TRY(CheckValidity(cert, now, "intermediate"));

  Crt chain;
  KIOSK_TRY(
      KIOSK_MBEDTLS(mbedtls_x509_crt_parse_der(chain.get(), leaf.Der().data(), leaf.Der().size())));
  for (const auto& cert : intermediates) {
    KIOSK_TRY(KIOSK_MBEDTLS(
        mbedtls_x509_crt_parse_der(chain.get(), cert.Der().data(), cert.Der().size())));
  }
  Crt trust;
  for (const auto& cert : anchors) {
    KIOSK_TRY(KIOSK_MBEDTLS(
        mbedtls_x509_crt_parse_der(trust.get(), cert.Der().data(), cert.Der().size())));
  }

  std::uint32_t flags = 0;
  mbedtls_x509_crt_verify(chain.get(), trust.get(), nullptr, nullptr, &flags, nullptr, nullptr);
  flags &= ~static_cast<std::uint32_t>(MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE);
  if (flags == 0) {
    // The anchor that signed the chain must be valid too.
    for (const auto& anchor : anchors) {
      if (anchor.Subject() == leaf.Issuer() ||
          (!intermediates.empty() && anchor.Subject() == intermediates.back().Issuer())) {
        KIOSK_TRY(CheckValidity(anchor, now, "trust anchor"));
      }
    }
    return Ok();
  }
  std::array<char, 512> info{};
  mbedtls_x509_crt_verify_info(info.data(), info.size(), "", flags);
  std::string reason(info.data());
  while (!reason.empty() && reason.back() == '\n') reason.pop_back();
  for (auto& c : reason) {
    if (c == '\n') c = ';';
  }
  const char* code = "x509.verify_failed";
  if (flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) code = "x509.untrusted";
  if (flags &
      (MBEDTLS_X509_BADCERT_BAD_MD | MBEDTLS_X509_BADCERT_BAD_PK | MBEDTLS_X509_BADCERT_BAD_KEY)) {
    code = "x509.weak_algorithm";
  }
  return Error::NeedsPerson(code, reason + " (" + leaf.Subject() + ")");
}

}  // namespace kiosk::core
