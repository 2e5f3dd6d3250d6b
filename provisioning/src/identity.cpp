#include "kiosk/provisioning/identity.h"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <tuple>

#include "kiosk/core/encoding.h"
#include "kiosk/core/files.h"
#include "kiosk/dossier/sealing_key.h"

namespace kiosk::provisioning {

namespace fs = std::filesystem;

namespace {

std::string PemOf(const std::vector<core::Certificate>& certificates) {
  std::string pem;
  for (const auto& c : certificates) pem += core::ToPem(c);
  return pem;
}

// Overwrites a key file with zeros before removing it.
void Shred(const fs::path& file) {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (!ec) {
    const std::string zeros(static_cast<std::size_t>(size), '\0');
    (void)core::WriteFileAtomically(file, core::AsBytes(zeros), 0600);
  }
  fs::remove(file, ec);
}

}  // namespace

core::Status WriteIdentity(const fs::path& state, const IdentityInputs& in,
                           core::RandomSource& random) {
  std::error_code ec;
  fs::create_directories(state, ec);
  if (ec) {
    return core::Error::Retryable("io.error",
                                  "cannot create " + state.string() + ": " + ec.message());
  }
  KIOSK_ASSIGN_OR_RETURN(const core::SecretBytes device_pem, in.device_key.ToPem());
  // kiosk-app's own key for sealing dossiers, vouched for by the device key.
  KIOSK_ASSIGN_OR_RETURN(const core::PrivateKey sealing, core::PrivateKey::GenerateP256(random));
  KIOSK_ASSIGN_OR_RETURN(const core::PublicKey sealing_public, sealing.Public());
  KIOSK_ASSIGN_OR_RETURN(const core::SecretBytes sealing_pem, sealing.ToPem());
  KIOSK_ASSIGN_OR_RETURN(
      const std::string statement,
      dossier::MakeSealingStatement(in.device_key, in.kiosk_id, sealing_public, in.now_s, random));
  const std::string chain = PemOf(in.enrollment.chain);
  const std::string pinned = PemOf(in.pinned_ca);
  const std::string statement_line = statement + "\n";
  for (const auto& [file, data, mode] :
       std::vector<std::tuple<const char*, core::ByteView, mode_t>>{
           {"device.pem", core::AsBytes(chain), 0644},
           {"gateway-ca.pem", core::AsBytes(pinned), 0644},
           {"config-signer.pem", core::AsBytes(in.enrollment.config_signer_pem), 0644},
           {"device-key.pem", device_pem.View(), 0600},
           {"sealing-key.pem", sealing_pem.View(), 0600},
           {"sealing-key.jws", core::AsBytes(statement_line), 0644}}) {
    KIOSK_TRY(core::WriteFileAtomically(state / file, data, mode));
  }
  return core::Ok();
}

void WipeIdentity(const fs::path& state) {
  Shred(state / "device-key.pem");
  Shred(state / "sealing-key.pem");
  std::error_code ec;
  for (const char* f : {"device.pem", "config-signer.pem", "sealing-key.jws",
                        "provisioned/agent.toml", "provisioned/app.toml"}) {
    fs::remove(state / f, ec);
  }
}

bool HandOver(const fs::path& state, std::vector<std::string>& failures) {
  const passwd* agent = ::getpwnam("kiosk-agent");
  const passwd* app = ::getpwnam("kiosk");
  const group* kiosk = ::getgrnam("kiosk");
  if (::geteuid() != 0 || agent == nullptr || app == nullptr || kiosk == nullptr) return false;
  // getpwnam's buffers are reused: keep the ids.
  const uid_t agent_uid = agent->pw_uid;
  const uid_t app_uid = app->pw_uid;
  const gid_t kiosk_gid = kiosk->gr_gid;
  auto give = [&](const fs::path& path, uid_t to, mode_t mode) {
    if (::chown(path.c_str(), to, kiosk_gid) != 0 || ::chmod(path.c_str(), mode) != 0) {
      failures.push_back(path.string() + ": " + std::strerror(errno));
    }
  };
  give(state, agent_uid, 02770);
  for (const char* file :
       {"device.pem", "gateway-ca.pem", "config-signer.pem", "sealing-key.jws", "provisioned",
        "provisioned/agent.toml", "provisioned/app.toml", "provisioned/kiosk.json"}) {
    give(state / file, agent_uid, fs::is_directory(state / file) ? 02750 : 0644);
  }
  give(state / "device-key.pem", agent_uid, 0600);
  give(state / "sealing-key.pem", app_uid, 0600);
  return true;
}

}  // namespace kiosk::provisioning
