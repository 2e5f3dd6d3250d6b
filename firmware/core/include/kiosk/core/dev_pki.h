#pragma once

// The development and test PKI: CAs and leaf certificates written as PEM
// files, as kiosk-devca, sim-payterm and sim-bank make them for the demo and
// the tests. Never for production keys: kiosks enroll and keep their keys.

#include <filesystem>
#include <string>

#include "kiosk/core/pk.h"
#include "kiosk/core/random.h"
#include "kiosk/core/x509.h"

namespace kiosk::core {

struct CertifiedKey {
  Certificate certificate;
  PrivateKey key;
};

// A self-signed CA "C=VN,O=Kiosk Development,CN=<common_name>", ten years.
Expected<CertifiedKey> MakeDevCa(const std::string& common_name, RandomSource& random);
// A leaf signed by `ca`, for 825 days; `expired` dates it a month back.
Expected<CertifiedKey> MakeDevLeaf(const CertifiedKey& ca, const std::string& common_name,
                                   RandomSource& random, bool expired = false);
// DIR/STEM.pem and DIR/STEM-key.pem (mode 0600).
Status WriteCertifiedKey(const std::filesystem::path& dir, const std::string& stem,
                         const CertifiedKey& pair);
Expected<CertifiedKey> LoadCertifiedKey(const std::filesystem::path& dir, const std::string& stem);

}  // namespace kiosk::core
