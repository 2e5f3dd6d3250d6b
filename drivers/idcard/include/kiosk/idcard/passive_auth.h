#pragma once

// Passive authentication (ICAO 9303 p11 §5.1) and the authenticity report a
// citizen's data carries: each check verified, failed or not checked, with the
// reason. Without a CSCA for the issuer the best verdict is "signature valid,
// chain not verified", never "authentic".

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "kiosk/core/clock.h"
#include "kiosk/core/error.h"
#include "kiosk/core/x509.h"
#include "kiosk/idcard/sod.h"

namespace kiosk::idcard {

enum class CheckState { kNotChecked, kVerified, kFailed };
const char* ToString(CheckState state);

struct Check {
  CheckState state = CheckState::kNotChecked;
  std::string detail;
};

struct AuthenticityReport {
  Check sod_signature;               // the SOD is signed by its document signer
  Check certificate_chain;           // the document signer chains to a trusted CSCA
  std::map<int, Check> data_groups;  // each data group read matches its hash
  Check active_authentication;       // the chip proves it holds the DG15 key

  bool AnyFailed() const;
  // "authentic", "signature valid, chain not verified", or "verification failed: ...".
  std::string Verdict() const;
};

// CSCA certificates from a folder of PEM or DER files.
class TrustStore {
 public:
  static core::Expected<TrustStore> LoadDirectory(const std::filesystem::path& dir);
  void Add(core::Certificate cert) { anchors_.push_back(std::move(cert)); }
  const std::vector<core::Certificate>& Anchors() const { return anchors_; }

 private:
  std::vector<core::Certificate> anchors_;
};

// Fills the SOD signature, chain and data group checks of `report`.
void VerifyPassive(const SecurityObject& sod, const std::map<int, Bytes>& data_groups_read,
                   const TrustStore& trust, core::WallTime now, AuthenticityReport& report);

}  // namespace kiosk::idcard
