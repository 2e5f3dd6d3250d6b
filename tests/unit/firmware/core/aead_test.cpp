#include "test_prelude.h"

#include "kiosk/core/aead.h"
#include "kiosk/core/encoding.h"

using namespace kiosk::core;  // NOLINT(google-build-using-namespace): test file
using kiosk::test::Hex;

namespace {
// The GCM specification (McGrew & Viega), test case 16: AES-256 with AAD.
const char* kKey = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
const char* kIv = "cafebabefacedbaddecaf888";
const char* kAad = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
const char* kPlain =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
const char* kCipher =
    "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
    "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662";
const char* kTag = "76fc6ece0f4e1768cddf8853bb2d551b";
}  // namespace

TEST_GROUP(Aead) { SecretBytes key{Hex(kKey)}; };

TEST(Aead, SealMatchesGcmSpecTestCase16) {
  auto sealed = AesGcmSeal(key, Hex(kIv), Hex(kAad), Hex(kPlain));
  CHECK_TRUE(sealed.HasValue());
  STRCMP_EQUAL((std::string(kCipher) + kTag).c_str(), HexEncode(*sealed).c_str());
}

// Test cases 13 and 14: all-zero key and IV, empty and one-block plaintext.
TEST(Aead, SealMatchesGcmSpecTestCases13And14) {
  SecretBytes zero_key{Bytes(32, 0)};
  STRCMP_EQUAL("530f8afbc74536b9a963b4f1c4cb738b",
               HexEncode(*AesGcmSeal(zero_key, Bytes(12, 0), {}, {})).c_str());
  STRCMP_EQUAL("cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919",
               HexEncode(*AesGcmSeal(zero_key, Bytes(12, 0), {}, Bytes(16, 0))).c_str());
}

TEST(Aead, OpenRecoversThePlaintext) {
  auto opened = AesGcmOpen(key, Hex(kIv), Hex(kAad), Hex(std::string(kCipher) + kTag));
  CHECK_TRUE(opened.HasValue());
  STRCMP_EQUAL(kPlain, HexEncode(*opened).c_str());
}

TEST(Aead, AlteredCiphertextTagOrAadIsRejected) {
  const Bytes sealed = Hex(std::string(kCipher) + kTag);
  for (std::size_t i : {std::size_t{0}, std::size_t{30}, sealed.size() - 1}) {
    Bytes altered = sealed;
    altered[i] ^= 0x01;
    auto r = AesGcmOpen(key, Hex(kIv), Hex(kAad), altered);
    CHECK_FALSE(r.HasValue());
    STRCMP_EQUAL("crypto.auth_failed", r.GetError().Code().c_str());
  }
  Bytes aad = Hex(kAad);
  aad[0] ^= 0x80;
  CHECK_FALSE(AesGcmOpen(key, Hex(kIv), aad, sealed).HasValue());
  Bytes iv = Hex(kIv);
  iv[11] ^= 0x01;
  CHECK_FALSE(AesGcmOpen(key, iv, Hex(kAad), sealed).HasValue());
}

TEST(Aead, WrongKeyIsRejected) {
  SecretBytes other{Bytes(32, 0x11)};
  auto r = AesGcmOpen(other, Hex(kIv), Hex(kAad), Hex(std::string(kCipher) + kTag));
  STRCMP_EQUAL("crypto.auth_failed", r.GetError().Code().c_str());
}

TEST(Aead, TruncatedInputIsRejected) {
  auto r = AesGcmOpen(key, Hex(kIv), {}, Bytes(15, 0));
  STRCMP_EQUAL("crypto.auth_failed", r.GetError().Code().c_str());
}

TEST(Aead, BadKeyOrNonceSizeIsAProgrammingError) {
  SecretBytes short_key{Bytes(16, 0)};
  auto r = AesGcmSeal(short_key, Hex(kIv), {}, {});
  STRCMP_EQUAL("crypto.bad_key_size", r.GetError().Code().c_str());
  CHECK(r.GetError().Class() == ErrorClass::kFatal);
  STRCMP_EQUAL("crypto.bad_nonce_size",
               AesGcmSeal(key, Bytes(8, 0), {}, {}).GetError().Code().c_str());
}

TEST(Aead, NewKeysAreRandomAndFullSize) {
  DeterministicRandom random(1);
  auto a = NewAesKey(random);
  auto b = NewAesKey(random);
  LONGS_EQUAL(32, a->Size());
  CHECK_FALSE(*a == *b);
}
