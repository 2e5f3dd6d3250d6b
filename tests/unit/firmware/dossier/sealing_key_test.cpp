// kiosk-app's sealing key, as the device key vouches for it.
#include "test_prelude.h"

#include "kiosk/core/jws.h"
#include "kiosk/dossier/sealing_key.h"

namespace core = kiosk::core;
using namespace kiosk::dossier;  // NOLINT(google-build-using-namespace): test file

TEST_GROUP(SealingKey) {
  core::DeterministicRandom random{5};
  core::PrivateKey device = core::PrivateKey::GenerateP256(random).Value();
  core::PrivateKey sealing = core::PrivateKey::GenerateP256(random).Value();
  core::PrivateKey stranger = core::PrivateKey::GenerateP256(random).Value();
};

TEST(SealingKey, TheDeviceKeysStatementNamesTheSealingKeyForThisKioskOnly) {
  auto statement = MakeSealingStatement(device, "QNM-TAMKY-0001", sealing.Public().Value(),
                                        1'767'225'600, random)
                       .Value();
  auto key = VerifySealingStatement(statement, device.Public().Value(), "QNM-TAMKY-0001");
  CHECK_TEXT(key.HasValue(), key ? "" : key.GetError().ToString().c_str());
  STRCMP_EQUAL(sealing.Public()->Fingerprint()->c_str(), key->Fingerprint()->c_str());
  // Another kiosk's name, another device's key, a stranger's statement.
  STRCMP_EQUAL("sealing.invalid",
               VerifySealingStatement(statement, device.Public().Value(), "QNM-TAMKY-0002")
                   .GetError()
                   .Code()
                   .c_str());
  CHECK_FALSE(VerifySealingStatement(statement, stranger.Public().Value(), "QNM-TAMKY-0001"));
  // Signed by the device but not a sealing statement (a config document, say).
  auto other = core::SignJwsEs256(core::AsBytes(R"({"kiosk_id":"QNM-TAMKY-0001"})"), device,
                                  "device", "kiosk-config+jws", random)
                   .Value();
  CHECK_FALSE(VerifySealingStatement(other, device.Public().Value(), "QNM-TAMKY-0001"));
  CHECK_FALSE(VerifySealingStatement("", device.Public().Value(), "QNM-TAMKY-0001"));
  CHECK_FALSE(
      VerifySealingStatement(std::string(5000, 'a'), device.Public().Value(), "QNM-TAMKY-0001"));
}
