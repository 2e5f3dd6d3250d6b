#include "test_prelude.h"

#include "kiosk/core/encoding.h"
#include "kiosk/core/hash.h"
#include "kiosk/core/pk.h"

using namespace kiosk::core;  // NOLINT(google-build-using-namespace): test file
using kiosk::test::Hex;

namespace {
// RFC 6979 A.2.5: ECDSA, 256 bits (prime field).
const char* kScalar = "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721";
const char* kUx = "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6";
const char* kUy = "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299";

Bytes Sha256(std::string_view text) { return *Digest(HashAlg::kSha256, AsBytes(text)); }
}  // namespace

TEST_GROUP(Pk) {
  DeterministicRandom random{99};
  PrivateKey Rfc6979Key() {
    auto key = PrivateKey::FromP256Scalar(SecretBytes(Hex(kScalar)), random);
    CHECK_TRUE(key.HasValue());
    return std::move(key).Value();
  }
};

TEST(Pk, ScalarGivesTheRfc6979PublicKey) {
  auto pub = Rfc6979Key().Public();
  auto point = pub->P256Point();
  const Bytes expected = Hex(std::string("04") + kUx + kUy);
  CHECK(*point == expected);
  CHECK(pub->GetType() == PublicKey::Type::kEc);
  LONGS_EQUAL(256, pub->BitLength());
}

TEST(Pk, DeterministicSignaturesMatchRfc6979) {
  PrivateKey key = Rfc6979Key();
  STRCMP_EQUAL(
      "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716"
      "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8",
      HexEncode(*key.SignRawDeterministic(HashAlg::kSha256, Sha256("sample"), random)).c_str());
  STRCMP_EQUAL(
      "f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367"
      "019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083",
      HexEncode(*key.SignRawDeterministic(HashAlg::kSha256, Sha256("test"), random)).c_str());
}

TEST(Pk, PublishedSignatureVerifiesFromThePointAlone) {
  auto pub = PublicKey::FromP256Point(Hex(std::string("04") + kUx + kUy));
  CHECK_TRUE(pub.HasValue());
  const Bytes sig =
      Hex("efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716"
          "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8");
  CHECK_TRUE(pub->VerifyRaw(HashAlg::kSha256, Sha256("sample"), sig).HasValue());
  auto wrong = pub->VerifyRaw(HashAlg::kSha256, Sha256("samplf"), sig);
  STRCMP_EQUAL("crypto.bad_signature", wrong.GetError().Code().c_str());
}

TEST(Pk, PointNotOnTheCurveIsRejected) {
  Bytes point = Hex(std::string("04") + kUx + kUy);
  point[64] ^= 0x01;
  CHECK_FALSE(PublicKey::FromP256Point(point).HasValue());
  CHECK_FALSE(PublicKey::FromP256Point(Bytes(65, 0)).HasValue());
}

TEST(Pk, GeneratedKeySignsAndVerifiesInBothForms) {
  auto key = PrivateKey::GenerateP256(random);
  auto pub = key->Public();
  const Bytes digest = Sha256("dossier manifest");
  auto raw = key->SignRaw(HashAlg::kSha256, digest, random);
  LONGS_EQUAL(64, raw->size());
  CHECK_TRUE(pub->VerifyRaw(HashAlg::kSha256, digest, *raw).HasValue());
  auto der = key->SignDer(HashAlg::kSha256, digest, random);
  CHECK_TRUE(pub->Verify(HashAlg::kSha256, digest, *der).HasValue());
  Bytes altered = *der;
  altered[altered.size() - 1] ^= 0x01;
  CHECK_FALSE(pub->Verify(HashAlg::kSha256, digest, altered).HasValue());
}

TEST(Pk, SignatureFormsConvertBothWays) {
  auto key = PrivateKey::GenerateP256(random);
  const Bytes digest = Sha256("x");
  for (int i = 0; i < 20; ++i) {  // covers r and s with and without the top bit set
    auto der = *key->SignDer(HashAlg::kSha256, digest, random);
    auto raw = EcdsaDerToRaw(der, 32);
    CHECK(*EcdsaRawToDer(*raw) == der);
  }
}

TEST(Pk, MalformedDerSignaturesAreRejected) {
  CHECK_FALSE(EcdsaDerToRaw(Hex("3006020101020101ff"), 32).HasValue());  // trailing byte
  CHECK_FALSE(EcdsaDerToRaw(Hex("300602010102"), 32).HasValue());        // truncated
  CHECK_FALSE(EcdsaDerToRaw({}, 32).HasValue());
  CHECK_FALSE(EcdsaRawToDer(Hex("010203")).HasValue());  // odd length
}

TEST(Pk, WrongDigestLengthIsRefused) {
  auto key = PrivateKey::GenerateP256(random);
  auto r = key->SignRaw(HashAlg::kSha256, Bytes(20, 1), random);
  STRCMP_EQUAL("crypto.bad_digest_size", r.GetError().Code().c_str());
}

TEST(Pk, PrivateKeyPemAndDerRoundTrip) {
  auto key = PrivateKey::GenerateP256(random);
  auto pem = key->ToPem();
  std::string text(AsChars(pem->View()));
  CHECK(text.rfind("-----BEGIN EC PRIVATE KEY-----", 0) == 0);
  auto again = PrivateKey::FromPem(*pem);
  CHECK_TRUE(again.HasValue());
  STRCMP_EQUAL(key->Public()->Fingerprint()->c_str(), again->Public()->Fingerprint()->c_str());
  auto der = key->ToDer();
  auto from_der = PrivateKey::FromDer(*der);
  STRCMP_EQUAL(key->Public()->Fingerprint()->c_str(), from_der->Public()->Fingerprint()->c_str());
}

TEST(Pk, LoadsSec1AndPkcs8PemKeysFromOpenssl) {
  const std::string sec1 = kiosk::test::ReadDataFile("pki/test-leaf.key");
  const std::string pkcs8 = kiosk::test::ReadDataFile("pki/test-leaf.pkcs8.pem");
  auto a = PrivateKey::FromPem(SecretBytes(AsBytes(sec1)));
  auto b = PrivateKey::FromPem(SecretBytes(AsBytes(pkcs8)));
  CHECK_TRUE(a.HasValue());
  CHECK_TRUE(b.HasValue());
  STRCMP_EQUAL(a->Public()->Fingerprint()->c_str(), b->Public()->Fingerprint()->c_str());
}

TEST(Pk, GarbageKeyIsANeedsPersonError) {
  auto r = PrivateKey::FromPem(SecretBytes(AsBytes("-----BEGIN EC PRIVATE KEY-----\nAAAA\n")));
  CHECK_FALSE(r.HasValue());
  CHECK(r.GetError().Class() == ErrorClass::kNeedsPerson);
  CHECK(r.GetError().Message().find("mbedtls_pk_parse_key") != std::string::npos);
}

TEST(Pk, PublicKeyPemAndDerRoundTrip) {
  auto pub = *PrivateKey::GenerateP256(random)->Public();
  auto pem = pub.ToPem();
  CHECK(pem->rfind("-----BEGIN PUBLIC KEY-----", 0) == 0);
  auto from_pem = PublicKey::FromPem(*pem);
  CHECK(*from_pem->ToDer() == *pub.ToDer());
  auto from_der = PublicKey::FromDer(*pub.ToDer());
  STRCMP_EQUAL(pub.Fingerprint()->c_str(), from_der->Fingerprint()->c_str());
  LONGS_EQUAL(64, pub.Fingerprint()->size());
}
