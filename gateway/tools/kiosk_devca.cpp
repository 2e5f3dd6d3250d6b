// kiosk-devca: the development PKI for the gateway and the kiosks.
//
//   kiosk-devca init DIR                  device CA, gateway CA, gateway certificate
//   (CN=localhost),
//                                         the remote-config signing key
//   kiosk-devca device DIR KIOSK-ID [--expired]   a device key and certificate under DIR/devices/
//
// For development and tests only: production kiosks enroll with a one-time
// token and their keys never leave them.

#include <cstdio>
#include <string>

#include "kiosk/core/dev_pki.h"
#include "kiosk/core/device_config.h"
#include "kiosk/core/usage.h"

namespace core = kiosk::core;
namespace fs = std::filesystem;

namespace {

core::Status Init(const fs::path& dir, core::RandomSource& random) {
  KIOSK_ASSIGN_OR_RETURN(auto device_ca, core::MakeDevCa("Kiosk Dev Device CA", random));
  KIOSK_TRY(core::WriteCertifiedKey(dir, "device-ca", device_ca));
  KIOSK_ASSIGN_OR_RETURN(auto gateway_ca, core::MakeDevCa("Kiosk Dev Gateway CA", random));
  KIOSK_TRY(core::WriteCertifiedKey(dir, "gateway-ca", gateway_ca));
  KIOSK_ASSIGN_OR_RETURN(auto gateway, core::MakeDevLeaf(gateway_ca, "localhost", random));
  KIOSK_TRY(core::WriteCertifiedKey(dir, "gateway", gateway));
  // Remote config changes are signed with their own key.
  KIOSK_ASSIGN_OR_RETURN(auto signer, core::MakeDevLeaf(gateway_ca, "Kiosk Config Signer", random));
  return core::WriteCertifiedKey(dir, "config-signer", signer);
}

core::Status Device(const fs::path& dir, const std::string& kiosk_id, bool expired,
                    core::RandomSource& random) {
  if (!core::IsValidKioskId(kiosk_id)) {
    return core::Error::NeedsPerson("devca.bad_id", "kiosk ids are 3-64 of A-Z, 0-9, '-'");
  }
  KIOSK_ASSIGN_OR_RETURN(auto ca, core::LoadCertifiedKey(dir, "device-ca"));
  KIOSK_ASSIGN_OR_RETURN(auto device, core::MakeDevLeaf(ca, kiosk_id, random, expired));
  return core::WriteCertifiedKey(dir / "devices" / kiosk_id, "device", device);
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  auto random = core::Drbg::Create(core::AsBytes("kiosk-devca"));
  if (!random) return 1;
  core::Status done = core::Error::NeedsPerson("usage", "");
  const bool asked = core::AsksForHelp(argc, argv);
  if (!asked && args.size() == 2 && args[0] == "init") {
    done = Init(args[1], **random);
  } else if (!asked && (args.size() == 3 || (args.size() == 4 && args[3] == "--expired")) &&
             args[0] == "device") {
    done = Device(args[1], args[2], args.size() == 4, **random);
  } else {
    std::fprintf(core::UsageStream(asked),
                 "usage: kiosk-devca init DIR\n"
                 "       kiosk-devca device DIR KIOSK-ID [--expired]\n");
    return core::UsageStatus(asked);
  }
  if (!done) {
    std::fprintf(stderr, "kiosk-devca: %s\n", done.GetError().ToString().c_str());
    return 1;
  }
  return 0;
}
