#include "test_prelude.h"

#include "kiosk/core/x509.h"

using namespace kiosk::core;  // NOLINT(google-build-using-namespace): test file
using kiosk::test::ReadDataFile;

TEST_GROUP(X509){
    Certificate Load(const char* name){auto cert = Certificate::FromPem(ReadDataFile(name));
CHECK_TRUE(cert.HasValue());
return std::move(cert).Value();
}
}
;

TEST(X509, ReadsSubjectIssuerAndValidity) {
  Certificate leaf = Load("pki/test-leaf.pem");
  STRCMP_EQUAL("C=VN, O=Kiosk Test PKI, CN=KIOSK-TEST-0001", leaf.Subject().c_str());
  STRCMP_EQUAL("C=VN, O=Kiosk Test PKI, CN=Kiosk Test Root CA", leaf.Issuer().c_str());
  CHECK(leaf.NotBefore() < leaf.NotAfter());
  CHECK_FALSE(leaf.IsCa());
  CHECK_TRUE(Load("pki/test-root.pem").IsCa());
  CHECK(!leaf.SerialHex().empty());
}

TEST(X509, DerAndPemGiveTheSameCertificate) {
  const std::string der_text = ReadDataFile("pki/test-leaf.der");
  auto from_der = Certificate::FromDer(AsBytes(der_text));
  CHECK_TRUE(from_der.HasValue());
  CHECK(from_der->Der() == Load("pki/test-leaf.pem").Der());
}

TEST(X509, PublicKeyTypesAreReported) {
  CHECK(Load("pki/test-leaf.pem").SubjectPublicKey()->GetType() == PublicKey::Type::kEc);
  auto rsa = Load("pki/other-root.pem").SubjectPublicKey();
  CHECK(rsa->GetType() == PublicKey::Type::kRsa);
  LONGS_EQUAL(2048, rsa->BitLength());
}

TEST(X509, ChainToTheIssuingRootVerifies) {
  Certificate leaf = Load("pki/test-leaf.pem");
  const WallTime now = leaf.NotBefore() + std::chrono::hours(24);
  CHECK_TRUE(VerifyChain(leaf, {}, {Load("pki/test-root.pem")}, now).HasValue());
}

TEST(X509, UnrelatedRootIsUntrusted) {
  Certificate leaf = Load("pki/test-leaf.pem");
  auto r =
      VerifyChain(leaf, {}, {Load("pki/other-root.pem")}, leaf.NotBefore() + std::chrono::hours(1));
  STRCMP_EQUAL("x509.untrusted", r.GetError().Code().c_str());
}

TEST(X509, NoAnchorsIsUntrusted) {
  Certificate leaf = Load("pki/test-leaf.pem");
  STRCMP_EQUAL("x509.untrusted",
               VerifyChain(leaf, {}, {}, leaf.NotBefore()).GetError().Code().c_str());
}

TEST(X509, ExpiredAndNotYetValidUseTheInjectedTime) {
  Certificate leaf = Load("pki/test-leaf.pem");
  Certificate root = Load("pki/test-root.pem");
  auto late = VerifyChain(leaf, {}, {root}, leaf.NotAfter() + std::chrono::hours(1));
  STRCMP_EQUAL("x509.expired", late.GetError().Code().c_str());
  auto early = VerifyChain(leaf, {}, {root}, leaf.NotBefore() - std::chrono::hours(1));
  STRCMP_EQUAL("x509.not_yet_valid", early.GetError().Code().c_str());
}

TEST(X509, TamperedCertificateFailsToVerify) {
  Certificate leaf = Load("pki/test-leaf.pem");
  Bytes der = leaf.Der();
  // Flip a bit inside the subject's common name: still parses, signature breaks.
  const std::string cn = "KIOSK-TEST-0001";
  auto it = std::search(der.begin(), der.end(), cn.begin(), cn.end());
  CHECK(it != der.end());
  *it ^= 0x01;
  auto tampered = Certificate::FromDer(der);
  CHECK_TRUE(tampered.HasValue());
  auto r = VerifyChain(*tampered, {}, {Load("pki/test-root.pem")},
                       leaf.NotBefore() + std::chrono::hours(1));
  CHECK_FALSE(r.HasValue());
}

TEST(X509, PemBundleYieldsEveryCertificate) {
  auto bundle =
      ParsePemBundle(ReadDataFile("pki/test-root.pem") + ReadDataFile("pki/other-root.pem"));
  LONGS_EQUAL(2, bundle->size());
  CHECK(bundle->at(1).Subject().find("Other Test Root") != std::string::npos);
  // Exactly one is required where one is asked for.
  CHECK_FALSE(
      Certificate::FromPem(ReadDataFile("pki/test-root.pem") + ReadDataFile("pki/other-root.pem"))
          .HasValue());
}

TEST(X509, GarbageIsRejectedWithAClearError) {
  CHECK_FALSE(Certificate::FromDer(AsBytes("not a certificate")).HasValue());
  auto r = ParsePemBundle("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n");
  CHECK_FALSE(r.HasValue());
  STRCMP_EQUAL("x509.bad_pem", ParsePemBundle("hello").GetError().Code().c_str());
}

TEST(X509, IssuedChainVerifiesAndRoundTripsThroughPem) {
  DeterministicRandom random(11);
  auto root_key = PrivateKey::GenerateP256(random);
  auto leaf_key = PrivateKey::GenerateP256(random);
  const WallTime start{std::chrono::seconds(1'700'000'000)};
  CertificateSpec root_spec{"C=VN,O=Kiosk Test,CN=Test CSCA",
                            "C=VN,O=Kiosk Test,CN=Test CSCA",
                            {0x01},
                            start,
                            start + std::chrono::hours(24 * 365),
                            true,
                            0,
                            kKeyUsageKeyCertSign | kKeyUsageCrlSign};
  auto root = IssueCertificate(root_spec, *root_key->Public(), *root_key, random);
  if (!root) FAIL(root.GetError().ToString().c_str());
  CertificateSpec leaf_spec{"C=VN,O=Kiosk Test,CN=Test DS",
                            root_spec.subject,
                            {0x00, 0x9A},
                            start,
                            start + std::chrono::hours(24 * 30),
                            false,
                            -1,
                            kKeyUsageDigitalSignature};
  auto leaf = IssueCertificate(leaf_spec, *leaf_key->Public(), *root_key, random);
  CHECK_TRUE(leaf.HasValue());
  STRCMP_EQUAL("C=VN, O=Kiosk Test, CN=Test DS", leaf->Subject().c_str());
  CHECK_TRUE(root->IsCa());
  CHECK_FALSE(leaf->IsCa());
  CHECK_TRUE(VerifyChain(*leaf, {}, {*root}, start + std::chrono::hours(1)).HasValue());
  auto again = Certificate::FromPem(ToPem(*leaf));
  CHECK(again->Der() == leaf->Der());
  STRCMP_EQUAL(leaf_key->Public()->Fingerprint()->c_str(),
               leaf->SubjectPublicKey()->Fingerprint()->c_str());
}
