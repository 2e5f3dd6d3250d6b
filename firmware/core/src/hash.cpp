#include "kiosk/core/hash.h"

#include <mbedtls/md.h>
#include <mbedtls/pkcs5.h>

#include "kiosk/core/mbedtls_call.h"
#include "kiosk/core/mbedtls_owned.h"
#include "mbedtls_internal.h"

namespace kiosk::core {
namespace {}  // namespace

mbedtls_md_type_t ToMbedtlsMd(HashAlg alg) {
  switch (alg) {
    case HashAlg::kSha1:
      return MBEDTLS_MD_SHA1;
    case HashAlg::kSha256:
      return MBEDTLS_MD_SHA256;
    case HashAlg::kSha384:
      return MBEDTLS_MD_SHA384;
    case HashAlg::kSha512:
      return MBEDTLS_MD_SHA512;
  }
  return MBEDTLS_MD_NONE;
}

namespace {

const mbedtls_md_info_t* MdInfo(HashAlg alg) { return mbedtls_md_info_from_type(ToMbedtlsMd(alg)); }

}  // namespace

const char* ToString(HashAlg alg) {
  switch (alg) {
    case HashAlg::kSha1:
      return "SHA-1";
    case HashAlg::kSha256:
      return "SHA-256";
    case HashAlg::kSha384:
      return "SHA-384";
    case HashAlg::kSha512:
      return "SHA-512";
  }
  return "?";
}

std::size_t DigestSize(HashAlg alg) { return mbedtls_md_get_size(MdInfo(alg)); }

Expected<Bytes> Digest(HashAlg alg, ByteView data) {
  Bytes out(DigestSize(alg));
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_md(MdInfo(alg), data.data(), data.size(), out.data())));
  return out;
}

struct Hasher::State {
  Owned<mbedtls_md_context_t, mbedtls_md_init, mbedtls_md_free> ctx;
  HashAlg alg = HashAlg::kSha256;
  bool finished = false;
};

Hasher::Hasher() : state_(std::make_unique<State>()) {}
Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;

Expected<Hasher> Hasher::Create(HashAlg alg) {
  Hasher hasher;
  hasher.state_->alg = alg;
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_md_setup(hasher.state_->ctx.get(), MdInfo(alg), 0)));
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_md_starts(hasher.state_->ctx.get())));
  return hasher;
}

Status Hasher::Update(ByteView data) {
  if (state_->finished) return Error::Fatal("hash.finished", "Update() after Finish()");
  return KIOSK_MBEDTLS(mbedtls_md_update(state_->ctx.get(), data.data(), data.size()));
}

Expected<Bytes> Hasher::Finish() {
  if (state_->finished) return Error::Fatal("hash.finished", "Finish() called twice");
  state_->finished = true;
  Bytes out(DigestSize(state_->alg));
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_md_finish(state_->ctx.get(), out.data())));
  return out;
}

Expected<Bytes> Hmac(HashAlg alg, ByteView key, ByteView data) {
  Bytes out(DigestSize(alg));
  KIOSK_TRY(KIOSK_MBEDTLS(
      mbedtls_md_hmac(MdInfo(alg), key.data(), key.size(), data.data(), data.size(), out.data())));
  return out;
}

Expected<SecretBytes> Pbkdf2(HashAlg alg, ByteView password, ByteView salt, unsigned iterations,
                             std::size_t length) {
  Owned<mbedtls_md_context_t, mbedtls_md_init, mbedtls_md_free> md;
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_md_setup(md.get(), MdInfo(alg), 1)));
  SecretBytes out(length);
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_pkcs5_pbkdf2_hmac(
      md.get(), password.data(), password.size(), salt.data(), salt.size(), iterations,
      static_cast<std::uint32_t>(length), out.MutableData())));
  return out;
}

}  // namespace kiosk::core
