#include "kiosk/core/selftest.h"

#include <functional>

#include "kiosk/core/aead.h"
#include "kiosk/core/encoding.h"
#include "kiosk/core/hash.h"
#include "kiosk/core/pk.h"

namespace kiosk::core {
namespace {

// Published vectors: FIPS 180 examples ("abc"), RFC 4231 test case 2, the GCM
// specification's test case 16 (AES-256), RFC 6979 A.2.5 (P-256, "sample").
struct HashVector {
  HashAlg alg;
  const char* name;
  const char* digest;
};
constexpr HashVector kHashVectors[] = {
    {HashAlg::kSha1, "sha1.kat", "a9993e364706816aba3e25717850c26c9cd0d89d"},
    {HashAlg::kSha256, "sha256.kat",
     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {HashAlg::kSha384, "sha384.kat",
     "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c8"
     "25a7"},
    {HashAlg::kSha512, "sha512.kat",
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3fe"
     "ebbd454d4423643ce80e2a9ac94fa54ca49f"},
};

constexpr const char* kGcmKey = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
constexpr const char* kGcmIv = "cafebabefacedbaddecaf888";
constexpr const char* kGcmAad = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
constexpr const char* kGcmPlain =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6"
    "b525b16aedf5aa0de657ba637b39";
constexpr const char* kGcmSealed =
    "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b105682"
    "8838c5f61e6393ba7a0abcc9f66276fc6ece0f4e1768cddf8853bb2d551b";

constexpr const char* kEcScalar =
    "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721";
constexpr const char* kEcSampleSig =
    "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716"
    "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8";

Bytes Hex(const char* text) { return HexDecode(text).ValueOr({}); }

// Runs one check; a check returns an empty string on success or the reason.
SelfTestCheck Run(const char* name, const Clock& clock, const std::function<std::string()>& body) {
  const MonoTime start = clock.Monotonic();
  std::string failure = body();
  SelfTestCheck check;
  check.name = name;
  check.passed = failure.empty();
  check.detail = failure.empty() ? "ok" : failure;
  check.took = std::chrono::duration_cast<std::chrono::microseconds>(clock.Monotonic() - start);
  return check;
}

std::string Describe(const Error& error) { return error.ToString(); }

}  // namespace

bool SelfTestReport::Passed() const {
  if (checks.empty()) return false;
  for (const auto& check : checks) {
    if (!check.passed) return false;
  }
  return true;
}

SelfTestReport RunCryptoSelfTest(RandomSource& random, const Clock& clock) {
  SelfTestReport report;

  for (const auto& v : kHashVectors) {
    report.checks.push_back(Run(v.name, clock, [&]() -> std::string {
      auto digest = Digest(v.alg, AsBytes("abc"));
      if (!digest) return Describe(digest.GetError());
      return HexEncode(*digest) == v.digest ? "" : "digest of \"abc\" differs from FIPS 180";
    }));
  }

  report.checks.push_back(Run("hmac-sha256.kat", clock, []() -> std::string {
    auto mac = Hmac(HashAlg::kSha256, AsBytes("Jefe"), AsBytes("what do ya want for nothing?"));
    if (!mac) return Describe(mac.GetError());
    return HexEncode(*mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
               ? ""
               : "differs from RFC 4231 test case 2";
  }));

  report.checks.push_back(Run("aes256-gcm.kat", clock, []() -> std::string {
    const SecretBytes key(Hex(kGcmKey));
    auto sealed = AesGcmSeal(key, Hex(kGcmIv), Hex(kGcmAad), Hex(kGcmPlain));
    if (!sealed) return Describe(sealed.GetError());
    if (HexEncode(*sealed) != kGcmSealed) return "ciphertext differs from GCM test case 16";
    Bytes altered = *sealed;
    altered[0] ^= 1;
    if (AesGcmOpen(key, Hex(kGcmIv), Hex(kGcmAad), altered)) return "accepted an altered text";
    auto opened = AesGcmOpen(key, Hex(kGcmIv), Hex(kGcmAad), *sealed);
    if (!opened) return Describe(opened.GetError());
    return HexEncode(*opened) == kGcmPlain ? "" : "decryption differs from GCM test case 16";
  }));

  report.checks.push_back(Run("ecdsa-p256.kat", clock, [&]() -> std::string {
    auto key = PrivateKey::FromP256Scalar(SecretBytes(Hex(kEcScalar)), random);
    if (!key) return Describe(key.GetError());
    auto digest = Digest(HashAlg::kSha256, AsBytes("sample"));
    if (!digest) return Describe(digest.GetError());
    auto sig = key->SignRawDeterministic(HashAlg::kSha256, *digest, random);
    if (!sig) return Describe(sig.GetError());
    if (HexEncode(*sig) != kEcSampleSig) return "signature differs from RFC 6979 A.2.5";
    auto pub = key->Public();
    if (!pub) return Describe(pub.GetError());
    if (!pub->VerifyRaw(HashAlg::kSha256, *digest, *sig)) return "own signature does not verify";
    Bytes altered = *sig;
    altered[10] ^= 0x40;
    if (pub->VerifyRaw(HashAlg::kSha256, *digest, altered)) return "accepted an altered signature";
    return "";
  }));

  report.checks.push_back(Run("drbg.health", clock, [&]() -> std::string {
    // Catches a stuck or constant generator, not a subtly weak one.
    auto a = RandomBytes(random, 32);
    auto b = RandomBytes(random, 32);
    if (!a) return Describe(a.GetError());
    if (!b) return Describe(b.GetError());
    if (*a == *b) return "two outputs are identical";
    std::size_t same = 0;
    for (std::size_t i = 1; i < a->size(); ++i) same += ((*a)[i] == (*a)[0]) ? 1U : 0U;
    if (same == a->size() - 1) return "output is constant";
    return "";
  }));

  report.checks.push_back(Run("ecdsa-p256.pairwise", clock, [&]() -> std::string {
    auto key = PrivateKey::GenerateP256(random);
    if (!key) return Describe(key.GetError());
    auto pub = key->Public();
    if (!pub) return Describe(pub.GetError());
    auto digest = Digest(HashAlg::kSha256, AsBytes("pairwise consistency"));
    if (!digest) return Describe(digest.GetError());
    auto sig = key->SignRaw(HashAlg::kSha256, *digest, random);
    if (!sig) return Describe(sig.GetError());
    if (!pub->VerifyRaw(HashAlg::kSha256, *digest, *sig)) return "fresh key fails to verify";
    return "";
  }));

  return report;
}

}  // namespace kiosk::core
