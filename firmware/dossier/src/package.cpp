#include "kiosk/dossier/package.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <future>

#include "kiosk/core/aead.h"
#include "kiosk/core/encoding.h"
#include "kiosk/core/hash.h"
#include "kiosk/core/jws.h"
#include "kiosk/dossier/manifest.h"

namespace kiosk::dossier {

using core::Bytes;
using core::ByteView;
using core::Error;
using core::Expected;
using core::SecretBytes;

namespace {

constexpr char kMagic[4] = {'K', 'P', 'K', 'G'};
constexpr std::uint8_t kVersion = 1;
constexpr std::size_t kNoncePrefix = 7;
constexpr std::size_t kWrappedKey =
    core::kAesGcmNonceSize + core::kAesGcmKeySize + core::kAesGcmTagSize;
constexpr std::size_t kMaxEntries = 1000;
constexpr const char* kManifestEntry = "manifest.jws";

Error IoError(const std::string& what, const std::filesystem::path& path) {
  return Error::Retryable("io.error", what + " " + path.string() + ": " + std::strerror(errno));
}
Error Corrupt(const std::string& why) { return Error::NeedsPerson("package.corrupt", why); }

// A file descriptor that closes itself.
struct Fd {
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int fd;
};

core::Status WriteAll(int fd, ByteView bytes, const std::filesystem::path& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("cannot write", path);
    }
    bytes = bytes.subspan(static_cast<std::size_t>(n));
  }
  return core::Ok();
}

// Reads up to `max` bytes; fewer only at the end of the file.
Expected<Bytes> ReadUpTo(int fd, std::size_t max, const std::filesystem::path& path) {
  Bytes out(max);
  std::size_t got = 0;
  while (got < max) {
    const ssize_t n = ::read(fd, out.data() + got, max - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("cannot read", path);
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  out.resize(got);
  return out;
}

core::Status SyncDirectory(const std::filesystem::path& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.fd < 0 || ::fsync(fd.fd) != 0) return IoError("cannot sync directory", dir);
  return core::Ok();
}

void PutBigEndian(Bytes& out, std::uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

std::uint64_t GetBigEndian(ByteView in, std::size_t offset, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | in[offset + static_cast<std::size_t>(i)];
  return v;
}

std::uint64_t ChunkCount(std::uint64_t size) {
  return size == 0 ? 1 : (size + kChunkSize - 1) / kChunkSize;
}

Bytes ChunkNonce(ByteView prefix, std::size_t entry, std::uint64_t chunk) {
  Bytes nonce(prefix.begin(), prefix.end());
  PutBigEndian(nonce, entry, 2);
  PutBigEndian(nonce, chunk, 3);
  return nonce;
}

Bytes ChunkAad(ByteView header_hash, std::size_t entry, std::uint64_t chunk, bool last) {
  Bytes aad(header_hash.begin(), header_hash.end());
  PutBigEndian(aad, entry, 2);
  PutBigEndian(aad, chunk, 4);
  aad.push_back(last ? 1 : 0);
  return aad;
}

}  // namespace

Expected<SecretBytes> LoadOrCreateStorageKey(const std::filesystem::path& path,
                                             core::RandomSource& random) {
  Fd existing(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (existing.fd >= 0) {
    SecretBytes key(core::kAesGcmKeySize);
    const ssize_t n = ::read(existing.fd, key.MutableData(), key.Size());
    if (n != static_cast<ssize_t>(key.Size())) {
      return Error::Fatal("storage_key.corrupt",
                          "storage key file is not 32 bytes: " + path.string());
    }
    return key;
  }
  if (errno != ENOENT) return IoError("cannot open", path);
  KIOSK_ASSIGN_OR_RETURN(SecretBytes key, core::NewAesKey(random));
  const auto tmp = path.string() + ".tmp";
  {
    // Readable by the group as the umask allows: on a kiosk, kiosk-app seals
    // with it and kiosk-agent (same group, another user) opens the outbox.
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640));
    if (fd.fd < 0) return IoError("cannot create", tmp);
    KIOSK_TRY(WriteAll(fd.fd, key.View(), tmp));
    if (::fsync(fd.fd) != 0) return IoError("cannot sync", tmp);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) return IoError("cannot rename", tmp);
  KIOSK_TRY(SyncDirectory(path.parent_path().empty() ? "." : path.parent_path()));
  return key;
}

namespace {

constexpr const char* kManifestType = "kiosk-dossier+jws";

// The header's bytes for the entries: a length, the name, a size each.
std::size_t EntriesSizeHint(const Dossier& dossier) {
  std::size_t n = 1 + std::strlen(kManifestEntry) + 8;
  for (const auto& a : dossier.attachments) n += 1 + a.name.size() + 8;
  return n;
}

std::uint64_t SealedSize(std::uint64_t plain) {
  return plain + ChunkCount(plain) * core::kAesGcmTagSize;
}

// Seals one entry chunk by chunk onto `out` at its current offset.
class EntrySealer {
 public:
  EntrySealer(const SecretBytes& key, ByteView prefix, ByteView header_hash, int out,
              const std::string& tmp)
      : key_(key), prefix_(prefix), header_hash_(header_hash), out_(out), tmp_(tmp) {}

  // `next` gives the entry's chunks in order (kChunkSize each but the last).
  core::Status Seal(std::size_t index, std::uint64_t size,
                    const std::function<Expected<ByteView>()>& next) const {
    const std::uint64_t chunks = ChunkCount(size);
    std::uint64_t total = 0;
    for (std::uint64_t c = 0; c < chunks; ++c) {
      KIOSK_ASSIGN_OR_RETURN(const ByteView plain, next());
      total += plain.size();
      const bool last = c + 1 == chunks;
      if ((!last && plain.size() != kChunkSize) || (last && total != size)) {
        return Error::NeedsPerson("package.source_changed",
                                  "an attachment changed size while being sealed");
      }
      KIOSK_ASSIGN_OR_RETURN(const Bytes sealed,
                             core::AesGcmSeal(key_, ChunkNonce(prefix_, index, c),
                                              ChunkAad(header_hash_, index, c, last), plain));
      KIOSK_TRY(WriteAll(out_, sealed, tmp_));
    }
    return core::Ok();
  }

 private:
  const SecretBytes& key_;
  ByteView prefix_;
  ByteView header_hash_;
  int out_;
  const std::string& tmp_;
};

// In-memory attachments (kiosk-app's: a scanned paper never on disk in the
// clear) are hashed on a second core while the first encrypts them.
Expected<std::vector<std::string>> HashInMemory(const Dossier& dossier) {
  std::vector<std::string> digests(dossier.attachments.size());
  for (std::size_t i = 0; i < dossier.attachments.size(); ++i) {
    const auto& a = dossier.attachments[i];
    if (!a.content) continue;
    KIOSK_ASSIGN_OR_RETURN(const Bytes digest,
                           core::Digest(core::HashAlg::kSha256, a.content->View()));
    digests[i] = core::HexEncode(digest);
  }
  return digests;
}

}  // namespace

Expected<std::uint64_t> WritePackage(const std::filesystem::path& path, Dossier& dossier,
                                     const core::PrivateKey& device_key, std::string_view key_id,
                                     const SecretBytes& storage_key, core::RandomSource& random) {
  // Sizes first: the header lists every entry's. Files stay open, so what is
  // sealed is what was measured (a change of size is caught chunk by chunk).
  std::deque<Fd> files;
  for (auto& a : dossier.attachments) {
    files.emplace_back(a.content ? -1 : ::open(a.source.c_str(), O_RDONLY | O_CLOEXEC));
    if (a.content) {
      a.size = a.content->Size();
    } else {
      struct stat st {};
      if (files.back().fd < 0 || ::fstat(files.back().fd, &st) != 0) {
        return IoError("cannot open attachment", a.source);
      }
      a.size = static_cast<std::uint64_t>(st.st_size);
    }
    a.sha256.assign(64, '0');  // the digests are known only once sealed
  }
  // The manifest (entry 0) is signed last, once every digest is known; its
  // length does not depend on them, so its place is kept.
  const std::size_t jws_size =
      core::SignedJwsEs256Size(ToManifestJson(dossier).size(), key_id, kManifestType);

  // Header: magic, version, dossier id, wrapped package key, nonce prefix, entries.
  KIOSK_ASSIGN_OR_RETURN(SecretBytes package_key, core::NewAesKey(random));
  Bytes header(8, 0);  // the magic, the version, three bytes reserved
  std::copy(kMagic, kMagic + 4, header.begin());
  header[4] = kVersion;
  header.reserve(128 + EntriesSizeHint(dossier));
  const auto& uuid = dossier.id.Bytes();
  header.insert(header.end(), uuid.begin(), uuid.end());
  KIOSK_ASSIGN_OR_RETURN(const Bytes wrap_nonce, core::RandomBytes(random, core::kAesGcmNonceSize));
  KIOSK_ASSIGN_OR_RETURN(const Bytes wrapped,
                         core::AesGcmSeal(storage_key, wrap_nonce, header, package_key.View()));
  header.insert(header.end(), wrap_nonce.begin(), wrap_nonce.end());
  header.insert(header.end(), wrapped.begin(), wrapped.end());
  KIOSK_ASSIGN_OR_RETURN(const Bytes prefix, core::RandomBytes(random, kNoncePrefix));
  header.insert(header.end(), prefix.begin(), prefix.end());
  std::vector<PackageEntry> entries{{kManifestEntry, jws_size}};
  for (const auto& a : dossier.attachments) entries.push_back({a.name, a.size});
  PutBigEndian(header, entries.size(), 2);
  for (const auto& e : entries) {
    header.push_back(static_cast<std::uint8_t>(e.name.size()));
    header.insert(header.end(), e.name.begin(), e.name.end());
    PutBigEndian(header, e.size, 8);
  }
  KIOSK_ASSIGN_OR_RETURN(const Bytes header_hash, core::Digest(core::HashAlg::kSha256, header));

  const std::string tmp = path.string() + ".tmp";
  // Sealed: readable by the group (kiosk-agent uploads it) as the umask allows.
  Fd out(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640));
  if (out.fd < 0) return IoError("cannot create", tmp);
  // A failure (a full disk) leaves no half-written package taking the space.
  struct RemoveUnlessDone {
    const std::string& tmp;
    bool done = false;
    ~RemoveUnlessDone() {
      if (!done) ::unlink(tmp.c_str());
    }
  } cleanup{tmp};
  KIOSK_TRY(WriteAll(out.fd, header, tmp));
  const auto manifest_at = static_cast<off_t>(header.size());
  const auto attachments_at = manifest_at + static_cast<off_t>(SealedSize(jws_size));
  if (::lseek(out.fd, attachments_at, SEEK_SET) != attachments_at)
    return IoError("cannot seek", tmp);

  const EntrySealer sealer(package_key, prefix, header_hash, out.fd, tmp);
  auto hashed = std::async(std::launch::async, [&dossier] { return HashInMemory(dossier); });
  // However sealing ends, the hashing thread is joined before `dossier` goes.
  struct Join {
    std::future<Expected<std::vector<std::string>>>& f;
    ~Join() {
      if (f.valid()) f.wait();
    }
  } join{hashed};
  for (std::size_t i = 0; i < dossier.attachments.size(); ++i) {
    const auto& a = dossier.attachments[i];
    std::uint64_t from = 0;
    if (a.content) {
      const ByteView all = a.content->View();
      auto next = [&]() -> Expected<ByteView> {
        const auto n = std::min<std::uint64_t>(kChunkSize, all.size() - from);
        const ByteView chunk = all.subspan(from, n);
        from += n;
        return chunk;
      };
      KIOSK_TRY(sealer.Seal(i + 1, a.size, next));
      continue;
    }
    // A file: read once, hashed and encrypted in the same pass.
    KIOSK_ASSIGN_OR_RETURN(core::Hasher hasher, core::Hasher::Create(core::HashAlg::kSha256));
    Bytes chunk;
    auto next = [&]() -> Expected<ByteView> {
      KIOSK_ASSIGN_OR_RETURN(chunk, ReadUpTo(files[i].fd, kChunkSize, a.source));
      KIOSK_TRY(hasher.Update(chunk));
      return ByteView(chunk);
    };
    KIOSK_TRY(sealer.Seal(i + 1, a.size, next));
    // Nothing may follow what was measured.
    KIOSK_ASSIGN_OR_RETURN(const Bytes beyond, ReadUpTo(files[i].fd, 1, a.source));
    if (!beyond.empty()) {
      return Error::NeedsPerson("package.source_changed",
                                "an attachment grew while being sealed: " + a.name);
    }
    KIOSK_ASSIGN_OR_RETURN(const Bytes digest, hasher.Finish());
    dossier.attachments[i].sha256 = core::HexEncode(digest);
  }
  KIOSK_ASSIGN_OR_RETURN(const std::vector<std::string> digests, hashed.get());
  for (std::size_t i = 0; i < digests.size(); ++i) {
    if (dossier.attachments[i].content) dossier.attachments[i].sha256 = digests[i];
  }

  const std::string manifest = ToManifestJson(dossier);
  KIOSK_ASSIGN_OR_RETURN(
      const std::string jws,
      core::SignJwsEs256(core::AsBytes(manifest), device_key, key_id, kManifestType, random));
  if (jws.size() != jws_size) {
    return Error::Fatal("package.manifest_size", "the signed manifest is " +
                                                     std::to_string(jws.size()) + " bytes, not " +
                                                     std::to_string(jws_size));
  }
  if (::lseek(out.fd, manifest_at, SEEK_SET) != manifest_at) return IoError("cannot seek", tmp);
  std::size_t offset = 0;
  auto next = [&]() -> Expected<ByteView> {
    const std::size_t n = std::min(kChunkSize, jws.size() - offset);
    const ByteView chunk = core::AsBytes(jws).subspan(offset, n);
    offset += n;
    return chunk;
  };
  KIOSK_TRY(sealer.Seal(0, jws.size(), next));
  if (::fsync(out.fd) != 0) return IoError("cannot sync", tmp);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return IoError("cannot rename", tmp);
  cleanup.done = true;
  KIOSK_TRY(SyncDirectory(path.parent_path().empty() ? "." : path.parent_path()));
  return static_cast<std::uint64_t>(attachments_at) + [&] {
    std::uint64_t total = 0;
    for (const auto& a : dossier.attachments) total += SealedSize(a.size);
    return total;
  }();
}

struct PackageReader::State {
  std::filesystem::path path;
  int fd = -1;
  core::Uuid id;
  SecretBytes package_key;
  Bytes prefix;
  Bytes header_hash;
  std::vector<PackageEntry> entries;
  std::vector<std::uint64_t> offsets;  // file offset of each entry's first chunk
  ~State() {
    if (fd >= 0) ::close(fd);
  }
};

PackageReader::PackageReader() : state_(std::make_unique<State>()) {}
PackageReader::~PackageReader() = default;
PackageReader::PackageReader(PackageReader&&) noexcept = default;
PackageReader& PackageReader::operator=(PackageReader&&) noexcept = default;

const core::Uuid& PackageReader::DossierId() const { return state_->id; }
const std::vector<PackageEntry>& PackageReader::Entries() const { return state_->entries; }

Expected<PackageReader> PackageReader::Open(const std::filesystem::path& path,
                                            const SecretBytes& storage_key) {
  PackageReader reader;
  State& s = *reader.state_;
  s.path = path;
  s.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (s.fd < 0) return IoError("cannot open package", path);
  struct stat st {};
  if (::fstat(s.fd, &st) != 0) return IoError("cannot stat package", path);
  const auto file_size = static_cast<std::uint64_t>(st.st_size);

  constexpr std::size_t kFixed = 4 + 4 + 16 + kWrappedKey + kNoncePrefix + 2;
  KIOSK_ASSIGN_OR_RETURN(Bytes header, ReadUpTo(s.fd, kFixed, path));
  if (header.size() != kFixed || !std::equal(kMagic, kMagic + 4, header.begin())) {
    return Corrupt("not a dossier package");
  }
  if (header[4] != kVersion) return Corrupt("unsupported package version");
  core::Uuid::Octets octets{};
  std::copy(header.begin() + 8, header.begin() + 24, octets.begin());
  s.id = core::Uuid(octets);
  const ByteView wrap_nonce(header.data() + 24, core::kAesGcmNonceSize);
  const ByteView wrapped(header.data() + 24 + core::kAesGcmNonceSize,
                         core::kAesGcmKeySize + core::kAesGcmTagSize);
  auto key = core::AesGcmOpen(storage_key, wrap_nonce, ByteView(header.data(), 24), wrapped);
  if (!key) return Corrupt("package key does not unwrap: another kiosk's or an altered package");
  s.package_key = SecretBytes(*key);
  core::SecureZero(key->data(), key->size());
  s.prefix.assign(header.begin() + 24 + kWrappedKey,
                  header.begin() + 24 + kWrappedKey + kNoncePrefix);
  const std::size_t count = GetBigEndian(header, kFixed - 2, 2);
  if (count == 0 || count > kMaxEntries) return Corrupt("bad entry count");
  for (std::size_t i = 0; i < count; ++i) {
    KIOSK_ASSIGN_OR_RETURN(const Bytes length, ReadUpTo(s.fd, 1, path));
    if (length.size() != 1 || length[0] == 0) return Corrupt("bad entry name");
    KIOSK_ASSIGN_OR_RETURN(const Bytes rest, ReadUpTo(s.fd, length[0] + 8u, path));
    if (rest.size() != length[0] + 8u) return Corrupt("truncated header");
    header.insert(header.end(), length.begin(), length.end());
    header.insert(header.end(), rest.begin(), rest.end());
    s.entries.push_back(
        {std::string(rest.begin(), rest.begin() + length[0]), GetBigEndian(rest, length[0], 8)});
  }
  if (s.entries[0].name != kManifestEntry) return Corrupt("the first entry is not the manifest");
  KIOSK_ASSIGN_OR_RETURN(s.header_hash, core::Digest(core::HashAlg::kSha256, header));
  std::uint64_t offset = header.size();
  for (const auto& e : s.entries) {
    s.offsets.push_back(offset);
    if (e.size > (std::uint64_t{1} << 40)) return Corrupt("entry too large");
    offset += e.size + ChunkCount(e.size) * core::kAesGcmTagSize;
  }
  if (offset != file_size) {
    return Corrupt("package is " + std::to_string(file_size) + " bytes, its header says " +
                   std::to_string(offset) + ": truncated or extended");
  }
  return reader;
}

core::Status PackageReader::ReadEntry(std::size_t index,
                                      const std::function<core::Status(ByteView)>& sink) {
  State& s = *state_;
  if (index >= s.entries.size()) return Error::Fatal("package.no_entry", "no such entry");
  if (::lseek(s.fd, static_cast<off_t>(s.offsets[index]), SEEK_SET) < 0) {
    return IoError("cannot seek", s.path);
  }
  const std::uint64_t size = s.entries[index].size;
  const std::uint64_t chunks = ChunkCount(size);
  for (std::uint64_t c = 0; c < chunks; ++c) {
    const bool last = c + 1 == chunks;
    const std::size_t plain = last ? static_cast<std::size_t>(size - c * kChunkSize) : kChunkSize;
    KIOSK_ASSIGN_OR_RETURN(const Bytes sealed,
                           ReadUpTo(s.fd, plain + core::kAesGcmTagSize, s.path));
    if (sealed.size() != plain + core::kAesGcmTagSize) return Corrupt("truncated chunk");
    auto opened = core::AesGcmOpen(s.package_key, ChunkNonce(s.prefix, index, c),
                                   ChunkAad(s.header_hash, index, c, last), sealed);
    if (!opened) {
      return Corrupt("chunk " + std::to_string(c) + " of " + s.entries[index].name +
                     " fails its check: the package was altered");
    }
    KIOSK_TRY(sink(*opened));
  }
  return core::Ok();
}

Expected<std::string> PackageReader::ManifestJws() {
  std::string jws;
  KIOSK_TRY(ReadEntry(0, [&jws](ByteView chunk) {
    jws.append(core::AsChars(chunk));
    return core::Ok();
  }));
  return jws;
}

}  // namespace kiosk::dossier
