#include "test_prelude.h"

#include "kiosk/core/encoding.h"
#include "kiosk/core/jws.h"

using namespace kiosk::core;  // NOLINT(google-build-using-namespace): test file

namespace {
// RFC 7515 Appendix A.3: ES256.
const char* kRfcJws =
    "eyJhbGciOiJFUzI1NiJ9"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlf"
    "Q"
    ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

PublicKey RfcKey() {
  Bytes point{0x04};
  const auto x = *Base64UrlDecode("f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU");
  const auto y = *Base64UrlDecode("x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0");
  point.insert(point.end(), x.begin(), x.end());
  point.insert(point.end(), y.begin(), y.end());
  return *PublicKey::FromP256Point(point);
}
}  // namespace

TEST_GROUP(Jws) { DeterministicRandom random{3}; };

TEST(Jws, Rfc7515AppendixA3Verifies) {
  auto parts = VerifyJwsEs256(kRfcJws, RfcKey());
  if (!parts) FAIL(parts.GetError().ToString().c_str());
  CHECK(std::string(AsChars(parts->payload)).find("\"iss\":\"joe\"") != std::string::npos);
}

TEST(Jws, SignedByUsVerifiesAndCarriesKidAndTyp) {
  auto key = PrivateKey::GenerateP256(random);
  auto jws = SignJwsEs256(AsBytes("{\"a\":1}"), *key, "KIOSK-0001", "dossier+jws", random);
  auto parts = VerifyJwsEs256(*jws, *key->Public());
  CHECK_TRUE(parts.HasValue());
  STRCMP_EQUAL("KIOSK-0001", parts->kid.c_str());
  STRCMP_EQUAL("dossier+jws", parts->typ.c_str());
  STRCMP_EQUAL("{\"a\":1}", std::string(AsChars(parts->payload)).c_str());
}

// The length is known before the payload: every remainder of base64's
// groups of three, with and without kid and typ.
TEST(Jws, ItsLengthIsKnownFromThePayloadsLength) {
  auto key = PrivateKey::GenerateP256(random);
  for (const std::size_t n : std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 64, 1000, 1001, 1002}) {
    const std::string payload(n, 'x');
    for (const auto& [kid, typ] : std::vector<std::pair<std::string, std::string>>{
             {"", ""}, {"QNM-TAMKY-0001", "kiosk-dossier+jws"}}) {
      auto jws = SignJwsEs256(AsBytes(payload), *key, kid, typ, random);
      LONGS_EQUAL(jws->size(), SignedJwsEs256Size(n, kid, typ));
    }
  }
}

TEST(Jws, AlteredPayloadOrOtherKeyFails) {
  auto key = PrivateKey::GenerateP256(random);
  auto other = PrivateKey::GenerateP256(random);
  std::string jws = *SignJwsEs256(AsBytes("{\"a\":1}"), *key, "", "", random);
  STRCMP_EQUAL("jws.bad_signature",
               VerifyJwsEs256(jws, *other->Public()).GetError().Code().c_str());
  const std::size_t dot = jws.find('.');
  std::string altered =
      jws.substr(0, dot + 1) + Base64UrlEncode(AsBytes("{\"a\":2}")) + jws.substr(jws.rfind('.'));
  STRCMP_EQUAL("jws.bad_signature",
               VerifyJwsEs256(altered, *key->Public()).GetError().Code().c_str());
}

TEST(Jws, OtherAlgorithmsAndNoneAreRefused) {
  const std::string none = Base64UrlEncode(AsBytes("{\"alg\":\"none\"}")) + ".e30.";
  STRCMP_EQUAL("jws.invalid", ParseJws(none).GetError().Code().c_str());
  const std::string hs =
      Base64UrlEncode(AsBytes("{\"alg\":\"HS256\"}")) + ".e30." + Base64UrlEncode(Bytes(64, 1));
  STRCMP_EQUAL("jws.invalid", ParseJws(hs).GetError().Code().c_str());
  const std::string crit = Base64UrlEncode(AsBytes("{\"alg\":\"ES256\",\"crit\":[\"x\"]}")) +
                           ".e30." + Base64UrlEncode(Bytes(64, 1));
  STRCMP_EQUAL("jws.invalid", ParseJws(crit).GetError().Code().c_str());
}

TEST(Jws, MalformedCompactFormsAreRefused) {
  CHECK_FALSE(ParseJws("").HasValue());
  CHECK_FALSE(ParseJws("a.b").HasValue());
  CHECK_FALSE(ParseJws("a.b.c.d").HasValue());
  CHECK_FALSE(ParseJws("!!!.e30.AAAA").HasValue());
  const std::string short_sig =
      std::string("eyJhbGciOiJFUzI1NiJ9.e30.") + Base64UrlEncode(Bytes(63, 1));
  CHECK_FALSE(ParseJws(short_sig).HasValue());
}
