#pragma once

// The outbox: the only contract between kiosk-app and kiosk-agent
// (ARCHITECTURE.md §1). Sealed packages live as files beside an SQLite
// database in WAL mode with synchronous=FULL; Seal returns only once both
// are on disk. A dossier goes queued -> uploading -> acknowledged (with its
// official code) -> purged, or to quarantined when the gateway refuses it for
// good. Rows never hold personal data, so the audit row that stays after the
// purge is safe to keep.

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "kiosk/core/clock.h"
#include "kiosk/core/error.h"
#include "kiosk/core/pk.h"
#include "kiosk/core/random.h"
#include "kiosk/core/uuid.h"
#include "kiosk/dossier/dossier.h"

namespace kiosk::dossier {

// The receipt prints the first four symbols of the gateway's look-up secret,
// to read aloud; the QR code carries it whole. The gateway accepts either
// and rate-limits both per code (gateway/intake.h).
inline std::string PrintedLookupSecret(std::string_view whole) {
  return std::string(whole.substr(0, 4));
}

enum class OutboxState { kQueued, kUploading, kAcknowledged, kQuarantined, kPurged };
const char* ToString(OutboxState state);

struct OutboxEntry {
  core::Uuid id;
  OutboxState state = OutboxState::kQueued;
  std::string procedure_code;
  std::uint64_t package_size = 0;
  int attempts = 0;
  core::WallTime sealed_at;
  core::WallTime next_attempt_at;
  std::string dossier_code;   // the official code, once acknowledged
  std::string last_error;     // no personal data: codes and messages from our side
  std::string lookup_secret;  // from the gateway's acknowledgement, for the receipt
  std::string appointment;    // YYYY-MM-DD, from the gateway's acknowledgement
  std::filesystem::path package;
};

// The reference printed on a receipt before the official code is known:
// "KS-" and the last 8 hex digits of the dossier's UUID (its random part).
std::string LocalReference(const core::Uuid& id);
// The reference a fee is paid against: "DVC" and the last 20 hex digits of
// the dossier's UUID, 23 ASCII characters, so it fits a VietQR purpose (25)
// and a bank statement. Its last 8 digits are those of LocalReference.
std::string PaymentReference(const core::Uuid& id);
// The 8 lowercase hex digits of a reference as typed ("KS-3FA9C21B" or
// "3fa9c21b"); empty if it is not one.
std::string LocalReferenceSuffix(const std::string& reference);

class Outbox {
 public:
  // `dir` holds outbox.db and packages/. Recovers from a crash: uploads that
  // were in flight go back to the queue, half-written packages are removed.
  static core::Expected<Outbox> Open(const std::filesystem::path& dir, const core::Clock& clock);
  ~Outbox();
  Outbox(Outbox&&) noexcept;
  Outbox& operator=(Outbox&&) noexcept;

  // kiosk-app: hashes the attachments, signs and writes the package, records
  // it; returns once everything is durable.
  core::Expected<OutboxEntry> Seal(Dossier& dossier, const core::PrivateKey& device_key,
                                   std::string_view key_id, const core::SecretBytes& storage_key,
                                   core::RandomSource& random);
  // kiosk-app: the official code once the agent has it; nullopt when the
  // deadline passes first (print a provisional receipt then).
  core::Expected<std::optional<std::string>> WaitForCode(const core::Uuid& id,
                                                         std::chrono::milliseconds timeout);
  // The same, with everything the gateway acknowledged.
  core::Expected<std::optional<OutboxEntry>> WaitForAcknowledgement(
      const core::Uuid& id, std::chrono::milliseconds timeout);
  // kiosk-app look-up: by official code, or by the local reference.
  core::Expected<std::optional<OutboxEntry>> FindByCode(const std::string& code);
  core::Expected<std::optional<OutboxEntry>> FindByReference(const std::string& reference);

  // kiosk-agent: the oldest dossier due for upload, marked uploading.
  core::Expected<std::optional<OutboxEntry>> TakeNextDue();
  core::Status MarkAcknowledged(const core::Uuid& id, const std::string& dossier_code,
                                const std::string& lookup_secret = {},
                                const std::string& appointment = {});
  core::Status MarkRetry(const core::Uuid& id, const std::string& error,
                         core::WallTime next_attempt);
  core::Status MarkQuarantined(const core::Uuid& id, const std::string& error);
  // Deletes the package of an acknowledged dossier; the audit row stays.
  core::Status Purge(const core::Uuid& id);
  // Purges every acknowledged dossier still holding its package: the agent
  // may have died between the acknowledgement and the purge.
  core::Expected<int> PurgeAcknowledged();

  core::Expected<OutboxEntry> Get(const core::Uuid& id);
  core::Expected<std::map<OutboxState, int>> CountByState();
  // When the oldest dossier not yet acknowledged was sealed; nullopt if none waits.
  core::Expected<std::optional<core::WallTime>> OldestWaiting();

  struct State;

 private:
  Outbox();
  std::unique_ptr<State> state_;
};

}  // namespace kiosk::dossier
