#include "kiosk/link/flags.h"

#include "kiosk/core/files.h"

namespace kiosk::link {

core::Status RaiseFlag(const std::filesystem::path& flag, core::WallTime since) {
  const std::string text = core::FormatRfc3339(since) + "\n";
  return core::WriteFileAtomically(flag, core::AsBytes(text), 0644);
}

core::Status LowerFlag(const std::filesystem::path& flag) {
  std::error_code ec;
  std::filesystem::remove(flag, ec);
  if (ec) return core::Error::Retryable("io.write", "cannot remove " + flag.string());
  return core::SyncDirectory(flag.parent_path().empty() ? "." : flag.parent_path());
}

bool FlagRaised(const std::filesystem::path& flag) {
  std::error_code ec;
  return std::filesystem::exists(flag, ec);
}

std::string FirstRaisedFlag(const std::vector<std::filesystem::path>& flags) {
  for (const auto& flag : flags) {
    if (FlagRaised(flag)) return flag.filename().string();
  }
  return {};
}

}  // namespace kiosk::link
