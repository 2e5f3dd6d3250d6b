#include "kiosk/dossier/outbox.h"

#include <cctype>

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <thread>

#include "kiosk/core/log.h"
#include "kiosk/dossier/package.h"
#include "kiosk/storage/sqlite.h"

namespace kiosk::dossier {

using core::Error;
using core::Expected;

namespace {

std::int64_t Millis(core::WallTime t) { return core::UnixMillis(t); }
core::WallTime FromMillis(std::int64_t ms) { return core::WallTime{std::chrono::milliseconds(ms)}; }

using storage::Exec;
using storage::SqliteCall;
using storage::Statement;

Expected<OutboxState> StateFrom(const std::string& text) {
  for (auto s : {OutboxState::kQueued, OutboxState::kUploading, OutboxState::kAcknowledged,
                 OutboxState::kQuarantined, OutboxState::kPurged}) {
    if (text == ToString(s)) return s;
  }
  return Error::Fatal("outbox.corrupt", "unknown state in the outbox: " + text);
}

// The outbox's schema, as numbered steps (storage::Database::Migrate).
constexpr const char* kMigrations[] = {
    // 1: the dossiers and their upload state.
    R"sql(
CREATE TABLE IF NOT EXISTS dossiers (
  id              TEXT PRIMARY KEY,     -- UUIDv7, sorts by creation
  state           TEXT NOT NULL,
  procedure_code  TEXT NOT NULL,
  package_size    INTEGER NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  sealed_at       INTEGER NOT NULL,     -- Unix ms
  next_attempt_at INTEGER NOT NULL,
  dossier_code    TEXT NOT NULL DEFAULT '',
  last_error      TEXT NOT NULL DEFAULT '',
  updated_at      INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS dossiers_due ON dossiers(state, next_attempt_at);
)sql",
    // 2: what the gateway's acknowledgement brings, for the receipt.
    R"sql(
ALTER TABLE dossiers ADD COLUMN lookup_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE dossiers ADD COLUMN appointment TEXT NOT NULL DEFAULT '';  -- YYYY-MM-DD
)sql",
};

// While a process seals a dossier it holds an exclusive lock on
// packages/<id>.sealing, from before the package is written until its row is
// committed. Recovery in another process (the app and the agent both open
// the outbox) leaves alone any package whose lock is held.
class SealingLock {
 public:
  explicit SealingLock(std::filesystem::path path) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0660);
    if (fd_ >= 0 && ::flock(fd_, LOCK_EX) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  // Takes the lock only if nobody holds it.
  static std::optional<SealingLock> TryTake(std::filesystem::path path) {
    SealingLock lock;
    lock.path_ = std::move(path);
    lock.fd_ = ::open(lock.path_.c_str(), O_RDWR | O_CLOEXEC);
    if (lock.fd_ < 0) return lock;  // no lock file: nobody is sealing
    if (::flock(lock.fd_, LOCK_EX | LOCK_NB) != 0) return std::nullopt;
    return lock;
  }
  ~SealingLock() {
    if (fd_ >= 0) {
      ::unlink(path_.c_str());
      ::close(fd_);
    }
  }
  SealingLock(SealingLock&& other) noexcept
      : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}
  SealingLock& operator=(SealingLock&&) = delete;
  bool Held() const { return fd_ >= 0; }

 private:
  SealingLock() = default;
  std::filesystem::path path_;
  int fd_ = -1;
};

std::filesystem::path LockPathFor(const std::filesystem::path& file) {
  const std::string name = file.filename().string();
  return file.parent_path() / (name.substr(0, name.find('.')) + ".sealing");
}

}  // namespace

const char* ToString(OutboxState state) {
  switch (state) {
    case OutboxState::kQueued:
      return "queued";
    case OutboxState::kUploading:
      return "uploading";
    case OutboxState::kAcknowledged:
      return "acknowledged";
    case OutboxState::kQuarantined:
      return "quarantined";
    case OutboxState::kPurged:
      return "purged";
  }
  return "?";
}

struct Outbox::State {
  storage::Database database;
  sqlite3* db = nullptr;  // database's handle
  std::filesystem::path dir;
  const core::Clock* clock = nullptr;

  std::filesystem::path PackagePath(const core::Uuid& id) const {
    return dir / "packages" / (id.ToString() + ".kpkg");
  }

  core::Status SetState(const core::Uuid& id, OutboxState from_a, OutboxState from_b,
                        OutboxState to, const std::string& code, const std::string& error,
                        core::WallTime next) {
    Statement st(db,
                 "UPDATE dossiers SET state = ?1, dossier_code = CASE WHEN ?2 = '' THEN "
                 "dossier_code ELSE ?2 END, last_error = ?3, next_attempt_at = ?4, updated_at = ?5 "
                 "WHERE id = ?6 AND state IN (?7, ?8)");
    KIOSK_TRY(st.Ready());
    st.Bind(1, std::string(ToString(to)))
        .Bind(2, code)
        .Bind(3, error)
        .Bind(4, Millis(next))
        .Bind(5, Millis(clock->Now()))
        .Bind(6, id.ToString())
        .Bind(7, std::string(ToString(from_a)))
        .Bind(8, std::string(ToString(from_b)));
    KIOSK_TRY(st.Step());
    if (sqlite3_changes(db) != 1) {
      return Error::Fatal("outbox.bad_transition", std::string("dossier ") + id.ToString() +
                                                       " is not in a state that allows " +
                                                       ToString(to));
    }
    return core::Ok();
  }
};

Outbox::Outbox() : state_(std::make_unique<State>()) {}
Outbox::~Outbox() = default;
Outbox::Outbox(Outbox&&) noexcept = default;
Outbox& Outbox::operator=(Outbox&&) noexcept = default;

Expected<Outbox> Outbox::Open(const std::filesystem::path& dir, const core::Clock& clock) {
  Outbox outbox;
  State& s = *outbox.state_;
  s.dir = dir;
  s.clock = &clock;
  std::error_code ec;
  std::filesystem::create_directories(dir / "packages", ec);
  if (ec) return Error::NeedsPerson("io.error", "cannot create " + (dir / "packages").string());
  // WAL, and every commit synced to disk: durable before Seal returns.
  KIOSK_ASSIGN_OR_RETURN(s.database, storage::Database::Open(dir / "outbox.db"));
  s.db = s.database.Handle();
  KIOSK_TRY(s.database.Migrate(kMigrations));

  // Crash recovery. An upload in flight is retried (uploads are idempotent).
  KIOSK_TRY(Exec(s.db, "UPDATE dossiers SET state = 'queued' WHERE state = 'uploading'"));
  // A package written but never recorded was never reported as submitted.
  // One being sealed right now by the other process is left alone.
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "packages", ec)) {
    files.push_back(entry.path());
  }
  for (const auto& path : files) {
    if (path.extension() == ".sealing") {
      auto stale = SealingLock::TryTake(path);  // released and removed at scope end
      continue;
    }
    auto lock = SealingLock::TryTake(LockPathFor(path));
    if (!lock) continue;
    const std::filesystem::directory_entry entry(path, ec);
    if (ec || !entry.exists()) continue;
    const auto name = entry.path().filename().string();
    if (entry.path().extension() == ".tmp") {
      std::filesystem::remove(entry.path(), ec);
      continue;
    }
    auto id = core::Uuid::Parse(entry.path().stem().string());
    if (!id) continue;
    Statement st(s.db, "SELECT 1 FROM dossiers WHERE id = ?1");
    KIOSK_TRY(st.Ready());
    st.Bind(1, id->ToString());
    KIOSK_ASSIGN_OR_RETURN(const bool known, st.Step());
    if (!known) {
      core::log::Warn("outbox.orphan_removed", {{"package", name}});
      std::filesystem::remove(entry.path(), ec);
    }
  }
  return outbox;
}

Expected<OutboxEntry> Outbox::Seal(Dossier& dossier, const core::PrivateKey& device_key,
                                   std::string_view key_id, const core::SecretBytes& storage_key,
                                   core::RandomSource& random) {
  State& s = *state_;
  // A dossier id is sealed once: never overwrite a recorded package.
  if (Get(dossier.id)) {
    return Error::Fatal("outbox.duplicate",
                        "dossier " + dossier.id.ToString() + " is already sealed");
  }
  const auto path = s.PackagePath(dossier.id);
  const SealingLock lock(LockPathFor(path));
  if (!lock.Held()) return Error::Retryable("io.error", "cannot lock " + path.string());
  KIOSK_ASSIGN_OR_RETURN(const std::uint64_t size,
                         WritePackage(path, dossier, device_key, key_id, storage_key, random));
  const core::WallTime now = s.clock->Now();
  Statement st(s.db,
               "INSERT INTO dossiers (id, state, procedure_code, package_size, sealed_at, "
               "next_attempt_at, updated_at) VALUES (?1, 'queued', ?2, ?3, ?4, ?4, ?4)");
  KIOSK_TRY(st.Ready());
  st.Bind(1, dossier.id.ToString())
      .Bind(2, dossier.procedure_code)
      .Bind(3, static_cast<std::int64_t>(size))
      .Bind(4, Millis(now));
  auto inserted = st.Step();
  if (!inserted) {
    std::error_code ec;
    std::filesystem::remove(path, ec);
    return std::move(inserted).GetError().WithContext("recording a sealed dossier");
  }
  core::log::Info(
      "outbox.sealed",
      {{"dossier", dossier.id.ToString()}, {"procedure", dossier.procedure_code}, {"bytes", size}});
  return Get(dossier.id);
}

Expected<OutboxEntry> Outbox::Get(const core::Uuid& id) {
  State& s = *state_;
  Statement st(s.db,
               "SELECT state, procedure_code, package_size, attempts, sealed_at, next_attempt_at, "
               "dossier_code, last_error, lookup_secret, appointment FROM dossiers WHERE id = ?1");
  KIOSK_TRY(st.Ready());
  st.Bind(1, id.ToString());
  KIOSK_ASSIGN_OR_RETURN(const bool found, st.Step());
  if (!found) return Error::Fatal("outbox.unknown", "no dossier " + id.ToString());
  OutboxEntry e;
  e.id = id;
  KIOSK_ASSIGN_OR_RETURN(e.state, StateFrom(st.Text(0)));
  e.procedure_code = st.Text(1);
  e.package_size = static_cast<std::uint64_t>(st.Int(2));
  e.attempts = static_cast<int>(st.Int(3));
  e.sealed_at = FromMillis(st.Int(4));
  e.next_attempt_at = FromMillis(st.Int(5));
  e.dossier_code = st.Text(6);
  e.last_error = st.Text(7);
  e.lookup_secret = st.Text(8);
  e.appointment = st.Text(9);
  e.package = s.PackagePath(id);
  return e;
}

Expected<std::optional<OutboxEntry>> Outbox::TakeNextDue() {
  State& s = *state_;
  KIOSK_TRY(Exec(s.db, "BEGIN IMMEDIATE"));
  auto taken = [&]() -> Expected<std::optional<OutboxEntry>> {
    Statement st(s.db,
                 "SELECT id FROM dossiers WHERE state = 'queued' AND next_attempt_at <= ?1 "
                 "ORDER BY id LIMIT 1");
    KIOSK_TRY(st.Ready());
    st.Bind(1, Millis(s.clock->Now()));
    KIOSK_ASSIGN_OR_RETURN(const bool found, st.Step());
    if (!found) return std::optional<OutboxEntry>();
    KIOSK_ASSIGN_OR_RETURN(const core::Uuid id, core::Uuid::Parse(st.Text(0)));
    Statement up(s.db,
                 "UPDATE dossiers SET state = 'uploading', attempts = attempts + 1, "
                 "updated_at = ?1 WHERE id = ?2");
    KIOSK_TRY(up.Ready());
    up.Bind(1, Millis(s.clock->Now())).Bind(2, id.ToString());
    KIOSK_TRY(up.Step());
    KIOSK_ASSIGN_OR_RETURN(OutboxEntry e, Get(id));
    return std::optional<OutboxEntry>(std::move(e));
  }();
  KIOSK_TRY(Exec(s.db, taken ? "COMMIT" : "ROLLBACK"));
  return taken;
}

core::Status Outbox::MarkAcknowledged(const core::Uuid& id, const std::string& dossier_code,
                                      const std::string& lookup_secret,
                                      const std::string& appointment) {
  if (dossier_code.empty()) return Error::Fatal("outbox.no_code", "acknowledged without a code");
  // From queued too: a retried upload may be acknowledged after a restart.
  KIOSK_TRY(state_->SetState(id, OutboxState::kUploading, OutboxState::kQueued,
                             OutboxState::kAcknowledged, dossier_code, "", state_->clock->Now()));
  Statement st(state_->db,
               "UPDATE dossiers SET lookup_secret = ?1, appointment = ?2 WHERE id = ?3");
  KIOSK_TRY(st.Ready());
  st.Bind(1, lookup_secret).Bind(2, appointment).Bind(3, id.ToString());
  KIOSK_TRY(st.Step());
  return core::Ok();
}

core::Status Outbox::MarkRetry(const core::Uuid& id, const std::string& error,
                               core::WallTime next_attempt) {
  return state_->SetState(id, OutboxState::kUploading, OutboxState::kUploading,
                          OutboxState::kQueued, "", error, next_attempt);
}

core::Status Outbox::MarkQuarantined(const core::Uuid& id, const std::string& error) {
  core::log::Error("outbox.quarantined", {{"dossier", id.ToString()}, {"error", error}});
  return state_->SetState(id, OutboxState::kUploading, OutboxState::kQueued,
                          OutboxState::kQuarantined, "", error, state_->clock->Now());
}

core::Status Outbox::Purge(const core::Uuid& id) {
  KIOSK_ASSIGN_OR_RETURN(const OutboxEntry e, Get(id));
  if (e.state != OutboxState::kAcknowledged) {
    return Error::Fatal("outbox.bad_transition", "only acknowledged dossiers are purged");
  }
  std::error_code ec;
  std::filesystem::remove(e.package, ec);
  if (ec) return Error::Retryable("io.error", "cannot remove " + e.package.string());
  return state_->SetState(id, OutboxState::kAcknowledged, OutboxState::kAcknowledged,
                          OutboxState::kPurged, "", "", state_->clock->Now());
}

Expected<int> Outbox::PurgeAcknowledged() {
  std::vector<core::Uuid> pending;
  {
    Statement st(state_->db, "SELECT id FROM dossiers WHERE state = 'acknowledged'");
    KIOSK_TRY(st.Ready());
    while (true) {
      KIOSK_ASSIGN_OR_RETURN(const bool row, st.Step());
      if (!row) break;
      KIOSK_ASSIGN_OR_RETURN(const core::Uuid id, core::Uuid::Parse(st.Text(0)));
      pending.push_back(id);
    }
  }
  for (const auto& id : pending) KIOSK_TRY(Purge(id));
  return static_cast<int>(pending.size());
}

Expected<std::optional<std::string>> Outbox::WaitForCode(const core::Uuid& id,
                                                         std::chrono::milliseconds timeout) {
  KIOSK_ASSIGN_OR_RETURN(auto entry, WaitForAcknowledgement(id, timeout));
  if (!entry) return std::optional<std::string>();
  return std::optional<std::string>(entry->dossier_code);
}

Expected<std::optional<OutboxEntry>> Outbox::FindByCode(const std::string& code) {
  if (code.empty()) return std::optional<OutboxEntry>();
  Statement st(state_->db, "SELECT id FROM dossiers WHERE dossier_code = ?1 COLLATE NOCASE");
  KIOSK_TRY(st.Ready());
  st.Bind(1, code);
  KIOSK_ASSIGN_OR_RETURN(const bool row, st.Step());
  if (!row) return std::optional<OutboxEntry>();
  KIOSK_ASSIGN_OR_RETURN(const core::Uuid id, core::Uuid::Parse(st.Text(0)));
  KIOSK_ASSIGN_OR_RETURN(auto entry, Get(id));
  return std::optional<OutboxEntry>(std::move(entry));
}

Expected<std::optional<OutboxEntry>> Outbox::FindByReference(const std::string& reference) {
  const std::string suffix = LocalReferenceSuffix(reference);
  if (suffix.empty()) return std::optional<OutboxEntry>();
  Statement st(state_->db, "SELECT id FROM dossiers WHERE substr(id, -8) = ?1");
  KIOSK_TRY(st.Ready());
  st.Bind(1, suffix);
  KIOSK_ASSIGN_OR_RETURN(const bool row, st.Step());
  if (!row) return std::optional<OutboxEntry>();
  KIOSK_ASSIGN_OR_RETURN(const core::Uuid id, core::Uuid::Parse(st.Text(0)));
  KIOSK_ASSIGN_OR_RETURN(auto entry, Get(id));
  return std::optional<OutboxEntry>(std::move(entry));
}

std::string LocalReference(const core::Uuid& id) {
  const std::string text = id.ToString();
  std::string ref = "KS-";
  for (char c : text.substr(text.size() - 8)) {
    ref += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return ref;
}

std::string PaymentReference(const core::Uuid& id) {
  std::string hex;
  for (char c : id.ToString()) {
    if (c != '-') hex += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return "DVC" + hex.substr(hex.size() - 20);
}

std::string LocalReferenceSuffix(const std::string& reference) {
  std::string ref = reference;
  if (ref.size() == 11 && (ref.rfind("KS-", 0) == 0 || ref.rfind("ks-", 0) == 0))
    ref = ref.substr(3);
  if (ref.size() != 8) return {};
  for (auto& c : ref) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return {};
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return ref;
}

Expected<std::optional<OutboxEntry>> Outbox::WaitForAcknowledgement(
    const core::Uuid& id, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    KIOSK_ASSIGN_OR_RETURN(OutboxEntry e, Get(id));
    if (e.state == OutboxState::kAcknowledged || e.state == OutboxState::kPurged) {
      return std::optional<OutboxEntry>(std::move(e));
    }
    if (e.state == OutboxState::kQuarantined) {
      return Error::NeedsPerson("outbox.quarantined",
                                "the gateway refused the dossier: " + e.last_error);
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::optional<OutboxEntry>();
    // The agent is another process; the database is the only channel.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

Expected<std::map<OutboxState, int>> Outbox::CountByState() {
  Statement st(state_->db, "SELECT state, COUNT(*) FROM dossiers GROUP BY state");
  KIOSK_TRY(st.Ready());
  std::map<OutboxState, int> counts;
  while (true) {
    KIOSK_ASSIGN_OR_RETURN(const bool row, st.Step());
    if (!row) break;
    KIOSK_ASSIGN_OR_RETURN(const OutboxState state, StateFrom(st.Text(0)));
    counts[state] = static_cast<int>(st.Int(1));
  }
  return counts;
}

Expected<std::optional<core::WallTime>> Outbox::OldestWaiting() {
  Statement st(
      state_->db,
      "SELECT IFNULL(MIN(sealed_at), -1) FROM dossiers WHERE state IN ('queued', 'uploading')");
  KIOSK_TRY(st.Ready());
  KIOSK_ASSIGN_OR_RETURN(const bool row, st.Step());
  if (!row || st.Int(0) < 0) {
    return std::optional<core::WallTime>();
  }
  return std::optional<core::WallTime>(FromMillis(st.Int(0)));
}

}  // namespace kiosk::dossier
