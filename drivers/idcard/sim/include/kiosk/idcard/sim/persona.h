#pragma once

// Synthetic citizens for the virtual chip, and the test PKI that signs their
// cards. A persona file (TOML) holds every DG13 field and the card's
// behaviour; nothing in one may describe a real person.

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "kiosk/core/clock.h"
#include "kiosk/core/error.h"
#include "kiosk/core/pk.h"
#include "kiosk/core/random.h"
#include "kiosk/core/x509.h"
#include "kiosk/idcard/sim/virtual_card.h"

namespace kiosk::idcard::sim {

struct Persona {
  std::string name;  // file stem, for messages
  // DG13 fields; empty strings are left out of the card.
  std::string id_number;
  std::string full_name;
  std::string mrz_name;    // ASCII for the MRZ; derived from full_name when empty
  std::string birth_date;  // dd/mm/yyyy
  std::string sex;         // "Nam" / "Nữ"
  std::string nationality = "Việt Nam";
  std::string ethnicity = "Kinh";
  std::string religion = "Không";
  std::string place_of_origin;
  std::string residence;
  std::string identification_marks;
  std::string issue_date;   // dd/mm/yyyy
  std::string expiry_date;  // dd/mm/yyyy, or "Không thời hạn"
  std::string father_name;
  std::string mother_name;
  std::string spouse_name;  // empty when unmarried
  std::string old_id_number;
  std::string card_serial;
  // The card.
  bool bac_only = false;
  int pace_parameter_id = kParamBrainpoolP256r1;
  bool active_authentication = true;
  int photo_width = 240;
  int photo_height = 320;
  int photo_noise = 0;  // 0-100: grain that makes the JPEG larger
  CardQuirks quirks;
  // Faults, for tests of verification.
  int tamper_data_group = 0;  // changed after the SOD was signed
  bool bad_sod_signature = false;

  // YYMMDD for the MRZ; "991231" for a card without expiry.
  std::string MrzExpiry() const;
  std::string MrzBirth() const;
};

core::Expected<Persona> LoadPersona(const std::filesystem::path& path);

// A CSCA and the document signer it certifies.
struct TestPki {
  core::PrivateKey csca_key;
  core::Certificate csca;
  core::PrivateKey dsc_key;
  core::Certificate dsc;
};

// Deterministic for a given seed: the same seed gives the same keys.
core::Expected<TestPki> GenerateTestPki(std::uint64_t seed, core::WallTime now);
// csca.pem, dsc.pem, dsc-key.pem in `dir`; the CSCA folder for the reader is
// `dir/csca` (csca.pem only).
core::Status WriteTestPki(const TestPki& pki, const std::filesystem::path& dir);
core::Expected<TestPki> LoadTestPki(const std::filesystem::path& dir);

// A synthetic face, as JPEG: deterministic for a seed.
core::Expected<Bytes> SyntheticFaceJpeg(std::uint64_t seed, int width, int height, int noise);

struct BuiltCard {
  std::map<std::uint16_t, Bytes> files;
  CardSecrets secrets;
  CardQuirks quirks;
};
core::Expected<BuiltCard> BuildCard(const Persona& persona, const TestPki& pki,
                                    core::RandomSource& random);

// CMS SignedData over the data groups' hashes, signed by the document signer.
core::Expected<Bytes> BuildSod(core::HashAlg hash, const std::map<int, Bytes>& data_groups,
                               const core::PrivateKey& signer_key,
                               const core::Certificate& signer_cert, core::RandomSource& random);

}  // namespace kiosk::idcard::sim
