// The kiosk's outbox when its disk is full: sealing is refused with an error
// the journey can show, nothing half-written stays behind taking the space,
// the dossiers already sealed are intact, and sealing resumes once there is
// room. On a real tmpfs of 2 MiB.
#include "test_prelude.h"

#include <fstream>

#include "../../../unit/firmware/dossier/sample_dossier.h"
#include "kiosk/core/clock.h"
#include "kiosk/core/random.h"
#include "kiosk/dossier/outbox.h"
#include "kiosk/dossier/package.h"

namespace core = kiosk::core;
namespace dossier = kiosk::dossier;
namespace fs = std::filesystem;

// clang-format off
TEST_GROUP(FullDisk) {
  kiosk::test::TempDir dir;
};
// clang-format on

TEST(FullDisk, SealingIsRefusedCleanlyAndResumesWhenSpaceReturns) {
  const fs::path disk = dir.Path() / "disk";
  const kiosk::test::SmallDisk small(disk, 2);
  CHECK_TEXT(small.Mounted(), "mounting a tmpfs needs root (CI runs as root)");
  if (!small.Mounted()) return;
  core::DeterministicRandom random{11};
  core::UuidV7Generator ids(core::SystemClock(), random);
  auto device_key = core::PrivateKey::GenerateP256(random).Value();
  const auto storage_key = core::SecretBytes(core::Bytes(32, 3));
  auto dossier_of = [&](std::size_t size) {
    dossier::Dossier d = kiosk::test::SampleDossier(ids, core::SystemClock());
    d.attachments[0].content = std::make_shared<const core::SecretBytes>(core::Bytes(size, 0x5a));
    return d;
  };
  {
    auto outbox = dossier::Outbox::Open(disk / "outbox", core::SystemClock()).Value();
    auto first = dossier_of(100'000);
    CHECK(outbox.Seal(first, device_key, "QNM-TAMKY-0001", storage_key, random).HasValue());
    small.Fill(disk / "filler");  // the disk fills up
    auto second = dossier_of(400'000);
    auto refused = outbox.Seal(second, device_key, "QNM-TAMKY-0001", storage_key, random);
    CHECK_FALSE(refused.HasValue());
    CHECK_TEXT(refused.GetError().Code().rfind("io.", 0) == 0,
               refused.GetError().ToString().c_str());
    for (const auto& e : fs::recursive_directory_iterator(disk / "outbox")) {
      CHECK_TEXT(e.path().extension() != ".tmp", e.path().c_str());
    }
    LONGS_EQUAL(1, outbox.CountByState().Value()[dossier::OutboxState::kQueued]);
    fs::remove(disk / "filler");
    // Room again: the same dossier seals.
    auto sealed = outbox.Seal(second, device_key, "QNM-TAMKY-0001", storage_key, random);
    CHECK_TEXT(sealed.HasValue(), sealed ? "" : sealed.GetError().ToString().c_str());
  }
  // Reopened (as after a restart): both whole, readable packages.
  auto outbox = dossier::Outbox::Open(disk / "outbox", core::SystemClock()).Value();
  LONGS_EQUAL(2, outbox.CountByState().Value()[dossier::OutboxState::kQueued]);
  for (const auto& e : fs::directory_iterator(disk / "outbox" / "packages")) {
    if (e.path().extension() != ".pkg") continue;
    auto reader = dossier::PackageReader::Open(e.path(), storage_key);
    CHECK_TEXT(reader.HasValue(), e.path().c_str());
    CHECK(reader->ManifestJws().HasValue());
  }
}
