#include "test_prelude.h"

#include "kiosk/core/encoding.h"
#include "kiosk/core/hash.h"

using namespace kiosk::core;  // NOLINT(google-build-using-namespace): test file
using kiosk::test::Hex;

namespace {
std::string HexDigest(HashAlg alg, std::string_view data) {
  return HexEncode(*Digest(alg, AsBytes(data)));
}
const std::string kTwoBlocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
}  // namespace

TEST_GROUP(Hash){};

// FIPS 180-2 / NIST CAVP examples.
TEST(Hash, Sha1MatchesFips180) {
  STRCMP_EQUAL("a9993e364706816aba3e25717850c26c9cd0d89d",
               HexDigest(HashAlg::kSha1, "abc").c_str());
  STRCMP_EQUAL("84983e441c3bd26ebaae4aa1f95129e5e54670f1",
               HexDigest(HashAlg::kSha1, kTwoBlocks).c_str());
}

TEST(Hash, Sha256MatchesFips180) {
  STRCMP_EQUAL("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
               HexDigest(HashAlg::kSha256, "abc").c_str());
  STRCMP_EQUAL("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
               HexDigest(HashAlg::kSha256, "").c_str());
  STRCMP_EQUAL("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
               HexDigest(HashAlg::kSha256, kTwoBlocks).c_str());
}

TEST(Hash, Sha384MatchesFips180) {
  STRCMP_EQUAL(
      "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c8"
      "25a7",
      HexDigest(HashAlg::kSha384, "abc").c_str());
}

TEST(Hash, Sha512MatchesFips180) {
  STRCMP_EQUAL(
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3fe"
      "ebbd454d4423643ce80e2a9ac94fa54ca49f",
      HexDigest(HashAlg::kSha512, "abc").c_str());
}

TEST(Hash, StreamingEqualsOneShot) {
  auto hasher = Hasher::Create(HashAlg::kSha256);
  CHECK_TRUE(hasher.HasValue());
  for (char c : kTwoBlocks) CHECK_TRUE(hasher->Update(AsBytes(std::string_view(&c, 1))).HasValue());
  STRCMP_EQUAL(HexDigest(HashAlg::kSha256, kTwoBlocks).c_str(),
               HexEncode(*hasher->Finish()).c_str());
}

TEST(Hash, HasherRefusesUseAfterFinish) {
  auto hasher = Hasher::Create(HashAlg::kSha1);
  CHECK_TRUE(hasher->Finish().HasValue());
  CHECK_FALSE(hasher->Update(AsBytes("x")).HasValue());
  CHECK_FALSE(hasher->Finish().HasValue());
}

TEST(Hash, DigestSizes) {
  LONGS_EQUAL(20, DigestSize(HashAlg::kSha1));
  LONGS_EQUAL(32, DigestSize(HashAlg::kSha256));
  LONGS_EQUAL(48, DigestSize(HashAlg::kSha384));
  LONGS_EQUAL(64, DigestSize(HashAlg::kSha512));
}

// RFC 4231 test cases 1, 2 and 6 (key longer than the block size).
TEST(Hash, HmacMatchesRfc4231) {
  const Bytes key1(20, 0x0b);
  STRCMP_EQUAL("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
               HexEncode(*Hmac(HashAlg::kSha256, key1, AsBytes("Hi There"))).c_str());
  STRCMP_EQUAL(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
      HexEncode(*Hmac(HashAlg::kSha256, AsBytes("Jefe"), AsBytes("what do ya want for nothing?")))
          .c_str());
  const Bytes key6(131, 0xaa);
  STRCMP_EQUAL("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
               HexEncode(*Hmac(HashAlg::kSha256, key6,
                               AsBytes("Test Using Larger Than Block-Size Key - Hash Key First")))
                   .c_str());
  STRCMP_EQUAL(
      "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eae"
      "a3f4e4be9d914eeb61f1702e696c203a126854",
      HexEncode(*Hmac(HashAlg::kSha512, key1, AsBytes("Hi There"))).c_str());
}
