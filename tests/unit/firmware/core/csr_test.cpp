#include "test_prelude.h"

#include <sys/stat.h>

#include <fstream>

#include "kiosk/core/config.h"
#include "kiosk/core/csr.h"
#include "kiosk/core/encoding.h"
#include "kiosk/core/files.h"
#include "kiosk/core/text.h"

using namespace kiosk::core;  // NOLINT(google-build-using-namespace): test file

TEST_GROUP(Csr) { DeterministicRandom random{21}; };

TEST(Csr, RoundTripsTheSubjectAndKey) {
  auto key = PrivateKey::GenerateP256(random).Value();
  const auto der = MakeCsr(key, "C=VN,O=DVC Kiosk,CN=QNM-TAMKY-0001", random).Value();
  auto info = ParseCsr(der).Value();
  STRCMP_EQUAL("QNM-TAMKY-0001", info.common_name.c_str());
  STRCMP_EQUAL("C=VN, O=DVC Kiosk, CN=QNM-TAMKY-0001", info.subject.c_str());
  STRCMP_EQUAL(key.Public()->Fingerprint()->c_str(), info.key.Fingerprint()->c_str());
  // PEM too.
  std::string pem = "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64Encode(der) +
                    "\n-----END CERTIFICATE REQUEST-----\n";
  CHECK(ParseCsr(AsBytes(pem)).HasValue());
}

TEST(Csr, ATamperedRequestDoesNotVerify) {
  auto key = PrivateKey::GenerateP256(random).Value();
  auto der = MakeCsr(key, "C=VN,CN=QNM-TAMKY-0001", random).Value();
  // Change a letter of the subject: the signature no longer covers it.
  for (std::size_t i = 0; i + 4 < der.size(); ++i) {
    if (der[i] == 'Q' && der[i + 1] == 'N' && der[i + 2] == 'M') {
      der[i] = 'X';
      break;
    }
  }
  auto parsed = ParseCsr(der);
  CHECK_FALSE(parsed.HasValue());
  STRCMP_EQUAL("csr.invalid", parsed.GetError().Code().c_str());
  CHECK_FALSE(ParseCsr(AsBytes("not a request")).HasValue());
  CHECK_FALSE(ParseCsr(ByteView()).HasValue());
}

TEST_GROUP(Codes){};

TEST(Codes, IdentifiersOnly) {
  CHECK(IsCode("printer.paper_out", 64));
  CHECK(IsCode("0.8.0+rc1", 64));
  CHECK_FALSE(IsCode("", 64));
  CHECK_FALSE(IsCode(".hidden", 64));
  CHECK_FALSE(IsCode("Nguyễn", 64));
  CHECK_FALSE(IsCode("two words", 64));
  CHECK_FALSE(IsCode(std::string(65, 'a'), 64));
  CHECK(IsCode("000.17.22.H56", 32, ".-"));
  CHECK_FALSE(IsCode("a_b", 32, ".-"));
  LONGS_EQUAL(42, *ParseDecimal("42"));
  CHECK_FALSE(ParseDecimal("").has_value());
  CHECK_FALSE(ParseDecimal("4x").has_value());
  CHECK_FALSE(ParseDecimal("-1").has_value());
  CHECK_FALSE(ParseDecimal(std::string(19, '9')).has_value());
}

TEST_GROUP(Files) { kiosk::test::TempDir dir; };

TEST(Files, AtomicWritesReplaceWholeFilesWithTheirMode) {
  const auto file = dir.Path() / "key.pem";
  CHECK(WriteFileAtomically(file, AsBytes("first"), 0600).HasValue());
  CHECK(WriteFileAtomically(file, AsBytes("second"), 0600).HasValue());
  STRCMP_EQUAL("second", ReadSmallFile(file).Value().c_str());
  struct stat st {};
  LONGS_EQUAL(0, ::stat(file.c_str(), &st));
  LONGS_EQUAL(0600, st.st_mode & 0777);
  CHECK_FALSE(std::filesystem::exists(file.string() + ".tmp"));
  STRCMP_EQUAL("io.absent", ReadSmallFile(dir.Path() / "none").GetError().Code().c_str());
  STRCMP_EQUAL("io.too_large", ReadSmallFile(file, 3).GetError().Code().c_str());
  CHECK_FALSE(WriteFileAtomically(dir.Path() / "no/such/dir/file", AsBytes("x")).HasValue());
}

TEST_GROUP(ConfigLayers) { kiosk::test::TempDir dir; };

TEST(ConfigLayers, LaterFilesOverrideKeyByKeyAndProblemsNameTheirFile) {
  std::ofstream(dir.Path() / "agent.toml") << "[gateway]\nhost = \"10.0.0.1\"\nport = 8443\n"
                                           << "[upload]\nidle_poll_ms = 200\n";
  std::ofstream(dir.Path() / "provisioned.toml") << "[gateway]\nport = 9443\n"
                                                 << "[device]\nkiosk_id = \"QNM-A-1\"\n";
  auto doc = config::Document::LoadAll({dir.Path() / "agent.toml", dir.Path() / "provisioned.toml"})
                 .Value();
  config::Reader reader(doc);
  std::string host, kiosk;
  int port = 0, poll = 0;
  auto gateway = reader.Table("gateway");
  gateway.Read("host", host);
  gateway.Read("port", port, 1, 65535);
  reader.Table("upload").Read("idle_poll_ms", poll, 1, 100000);
  reader.Table("device").Read("kiosk_id", kiosk);
  CHECK(reader.Finish().HasValue());
  STRCMP_EQUAL("10.0.0.1", host.c_str());
  LONGS_EQUAL(9443, port);
  LONGS_EQUAL(200, poll);
  STRCMP_EQUAL("QNM-A-1", kiosk.c_str());

  std::ofstream(dir.Path() / "typo.toml") << "[gateway]\nprot = 1\n";
  auto typo =
      config::Document::LoadAll({dir.Path() / "agent.toml", dir.Path() / "typo.toml"}).Value();
  config::Reader strict(typo);
  strict.Table("gateway").Read("host", host);
  strict.Table("gateway").Read("port", port, 1, 65535);
  strict.Table("upload").Read("idle_poll_ms", poll, 1, 100000);
  auto finished = strict.Finish();
  CHECK_FALSE(finished.HasValue());
  const std::string message = finished.GetError().Message();
  CHECK_TEXT(message.find("typo.toml:2:1: gateway.prot: unknown key") != std::string::npos,
             message.c_str());
  CHECK_FALSE(config::Document::LoadAll({}).HasValue());
  CHECK_FALSE(config::Document::LoadAll({dir.Path() / "agent.toml", dir.Path() / "absent.toml"})
                  .HasValue());
}
