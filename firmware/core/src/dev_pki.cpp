#include "kiosk/core/dev_pki.h"

#include <sys/stat.h>

#include <fstream>

#include "kiosk/core/clock.h"

namespace kiosk::core {

namespace {

constexpr auto kDay = std::chrono::hours(24);
const std::string kOrganisation = "C=VN,O=Kiosk Development,CN=";

Status WriteFile(const std::filesystem::path& path, ByteView bytes, bool secret) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return Error::NeedsPerson("io.error", "cannot write " + path.string());
  if (secret) ::chmod(path.c_str(), 0600);
  return Ok();
}

Expected<Bytes> PositiveSerial(RandomSource& random) {
  KIOSK_ASSIGN_OR_RETURN(Bytes serial, RandomBytes(random, 8));
  serial[0] &= 0x7F;
  serial[0] |= 0x01;
  return serial;
}

std::string CommonNameOf(const Certificate& cert) {
  const std::string subject = cert.Subject();
  const auto at = subject.find("CN=");
  return at == std::string::npos ? std::string() : subject.substr(at + 3);
}

}  // namespace

Expected<CertifiedKey> MakeDevCa(const std::string& common_name, RandomSource& random) {
  const auto now = SystemClock().Now();
  KIOSK_ASSIGN_OR_RETURN(auto key, PrivateKey::GenerateP256(random));
  KIOSK_ASSIGN_OR_RETURN(auto serial, PositiveSerial(random));
  const std::string subject = kOrganisation + common_name;
  CertificateSpec spec{subject,           subject, serial, now - kDay,
                       now + 3650 * kDay, true,    0,      kKeyUsageKeyCertSign | kKeyUsageCrlSign};
  KIOSK_ASSIGN_OR_RETURN(auto pub, key.Public());
  KIOSK_ASSIGN_OR_RETURN(auto cert, IssueCertificate(spec, pub, key, random));
  return CertifiedKey{std::move(cert), std::move(key)};
}

Expected<CertifiedKey> MakeDevLeaf(const CertifiedKey& ca, const std::string& common_name,
                                   RandomSource& random, bool expired) {
  const auto now = SystemClock().Now();
  KIOSK_ASSIGN_OR_RETURN(auto key, PrivateKey::GenerateP256(random));
  KIOSK_ASSIGN_OR_RETURN(auto serial, PositiveSerial(random));
  CertificateSpec spec{kOrganisation + common_name,
                       kOrganisation + CommonNameOf(ca.certificate),
                       serial,
                       now - (expired ? 30 * kDay : kDay),
                       expired ? now - kDay : now + 825 * kDay,
                       false,
                       -1,
                       kKeyUsageDigitalSignature};
  KIOSK_ASSIGN_OR_RETURN(auto pub, key.Public());
  KIOSK_ASSIGN_OR_RETURN(auto cert, IssueCertificate(spec, pub, ca.key, random));
  return CertifiedKey{std::move(cert), std::move(key)};
}

Status WriteCertifiedKey(const std::filesystem::path& dir, const std::string& stem,
                         const CertifiedKey& pair) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string pem = ToPem(pair.certificate);
  KIOSK_TRY(WriteFile(dir / (stem + ".pem"), AsBytes(pem), false));
  KIOSK_ASSIGN_OR_RETURN(auto key_pem, pair.key.ToPem());
  return WriteFile(dir / (stem + "-key.pem"), key_pem.View(), true);
}

Expected<CertifiedKey> LoadCertifiedKey(const std::filesystem::path& dir, const std::string& stem) {
  KIOSK_ASSIGN_OR_RETURN(auto certs, LoadCertificateFile(dir / (stem + ".pem")));
  if (certs.empty()) return Error::NeedsPerson("pki.missing", "no certificate in " + stem + ".pem");
  KIOSK_ASSIGN_OR_RETURN(auto key, LoadPrivateKeyFile(dir / (stem + "-key.pem")));
  return CertifiedKey{std::move(certs.front()), std::move(key)};
}

}  // namespace kiosk::core
