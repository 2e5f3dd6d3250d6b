#include "kiosk/core/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace kiosk::core {

namespace {
Error IoError(const std::string& what, const std::filesystem::path& path) {
  return Error::NeedsPerson("io.write", what + " " + path.string() + ": " + std::strerror(errno));
}
}  // namespace

Status WriteFileAtomically(const std::filesystem::path& path, ByteView data, mode_t mode) {
  const std::string tmp = path.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return IoError("cannot create", tmp);
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      ::unlink(tmp.c_str());
      return IoError("cannot write", tmp);
    }
    done += static_cast<std::size_t>(n);
  }
  // The mode asked for, whatever the umask.
  const bool ok = ::fchmod(fd, mode) == 0 && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return IoError("cannot replace", path);
  }
  return SyncDirectory(path.parent_path().empty() ? std::filesystem::path(".")
                                                  : path.parent_path());
}

Status SyncDirectory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError("cannot open", dir);
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return IoError("cannot sync", dir);
  return Ok();
}

Expected<std::string> ReadSmallFile(const std::filesystem::path& path, std::size_t limit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::NeedsPerson("io.absent", "cannot open " + path.string());
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > limit)
      return Error::NeedsPerson("io.too_large", path.string() + " is too large");
  }
  return text;
}

}  // namespace kiosk::core
