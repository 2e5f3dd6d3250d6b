#pragma once

// The sealed package: one file per dossier holding the signed manifest
// (manifest.jws, ES256 by the device key) and the attachments, encrypted at
// rest with a fresh AES-256-GCM key per package, itself wrapped by the
// device's storage key. Entries are cut in 64 KiB chunks, each with its own
// tag and the dossier id, entry, chunk index and a last-chunk flag in its
// additional data, so nothing can be reordered, truncated or swapped between
// packages. Format: docs/dossier-package.md.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "kiosk/core/error.h"
#include "kiosk/core/pk.h"
#include "kiosk/core/random.h"
#include "kiosk/core/secret.h"
#include "kiosk/dossier/dossier.h"

namespace kiosk::dossier {

inline constexpr std::size_t kChunkSize = 64 * 1024;

// The device's storage key (32 bytes, mode 0600), created on first use.
core::Expected<core::SecretBytes> LoadOrCreateStorageKey(const std::filesystem::path& path,
                                                         core::RandomSource& random);

// Writes the package to `path` durably (a temporary file, fsync, rename,
// fsync of the directory) and returns its size. Each attachment is read once:
// its size and SHA-256 are filled in from the very bytes sealed (an in-memory
// one hashed on another core while this one encrypts), then the manifest
// naming them is signed and sealed into the place kept for it.
// "package.source_changed" if a file changes size while it is read.
core::Expected<std::uint64_t> WritePackage(const std::filesystem::path& path, Dossier& dossier,
                                           const core::PrivateKey& device_key,
                                           std::string_view key_id,
                                           const core::SecretBytes& storage_key,
                                           core::RandomSource& random);

struct PackageEntry {
  std::string name;
  std::uint64_t size = 0;
};

// Reads a package back: every chunk's tag is checked as it is read.
class PackageReader {
 public:
  static core::Expected<PackageReader> Open(const std::filesystem::path& path,
                                            const core::SecretBytes& storage_key);
  ~PackageReader();
  PackageReader(PackageReader&&) noexcept;
  PackageReader& operator=(PackageReader&&) noexcept;

  const core::Uuid& DossierId() const;
  const std::vector<PackageEntry>& Entries() const;
  // The compact JWS of entry 0.
  core::Expected<std::string> ManifestJws();
  // Streams entry `index` to `sink` chunk by chunk, after checking each tag.
  core::Status ReadEntry(std::size_t index,
                         const std::function<core::Status(core::ByteView)>& sink);

  struct State;

 private:
  PackageReader();
  std::unique_ptr<State> state_;
};

}  // namespace kiosk::dossier
