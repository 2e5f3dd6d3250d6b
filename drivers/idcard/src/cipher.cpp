#include "kiosk/idcard/cipher.h"

#include <mbedtls/aes.h>
#include <mbedtls/cipher.h>
#include <mbedtls/cmac.h>
#include <mbedtls/des.h>

#include "kiosk/core/hash.h"
#include "kiosk/core/mbedtls_call.h"
#include "kiosk/core/mbedtls_owned.h"

namespace kiosk::idcard {

using core::Error;
using core::Expected;

namespace {

core::Status CheckBlocks(ByteView data, std::size_t block, ByteView iv) {
  if (data.size() % block != 0) {
    return Error::Fatal("idcard.cipher", "data is not a whole number of blocks");
  }
  if (iv.size() != block) return Error::Fatal("idcard.cipher", "IV length is not one block");
  return core::Ok();
}

}  // namespace

Bytes Pad(ByteView data, std::size_t block) {
  Bytes out(data.begin(), data.end());
  out.push_back(0x80);
  while (out.size() % block != 0) out.push_back(0x00);
  return out;
}

Expected<Bytes> Unpad(ByteView data) {
  std::size_t end = data.size();
  while (end > 0 && data[end - 1] == 0x00) --end;
  if (end == 0 || data[end - 1] != 0x80) {
    return Error::NeedsPerson("idcard.bad_padding", "ISO 9797-1 padding is missing or malformed");
  }
  return Bytes(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(end - 1));
}

Expected<Bytes> Des3Cbc(Direction direction, const SecretBytes& key, ByteView iv, ByteView data) {
  if (key.Size() != 16) return Error::Fatal("idcard.cipher", "3DES key must be 16 bytes");
  KIOSK_TRY(CheckBlocks(data, 8, iv));
  core::Owned<mbedtls_des3_context, mbedtls_des3_init, mbedtls_des3_free> ctx;
  if (direction == Direction::kEncrypt) {
    KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_des3_set2key_enc(&ctx.value, key.View().data())));
  } else {
    KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_des3_set2key_dec(&ctx.value, key.View().data())));
  }
  unsigned char ivc[8];
  std::copy(iv.begin(), iv.end(), ivc);
  Bytes out(data.size());
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_des3_crypt_cbc(
      &ctx.value, direction == Direction::kEncrypt ? MBEDTLS_DES_ENCRYPT : MBEDTLS_DES_DECRYPT,
      data.size(), ivc, data.data(), out.data())));
  return out;
}

Expected<Bytes> RetailMac(const SecretBytes& key, ByteView padded) {
  if (key.Size() != 16) return Error::Fatal("idcard.cipher", "retail MAC key must be 16 bytes");
  if (padded.empty() || padded.size() % 8 != 0) {
    return Error::Fatal("idcard.cipher", "retail MAC input must be padded to 8 bytes");
  }
  // Single DES with K1 over every block, then DES^-1 with K2 and DES with K1.
  core::Owned<mbedtls_des_context, mbedtls_des_init, mbedtls_des_free> k1;
  core::Owned<mbedtls_des_context, mbedtls_des_init, mbedtls_des_free> k2;
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_des_setkey_enc(&k1.value, key.View().data())));
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_des_setkey_dec(&k2.value, key.View().data() + 8)));
  unsigned char state[8] = {0};
  for (std::size_t i = 0; i < padded.size(); i += 8) {
    for (std::size_t j = 0; j < 8; ++j) state[j] ^= padded[i + j];
    KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_des_crypt_ecb(&k1.value, state, state)));
  }
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_des_crypt_ecb(&k2.value, state, state)));
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_des_crypt_ecb(&k1.value, state, state)));
  return Bytes(state, state + 8);
}

Expected<Bytes> AesCbc(Direction direction, const SecretBytes& key, ByteView iv, ByteView data) {
  KIOSK_TRY(CheckBlocks(data, 16, iv));
  core::Owned<mbedtls_aes_context, mbedtls_aes_init, mbedtls_aes_free> ctx;
  const auto bits = static_cast<unsigned>(key.Size() * 8);
  if (direction == Direction::kEncrypt) {
    KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_aes_setkey_enc(&ctx.value, key.View().data(), bits)));
  } else {
    KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_aes_setkey_dec(&ctx.value, key.View().data(), bits)));
  }
  unsigned char ivc[16];
  std::copy(iv.begin(), iv.end(), ivc);
  Bytes out(data.size());
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_aes_crypt_cbc(
      &ctx.value, direction == Direction::kEncrypt ? MBEDTLS_AES_ENCRYPT : MBEDTLS_AES_DECRYPT,
      data.size(), ivc, data.data(), out.data())));
  return out;
}

Expected<Bytes> AesEcbEncryptBlock(const SecretBytes& key, ByteView block) {
  if (block.size() != 16) return Error::Fatal("idcard.cipher", "AES block must be 16 bytes");
  core::Owned<mbedtls_aes_context, mbedtls_aes_init, mbedtls_aes_free> ctx;
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_aes_setkey_enc(&ctx.value, key.View().data(),
                                                 static_cast<unsigned>(key.Size() * 8))));
  Bytes out(16);
  KIOSK_TRY(KIOSK_MBEDTLS(
      mbedtls_aes_crypt_ecb(&ctx.value, MBEDTLS_AES_ENCRYPT, block.data(), out.data())));
  return out;
}

Expected<Bytes> AesCmac(const SecretBytes& key, ByteView data) {
  mbedtls_cipher_type_t type = MBEDTLS_CIPHER_AES_128_ECB;
  if (key.Size() == 24) type = MBEDTLS_CIPHER_AES_192_ECB;
  if (key.Size() == 32) type = MBEDTLS_CIPHER_AES_256_ECB;
  Bytes out(16);
  KIOSK_TRY(
      KIOSK_MBEDTLS(mbedtls_cipher_cmac(mbedtls_cipher_info_from_type(type), key.View().data(),
                                        key.Size() * 8, data.data(), data.size(), out.data())));
  return out;
}

Expected<SecretBytes> KdfSha1(ByteView seed, std::uint32_t counter) {
  SecretBytes input(seed.size() + 4);
  std::copy(seed.begin(), seed.end(), input.MutableData());
  for (int i = 0; i < 4; ++i) {
    input.MutableData()[seed.size() + static_cast<std::size_t>(i)] =
        static_cast<std::uint8_t>(counter >> (24 - 8 * i));
  }
  KIOSK_ASSIGN_OR_RETURN(Bytes digest, core::Digest(core::HashAlg::kSha1, input.View()));
  SecretBytes key(ByteView(digest.data(), 16));
  core::SecureZero(digest.data(), digest.size());
  return key;
}

}  // namespace kiosk::idcard
