#include "test_prelude.h"

#include <sys/stat.h>

#include "kiosk/core/aead.h"
#include "kiosk/core/encoding.h"
#include "kiosk/core/hash.h"
#include "kiosk/core/jws.h"
#include "kiosk/dossier/manifest.h"
#include "kiosk/dossier/package.h"
#include "sample_dossier.h"

using namespace kiosk::dossier;  // NOLINT(google-build-using-namespace): test file
using kiosk::core::Bytes;
using kiosk::core::FakeClock;
using kiosk::test::TempDir;

namespace {

void WriteFile(const std::filesystem::path& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

Bytes Pattern(std::size_t size, std::uint8_t seed) {
  Bytes b(size);
  for (std::size_t i = 0; i < size; ++i) b[i] = static_cast<std::uint8_t>((i * 131 + seed) & 0xFF);
  return b;
}

Bytes ReadWhole(PackageReader& reader, std::size_t index) {
  Bytes out;
  auto s = reader.ReadEntry(index, [&out](kiosk::core::ByteView chunk) {
    out.insert(out.end(), chunk.begin(), chunk.end());
    return kiosk::core::Ok();
  });
  if (!s) FAIL(s.GetError().ToString().c_str());
  return out;
}

void FlipByte(const std::filesystem::path& path, std::uint64_t offset) {
  std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
  f.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  f.read(&c, 1);
  c = static_cast<char>(c ^ 0x01);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(&c, 1);
}

}  // namespace

TEST_GROUP(Package) {
  FakeClock clock;
  kiosk::core::DeterministicRandom random{5};
  kiosk::core::UuidV7Generator ids{clock, random};
  TempDir dir;
  std::optional<kiosk::core::PrivateKey> device_key;
  kiosk::core::SecretBytes storage_key;
  std::vector<Bytes> contents;

  void setup() override {
    device_key.emplace(*kiosk::core::PrivateKey::GenerateP256(random));
    storage_key = *LoadOrCreateStorageKey(dir.Path() / "storage.key", random);
  }

  // A dossier with attachments of the given sizes, hashed, sealed.
  Dossier MakeDossier(const std::vector<std::size_t>& sizes) {
    Dossier d = kiosk::test::SampleDossier(ids, clock);
    d.attachments.clear();
    contents.clear();
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      Attachment a;
      a.name = "attachment-0" + std::to_string(i + 1) + ".pdf";
      a.component_code = "TP" + std::to_string(i + 1);
      a.source = dir.Path() / ("scan-" + std::to_string(i) + ".pdf");
      contents.push_back(Pattern(sizes[i], static_cast<std::uint8_t>(i)));
      WriteFile(a.source, contents.back());
      d.attachments.push_back(a);
    }
    return d;
  }

  std::filesystem::path Seal(Dossier && d) { return Seal(d); }
  std::filesystem::path Seal(Dossier & d) {
    const auto path = dir.Path() / (d.id.ToString() + ".kpkg");
    auto written = WritePackage(path, d, *device_key, "QNM-TAMKY-0001", storage_key, random);
    if (!written) FAIL(written.GetError().ToString().c_str());
    return path;
  }
};

TEST(Package, RoundTripsManifestAndAttachmentsOfEverySize) {
  Dossier d = MakeDossier({0, 1, kChunkSize, kChunkSize + 1, 200'000});
  const auto path = Seal(d);
  CHECK_FALSE(std::filesystem::exists(path.string() + ".tmp"));
  auto reader = PackageReader::Open(path, storage_key);
  if (!reader) FAIL(reader.GetError().ToString().c_str());
  CHECK(reader->DossierId() == d.id);
  LONGS_EQUAL(6, reader->Entries().size());
  auto jws = reader->ManifestJws();
  auto verified = kiosk::core::VerifyJwsEs256(*jws, *device_key->Public());
  CHECK_TRUE(verified.HasValue());
  STRCMP_EQUAL("QNM-TAMKY-0001", verified->kid.c_str());
  auto manifest = ParseManifest(kiosk::core::AsChars(verified->payload));
  CHECK_TRUE(manifest.HasValue());
  for (std::size_t i = 0; i < contents.size(); ++i) {
    CHECK(ReadWhole(*reader, i + 1) == contents[i]);
    STRCMP_EQUAL(
        kiosk::core::HexEncode(*kiosk::core::Digest(kiosk::core::HashAlg::kSha256, contents[i]))
            .c_str(),
        manifest->attachments[i].sha256.c_str());
  }
}

TEST(Package, PackageFileIsPrivateToTheKiosksGroup) {
  // The kiosk's services run with umask 0007: the agent (same group) reads
  // what the app sealed; nobody else does.
  const mode_t old = ::umask(0007);
  const auto path = Seal(MakeDossier({10}));
  ::umask(old);
  struct stat st {};
  CHECK_EQUAL(0, stat(path.c_str(), &st));
  LONGS_EQUAL(0640, st.st_mode & 0777);
}

TEST(Package, AlteredChunkIsDetected) {
  Dossier d = MakeDossier({150'000});
  const auto path = Seal(d);
  FlipByte(path, std::filesystem::file_size(path) - 100);  // inside the last chunk
  auto reader = PackageReader::Open(path, storage_key);
  CHECK_TRUE(reader.HasValue());
  auto s = reader->ReadEntry(1, [](kiosk::core::ByteView) { return kiosk::core::Ok(); });
  STRCMP_EQUAL("package.corrupt", s.GetError().Code().c_str());
}

TEST(Package, AlteredHeaderBreaksEveryChunk) {
  const auto path = Seal(MakeDossier({1000}));
  // The attachment's name sits in the plaintext header.
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  const auto at = bytes.find("attachment-01.pdf");
  CHECK(at != std::string::npos);
  FlipByte(path, at + 11);
  auto reader = PackageReader::Open(path, storage_key);
  CHECK_TRUE(reader.HasValue());
  CHECK_FALSE(reader->ManifestJws().HasValue());
}

TEST(Package, TruncatedPackageIsRefusedAtOpen) {
  const auto path = Seal(MakeDossier({100'000}));
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 16);
  auto reader = PackageReader::Open(path, storage_key);
  STRCMP_EQUAL("package.corrupt", reader.GetError().Code().c_str());
  CHECK(reader.GetError().Message().find("truncated") != std::string::npos);
}

TEST(Package, AnotherStorageKeyCannotOpenIt) {
  const auto path = Seal(MakeDossier({10}));
  auto other = kiosk::core::NewAesKey(random);
  auto reader = PackageReader::Open(path, *other);
  STRCMP_EQUAL("package.corrupt", reader.GetError().Code().c_str());
}

TEST(Package, AFileThatChangesSizeWhileReadIsRefused) {
  // /proc files measure 0 bytes and then read some: what a file growing
  // between measuring and sealing looks like.
  Dossier d = MakeDossier({5000});
  d.attachments[0].source = "/proc/self/status";
  auto written = WritePackage(dir.Path() / "x.kpkg", d, *device_key, "k", storage_key, random);
  STRCMP_EQUAL("package.source_changed", written.GetError().Code().c_str());
  CHECK_FALSE(std::filesystem::exists(dir.Path() / "x.kpkg"));
  CHECK_FALSE(std::filesystem::exists(dir.Path() / "x.kpkg.tmp"));
}

TEST(Package, AMissingFileIsAnIoErrorAndLeavesNothing) {
  Dossier d = MakeDossier({5000});
  d.attachments[0].source = dir.Path() / "gone.pdf";
  auto written = WritePackage(dir.Path() / "x.kpkg", d, *device_key, "k", storage_key, random);
  STRCMP_EQUAL("io.error", written.GetError().Code().c_str());
  CHECK_FALSE(std::filesystem::exists(dir.Path() / "x.kpkg.tmp"));
}

// kiosk-app's way: scans in memory (hashed on another core while sealing),
// beside a file; the dossier learns each size and digest from what was sealed.
TEST(Package, InMemoryAndFileAttachmentsAreHashedFromWhatIsSealed) {
  Dossier d = MakeDossier({kChunkSize * 3 + 17, 0});
  const Bytes in_memory = Pattern(300'001, 7);
  Attachment a;
  a.name = "attachment-03.pdf";
  a.component_code = "TP3";
  a.content = std::make_shared<const kiosk::core::SecretBytes>(kiosk::core::ByteView(in_memory));
  d.attachments.push_back(a);
  contents.push_back(in_memory);
  const auto path = dir.Path() / "mixed.kpkg";
  auto written = WritePackage(path, d, *device_key, "QNM-TAMKY-0001", storage_key, random);
  CHECK_TRUE_TEXT(written.HasValue(), written ? "" : written.GetError().ToString().c_str());
  LONGS_EQUAL(std::filesystem::file_size(path), *written);
  auto reader = PackageReader::Open(path, storage_key);
  CHECK_TRUE(reader.HasValue());
  auto verified = kiosk::core::VerifyJwsEs256(*reader->ManifestJws(), *device_key->Public());
  CHECK_TRUE(verified.HasValue());
  auto manifest = ParseManifest(kiosk::core::AsChars(verified->payload));
  CHECK_TRUE(manifest.HasValue());
  for (std::size_t i = 0; i < contents.size(); ++i) {
    const std::string digest =
        kiosk::core::HexEncode(*kiosk::core::Digest(kiosk::core::HashAlg::kSha256, contents[i]));
    STRCMP_EQUAL(digest.c_str(), manifest->attachments[i].sha256.c_str());
    STRCMP_EQUAL(digest.c_str(), d.attachments[i].sha256.c_str());
    LONGS_EQUAL(contents[i].size(), d.attachments[i].size);
    CHECK(ReadWhole(*reader, i + 1) == contents[i]);
  }
}

TEST(Package, StorageKeyIsCreatedOnceThenReloaded) {
  auto again = LoadOrCreateStorageKey(dir.Path() / "storage.key", random);
  CHECK_TRUE(*again == storage_key);
  struct stat st {};
  CHECK_EQUAL(0, stat((dir.Path() / "storage.key").c_str(), &st));
  LONGS_EQUAL(0, st.st_mode & 0027);  // never written by the group, never read by others
  const mode_t old = ::umask(0007);
  auto shared = LoadOrCreateStorageKey(dir.Path() / "shared.key", random);
  ::umask(old);
  CHECK(shared.HasValue());
  CHECK_EQUAL(0, stat((dir.Path() / "shared.key").c_str(), &st));
  LONGS_EQUAL(0640, st.st_mode & 0777);
  std::filesystem::resize_file(dir.Path() / "storage.key", 5);
  STRCMP_EQUAL(
      "storage_key.corrupt",
      LoadOrCreateStorageKey(dir.Path() / "storage.key", random).GetError().Code().c_str());
}
