#include "kiosk/core/aead.h"

#include <mbedtls/gcm.h>

#include <memory>

#include "kiosk/core/mbedtls_call.h"
#include "mbedtls_internal.h"

namespace kiosk::core {
namespace {

using Gcm = Owned<mbedtls_gcm_context, mbedtls_gcm_init, mbedtls_gcm_free>;

Status CheckSizes(const SecretBytes& key, ByteView nonce) {
  if (key.Size() != kAesGcmKeySize) {
    return Error::Fatal("crypto.bad_key_size", "AES-256-GCM needs a 32-byte key");
  }
  if (nonce.size() != kAesGcmNonceSize) {
    return Error::Fatal("crypto.bad_nonce_size", "AES-256-GCM needs a 12-byte nonce");
  }
  return Ok();
}

}  // namespace

Expected<Bytes> AesGcmSeal(const SecretBytes& key, ByteView nonce, ByteView aad,
                           ByteView plaintext) {
  KIOSK_TRY(CheckSizes(key, nonce));
  Gcm gcm;
  KIOSK_TRY(
      KIOSK_MBEDTLS(mbedtls_gcm_setkey(gcm.get(), MBEDTLS_CIPHER_ID_AES, key.View().data(), 256)));
  Bytes out(plaintext.size() + kAesGcmTagSize);
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_gcm_crypt_and_tag(
      gcm.get(), MBEDTLS_GCM_ENCRYPT, plaintext.size(), nonce.data(), nonce.size(), aad.data(),
      aad.size(), plaintext.data(), out.data(), kAesGcmTagSize, out.data() + plaintext.size())));
  return out;
}

Expected<Bytes> AesGcmOpen(const SecretBytes& key, ByteView nonce, ByteView aad, ByteView sealed) {
  KIOSK_TRY(CheckSizes(key, nonce));
  if (sealed.size() < kAesGcmTagSize) {
    return Error::NeedsPerson("crypto.auth_failed", "sealed data shorter than the GCM tag");
  }
  Gcm gcm;
  KIOSK_TRY(
      KIOSK_MBEDTLS(mbedtls_gcm_setkey(gcm.get(), MBEDTLS_CIPHER_ID_AES, key.View().data(), 256)));
  const std::size_t length = sealed.size() - kAesGcmTagSize;
  Bytes out(length);
  const int rc = mbedtls_gcm_auth_decrypt(gcm.get(), length, nonce.data(), nonce.size(), aad.data(),
                                          aad.size(), sealed.data() + length, kAesGcmTagSize,
                                          sealed.data(), out.data());
  if (rc == MBEDTLS_ERR_GCM_AUTH_FAILED) {
    return Error::NeedsPerson("crypto.auth_failed",
                              "AES-GCM tag does not match: data altered or wrong key");
  }
  KIOSK_TRY(MbedtlsCall(rc, "mbedtls_gcm_auth_decrypt", __FILE__, __LINE__));
  return out;
}

Expected<SecretBytes> NewAesKey(RandomSource& random) {
  SecretBytes key(kAesGcmKeySize);
  KIOSK_TRY(random.Fill(std::span<std::uint8_t>(key.MutableData(), key.Size())));
  return key;
}

}  // namespace kiosk::core
