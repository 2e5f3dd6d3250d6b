#pragma once

// A dossier as kiosk-agent sends it: sealed into a package with the kiosk's
// key (as kiosk-app seals it), read back and laid out as the body of
// POST /v1/dossiers. For the gateway's integration tests.

#include <filesystem>
#include <fstream>
#include <string>

#include "../../unit/firmware/dossier/sample_dossier.h"
#include "kiosk/core/clock.h"
#include "kiosk/core/random.h"
#include "kiosk/dossier/package.h"
#include "kiosk/dossier/upload.h"

namespace kiosk::test {

struct SealedUpload {
  std::string dossier_id;
  std::string attachment;  // the attachment's plaintext
  std::string body;
};

// `seed` makes each dossier (its id, its attachment's bytes) its own.
inline core::Expected<SealedUpload> MakeSealedUpload(const std::filesystem::path& work,
                                                     const core::PrivateKey& device_key,
                                                     const std::string& kiosk_id,
                                                     std::size_t attachment_size,
                                                     std::uint64_t seed) {
  core::DeterministicRandom random{seed * 7919 + 1};
  core::UuidV7Generator ids(core::SystemClock(), random);
  dossier::Dossier d = SampleDossier(ids, core::SystemClock());
  d.kiosk_id = kiosk_id;
  SealedUpload out;
  out.dossier_id = d.id.ToString();
  out.attachment.resize(attachment_size);
  for (std::size_t i = 0; i < attachment_size; ++i) {
    out.attachment[i] = static_cast<char>('a' + (i * 31 + seed) % 26);
  }
  d.attachments[0].content =
      std::make_shared<const core::SecretBytes>(core::AsBytes(out.attachment));
  const auto storage_key = core::SecretBytes(core::Bytes(32, 7));
  const auto package = work / (out.dossier_id + ".pkg");
  KIOSK_TRY(dossier::WritePackage(package, d, device_key, kiosk_id, storage_key, random));
  KIOSK_ASSIGN_OR_RETURN(auto reader, dossier::PackageReader::Open(package, storage_key));
  KIOSK_ASSIGN_OR_RETURN(out.body, dossier::BuildUploadBody(reader));
  std::filesystem::remove(package);
  return out;
}

}  // namespace kiosk::test
