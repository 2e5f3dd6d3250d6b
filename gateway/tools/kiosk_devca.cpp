// kiosk-devca: the development PKI for the gateway and the kiosks.
//
//   kiosk-devca init DIR                  device CA, gateway CA, gateway certificate (CN=localhost)
//   kiosk-devca device DIR KIOSK-ID [--expired]   a device key and certificate under DIR/devices/
//
// For development and tests only: production kiosks enroll with a one-time
// token and their keys never leave them.

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "kiosk/core/clock.h"
#include "kiosk/core/device_config.h"
#include "kiosk/core/pk.h"
#include "kiosk/core/random.h"
#include "kiosk/core/x509.h"

namespace core = kiosk::core;
namespace fs = std::filesystem;

namespace {

core::Status Write(const fs::path& path, core::ByteView bytes, bool secret) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return core::Error::NeedsPerson("io.error", "cannot write " + path.string());
  if (secret) ::chmod(path.c_str(), 0600);
  return core::Ok();
}

core::Status WritePair(const fs::path& dir, const std::string& stem, const core::Certificate& cert,
                       const core::PrivateKey& key) {
  const std::string pem = core::ToPem(cert);
  KIOSK_TRY(Write(dir / (stem + ".pem"), core::AsBytes(pem), false));
  KIOSK_ASSIGN_OR_RETURN(auto key_pem, key.ToPem());
  return Write(dir / (stem + "-key.pem"), key_pem.View(), true);
}

core::Expected<std::pair<core::Certificate, core::PrivateKey>> Load(const fs::path& dir,
                                                                    const std::string& stem) {
  std::ifstream cert_in(dir / (stem + ".pem"));
  std::ifstream key_in(dir / (stem + "-key.pem"));
  const std::string cert_pem((std::istreambuf_iterator<char>(cert_in)), {});
  const std::string key_pem((std::istreambuf_iterator<char>(key_in)), {});
  KIOSK_ASSIGN_OR_RETURN(auto cert, core::Certificate::FromPem(cert_pem));
  KIOSK_ASSIGN_OR_RETURN(auto key,
                         core::PrivateKey::FromPem(core::SecretBytes(core::AsBytes(key_pem))));
  return std::make_pair(std::move(cert), std::move(key));
}

core::Status Init(const fs::path& dir, core::RandomSource& random) {
  fs::create_directories(dir);
  const auto now = core::SystemClock().Now();
  const auto day = std::chrono::hours(24);
  for (const auto& [stem, name] :
       {std::pair<std::string, std::string>{"device-ca", "Kiosk Dev Device CA"},
        {"gateway-ca", "Kiosk Dev Gateway CA"}}) {
    KIOSK_ASSIGN_OR_RETURN(auto key, core::PrivateKey::GenerateP256(random));
    const std::string subject = "C=VN,O=Kiosk Development,CN=" + name;
    core::CertificateSpec spec{
        subject,          subject, {0x01}, now - day,
        now + 3650 * day, true,    0,      core::kKeyUsageKeyCertSign | core::kKeyUsageCrlSign};
    KIOSK_ASSIGN_OR_RETURN(auto pub, key.Public());
    KIOSK_ASSIGN_OR_RETURN(auto cert, core::IssueCertificate(spec, pub, key, random));
    KIOSK_TRY(WritePair(dir, stem, cert, key));
  }
  KIOSK_ASSIGN_OR_RETURN(auto ca, Load(dir, "gateway-ca"));
  KIOSK_ASSIGN_OR_RETURN(auto key, core::PrivateKey::GenerateP256(random));
  core::CertificateSpec spec{"C=VN,O=Kiosk Development,CN=localhost",
                             "C=VN,O=Kiosk Development,CN=Kiosk Dev Gateway CA",
                             {0x02},
                             now - day,
                             now + 825 * day,
                             false,
                             -1,
                             core::kKeyUsageDigitalSignature};
  KIOSK_ASSIGN_OR_RETURN(auto pub, key.Public());
  KIOSK_ASSIGN_OR_RETURN(auto cert, core::IssueCertificate(spec, pub, ca.second, random));
  return WritePair(dir, "gateway", cert, key);
}

core::Status Device(const fs::path& dir, const std::string& kiosk_id, bool expired,
                    core::RandomSource& random) {
  if (!core::IsValidKioskId(kiosk_id)) {
    return core::Error::NeedsPerson("devca.bad_id", "kiosk ids are 3-64 of A-Z, 0-9, '-'");
  }
  KIOSK_ASSIGN_OR_RETURN(auto ca, Load(dir, "device-ca"));
  const auto now = core::SystemClock().Now();
  const auto day = std::chrono::hours(24);
  KIOSK_ASSIGN_OR_RETURN(auto key, core::PrivateKey::GenerateP256(random));
  KIOSK_ASSIGN_OR_RETURN(const core::Bytes serial, core::RandomBytes(random, 8));
  core::Bytes positive = serial;
  positive[0] &= 0x7F;
  core::CertificateSpec spec{"C=VN,O=Kiosk Development,CN=" + kiosk_id,
                             "C=VN,O=Kiosk Development,CN=Kiosk Dev Device CA",
                             positive,
                             now - (expired ? 30 * day : day),
                             expired ? now - day : now + 825 * day,
                             false,
                             -1,
                             core::kKeyUsageDigitalSignature};
  KIOSK_ASSIGN_OR_RETURN(auto pub, key.Public());
  KIOSK_ASSIGN_OR_RETURN(auto cert, core::IssueCertificate(spec, pub, ca.second, random));
  const fs::path out = dir / "devices" / kiosk_id;
  fs::create_directories(out);
  return WritePair(out, "device", cert, key);
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  auto random = core::Drbg::Create(core::AsBytes("kiosk-devca"));
  if (!random) return 1;
  core::Status done = core::Error::NeedsPerson("usage", "");
  if (args.size() == 2 && args[0] == "init") {
    done = Init(args[1], **random);
  } else if ((args.size() == 3 || (args.size() == 4 && args[3] == "--expired")) &&
             args[0] == "device") {
    done = Device(args[1], args[2], args.size() == 4, **random);
  } else {
    std::fprintf(stderr,
                 "usage: kiosk-devca init DIR\n"
                 "       kiosk-devca device DIR KIOSK-ID [--expired]\n");
    return 2;
  }
  if (!done) {
    std::fprintf(stderr, "kiosk-devca: %s\n", done.GetError().ToString().c_str());
    return 1;
  }
  return 0;
}
