#pragma once

// Small files that must never be seen half-written: keys, configs, journals.

#include <sys/types.h>

#include <filesystem>
#include <string>

#include "kiosk/core/bytes.h"
#include "kiosk/core/error.h"

namespace kiosk::core {

// Writes `data` to a temporary file with `mode`, syncs it, renames it over
// `path` and syncs the directory: after a crash the file is either the old
// one or the new one.
Status WriteFileAtomically(const std::filesystem::path& path, ByteView data, mode_t mode = 0644);

// fsync of a directory: the names created, renamed or removed in it survive
// a power cut from here on.
Status SyncDirectory(const std::filesystem::path& dir);

// The whole file; "io.absent" when it does not exist.
Expected<std::string> ReadSmallFile(const std::filesystem::path& path,
                                    std::size_t limit = 16 * 1024 * 1024);

}  // namespace kiosk::core
