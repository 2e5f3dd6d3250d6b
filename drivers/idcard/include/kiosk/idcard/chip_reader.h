#pragma once

// Reads and verifies a CCCD over any CardChannel: PACE-CAN first, BAC as the
// fallback, the LDS files by short file id in adaptive chunks, passive
// authentication, and Active Authentication when the card offers it.

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/clock.h"
#include "kiosk/core/random.h"
#include "kiosk/idcard/access_key.h"
#include "kiosk/idcard/card_channel.h"
#include "kiosk/idcard/identity.h"
#include "kiosk/idcard/lds.h"

namespace kiosk::idcard {

struct ReadProgress {
  std::string phase;  // "access", "DG13", "DG2", "verify", ...
  int percent = 0;    // 0-100
};

struct ReadOptions {
  bool read_photo = true;
  bool active_authentication = true;
  const TrustStore* trust = nullptr;  // CSCAs; none: the chain stays "not checked"
  std::function<void(const ReadProgress&)> on_progress;
};

// Figures of one read, for the log, the benchmark and kiosk-cardread.
struct ReadStats {
  std::size_t apdus = 0;
  std::size_t bytes_sent = 0;
  std::size_t bytes_received = 0;
  std::vector<std::pair<std::string, std::chrono::microseconds>> phases;
  std::map<std::string, std::size_t> file_sizes;
  std::size_t read_commands = 0;  // READ BINARY commands, including retries
  std::size_t chunk_retries = 0;  // reads answered 6700 / 6Cxx / 6282
  std::string access_method;
};

class ChipReader {
 public:
  ChipReader(CardChannel& channel, const core::Clock& clock, core::RandomSource& random);

  // Errors: "card.wrong_key" (no key opened the chip), "card.removed",
  // "card.read_error", "card.mismatch" (not the card the key came from),
  // "lds.malformed"; verification failures are in the report, not errors.
  core::Expected<CitizenIdentity> Read(const AccessKey& key, const ReadOptions& options,
                                       ReadStats* stats = nullptr);

  static constexpr std::size_t kInitialChunk = 0xDF;

 private:
  core::Expected<ResponseApdu> Send(const CommandApdu& command);
  core::Expected<std::optional<PaceInfo>> ReadCardAccess();
  core::Status Pace(const std::string& can, const PaceInfo& info);
  core::Status Bac(const std::vector<BacInput>& candidates);
  core::Status SelectApplication();
  core::Expected<Bytes> ReadFile(const LdsFile& file);
  core::Expected<Bytes> ReadChunk(std::size_t offset, std::size_t length, std::uint8_t sfi,
                                  bool first);
  void Phase(const std::string& name, core::MonoTime started);
  void Progress(const std::string& phase, int percent);

  CardChannel& channel_;
  const core::Clock& clock_;
  core::RandomSource& random_;
  std::optional<SecureMessaging> session_;
  std::size_t chunk_ = kInitialChunk;
  bool last_read_short_ = false;
  ReadStats stats_;
  const ReadOptions* options_ = nullptr;
};

}  // namespace kiosk::idcard
