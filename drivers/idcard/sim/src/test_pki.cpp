#include <fstream>
#include <iterator>

#include "kiosk/idcard/sim/persona.h"

namespace kiosk::idcard::sim {

using core::Expected;

namespace {
constexpr const char* kCscaName = "C=VN,O=Kiosk Test Authority,CN=Test CSCA Vietnam (synthetic)";
constexpr const char* kDscName =
    "C=VN,O=Kiosk Test Authority,CN=Test Document Signer 01 (synthetic)";

Expected<std::string> ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::Error::NeedsPerson("pki.unreadable", "cannot read " + path.string());
  return std::string(std::istreambuf_iterator<char>(in), {});
}

core::Status WriteText(const std::filesystem::path& path, core::ByteView text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(text.data()), static_cast<std::streamsize>(text.size()));
  if (!out) return core::Error::NeedsPerson("pki.unwritable", "cannot write " + path.string());
  return core::Ok();
}
}  // namespace

Expected<TestPki> GenerateTestPki(std::uint64_t seed, core::WallTime now) {
  core::DeterministicRandom random(seed);
  KIOSK_ASSIGN_OR_RETURN(auto csca_key, core::PrivateKey::GenerateP256(random));
  KIOSK_ASSIGN_OR_RETURN(auto dsc_key, core::PrivateKey::GenerateP256(random));
  const auto day = std::chrono::hours(24);
  core::CertificateSpec csca_spec{
      kCscaName,        kCscaName, {0x01}, now - 30 * day,
      now + 3650 * day, true,      0,      core::kKeyUsageKeyCertSign | core::kKeyUsageCrlSign};
  KIOSK_ASSIGN_OR_RETURN(auto csca_pub, csca_key.Public());
  KIOSK_ASSIGN_OR_RETURN(auto csca, core::IssueCertificate(csca_spec, csca_pub, csca_key, random));
  core::CertificateSpec dsc_spec{
      kDscName,         kCscaName, {0x10, 0x01}, now - 30 * day,
      now + 3650 * day, false,     -1,           core::kKeyUsageDigitalSignature};
  KIOSK_ASSIGN_OR_RETURN(auto dsc_pub, dsc_key.Public());
  KIOSK_ASSIGN_OR_RETURN(auto dsc, core::IssueCertificate(dsc_spec, dsc_pub, csca_key, random));
  return TestPki{std::move(csca_key), std::move(csca), std::move(dsc_key), std::move(dsc)};
}

core::Status WriteTestPki(const TestPki& pki, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir / "csca");
  const std::string csca = core::ToPem(pki.csca);
  KIOSK_TRY(WriteText(dir / "csca" / "csca.pem", core::AsBytes(csca)));
  const std::string dsc = core::ToPem(pki.dsc);
  KIOSK_TRY(WriteText(dir / "dsc.pem", core::AsBytes(dsc)));
  KIOSK_ASSIGN_OR_RETURN(auto key, pki.dsc_key.ToPem());
  KIOSK_TRY(WriteText(dir / "dsc-key.pem", key.View()));
  KIOSK_ASSIGN_OR_RETURN(auto csca_key, pki.csca_key.ToPem());
  return WriteText(dir / "csca-key.pem", csca_key.View());
}

Expected<TestPki> LoadTestPki(const std::filesystem::path& dir) {
  KIOSK_ASSIGN_OR_RETURN(std::string csca_pem, ReadText(dir / "csca" / "csca.pem"));
  KIOSK_ASSIGN_OR_RETURN(std::string dsc_pem, ReadText(dir / "dsc.pem"));
  KIOSK_ASSIGN_OR_RETURN(std::string dsc_key_pem, ReadText(dir / "dsc-key.pem"));
  KIOSK_ASSIGN_OR_RETURN(std::string csca_key_pem, ReadText(dir / "csca-key.pem"));
  KIOSK_ASSIGN_OR_RETURN(auto csca, core::Certificate::FromPem(csca_pem));
  KIOSK_ASSIGN_OR_RETURN(auto dsc, core::Certificate::FromPem(dsc_pem));
  KIOSK_ASSIGN_OR_RETURN(auto dsc_key,
                         core::PrivateKey::FromPem(core::SecretBytes(core::AsBytes(dsc_key_pem))));
  KIOSK_ASSIGN_OR_RETURN(auto csca_key,
                         core::PrivateKey::FromPem(core::SecretBytes(core::AsBytes(csca_key_pem))));
  return TestPki{std::move(csca_key), std::move(csca), std::move(dsc_key), std::move(dsc)};
}

}  // namespace kiosk::idcard::sim
