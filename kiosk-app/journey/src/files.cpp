// What the journey keeps on disk itself, outside the outbox: the queue-ticket
// counter, the ratings log, and the sweep of an old work folder.
#include <fcntl.h>
#include <unistd.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "kiosk/core/files.h"
#include "kiosk/core/log.h"
#include "kiosk/journey/journey.h"

namespace kiosk::journey {

int SweepWorkDir(const std::filesystem::path& work_dir) {
  int removed = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(work_dir, ec)) {
    if (entry.path().filename().string().rfind("sealing-", 0) != 0) continue;
    std::error_code gone;
    std::filesystem::remove_all(entry.path(), gone);
    if (!gone) ++removed;
  }
  return removed;
}

// ---- persistence helpers ----

namespace {

core::Status WriteDurably(const std::filesystem::path& file, const std::string& text, bool append) {
  const std::filesystem::path target =
      append ? file : std::filesystem::path(file.string() + ".tmp");
  const int fd =
      ::open(target.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0600);
  if (fd < 0) return core::Error::Retryable("io.error", "cannot open " + target.string());
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return core::Error::Retryable("io.error", "cannot write " + target.string());
  if (!append) {
    std::error_code ec;
    std::filesystem::rename(target, file, ec);
    if (ec) return core::Error::Retryable("io.error", "cannot replace " + file.string());
  }
  return core::Ok();
}

}  // namespace

core::Expected<int> NextTicketNumber(const std::filesystem::path& file, const catalog::Day& day) {
  const std::string today = catalog::FormatDay(day);
  int last = 0;
  {
    std::ifstream in(file);
    std::string stored_day;
    int stored = 0;
    if (in >> stored_day >> stored && stored_day == today) last = stored;
  }
  KIOSK_TRY(WriteDurably(file, today + " " + std::to_string(last + 1) + "\n", false));
  return last + 1;
}

core::Status AppendRating(const std::filesystem::path& file, const std::string& dossier_id,
                          const std::string& code, int score, core::WallTime at) {
  const std::string line = "{\"dossier\":\"" + dossier_id + "\",\"code\":\"" + code +
                           "\",\"score\":" + std::to_string(score) + ",\"at\":\"" +
                           core::FormatRfc3339(at) + "\"}\n";
  return WriteDurably(file, line, true);
}

}  // namespace kiosk::journey
