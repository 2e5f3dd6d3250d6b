#include "kiosk/core/csr.h"

#include <mbedtls/oid.h>
#include <mbedtls/x509_csr.h>

#include <cstring>
#include <vector>

#include "kiosk/core/mbedtls_call.h"
#include "mbedtls_internal.h"
#include "pk_internal.h"

namespace kiosk::core {

namespace {

using CsrWriter =
    Owned<mbedtls_x509write_csr, mbedtls_x509write_csr_init, mbedtls_x509write_csr_free>;
using CsrContext = Owned<mbedtls_x509_csr, mbedtls_x509_csr_init, mbedtls_x509_csr_free>;

Error Invalid(const std::string& why) { return Error::NeedsPerson("csr.invalid", why); }

}  // namespace

Expected<Bytes> MakeCsr(const PrivateKey& key, const std::string& subject, RandomSource& random) {
  CsrWriter csr;
  mbedtls_x509write_csr_set_md_alg(csr.get(), MBEDTLS_MD_SHA256);
  mbedtls_x509write_csr_set_key(csr.get(), key.GetState().get());
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_x509write_csr_set_subject_name(csr.get(), subject.c_str())));
  std::vector<unsigned char> buf(2048);
  const int n = mbedtls_x509write_csr_der(csr.get(), buf.data(), buf.size(), MbedtlsRng, &random);
  KIOSK_TRY(MbedtlsCall(n, "mbedtls_x509write_csr_der", __FILE__, __LINE__));
  return Bytes(buf.end() - n, buf.end());
}

Expected<CsrInfo> ParseCsr(ByteView csr) {
  CsrContext ctx;
  // mbedtls_x509_csr_parse wants PEM NUL-terminated, counted with the NUL.
  Bytes input(csr.begin(), csr.end());
  if (!input.empty() && input[0] != 0x30) input.push_back(0);
  if (mbedtls_x509_csr_parse(ctx.get(), input.data(), input.size()) != 0) {
    return Invalid("not a PKCS#10 certificate request");
  }
  const mbedtls_x509_csr& req = *ctx.get();
  if (req.sig_md != MBEDTLS_MD_SHA256 || req.sig_pk != MBEDTLS_PK_ECDSA ||
      !mbedtls_pk_can_do(&req.pk, MBEDTLS_PK_ECKEY)) {
    return Invalid("the request must be ECDSA with SHA-256");
  }
  const mbedtls_md_info_t* md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
  unsigned char digest[32];
  if (mbedtls_md(md, req.cri.p, req.cri.len, digest) != 0 ||
      mbedtls_pk_verify(const_cast<mbedtls_pk_context*>(&req.pk), MBEDTLS_MD_SHA256, digest,
                        sizeof digest, req.sig.p, req.sig.len) != 0) {
    return Invalid("the request's signature does not verify");
  }
  char name[512];
  if (mbedtls_x509_dn_gets(name, sizeof name, &req.subject) < 0) {
    return Invalid("the subject name is too long");
  }
  std::string common_name;
  for (const mbedtls_x509_name* n = &req.subject; n != nullptr; n = n->next) {
    if (n->oid.p != nullptr && MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid) == 0) {
      common_name.assign(reinterpret_cast<const char*>(n->val.p), n->val.len);
    }
  }
  unsigned char spki[512];
  const int n =
      mbedtls_pk_write_pubkey_der(const_cast<mbedtls_pk_context*>(&req.pk), spki, sizeof spki);
  if (n <= 0) return Invalid("the public key cannot be encoded");
  KIOSK_ASSIGN_OR_RETURN(
      auto key, PublicKey::FromDer(ByteView(spki + sizeof spki - n, static_cast<std::size_t>(n))));
  if (key.GetType() != PublicKey::Type::kEc || key.BitLength() != 256) {
    return Invalid("the key must be ECDSA P-256");
  }
  return CsrInfo{name, common_name, std::move(key)};
}

}  // namespace kiosk::core
