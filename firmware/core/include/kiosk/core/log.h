#pragma once

// Structured logging: an event name plus typed fields, to stderr or, under
// systemd, natively to the journal. Personal data and secrets cannot be logged:
// a Field only accepts Loggable values, and Personal<T> / SecretBytes are not.
//
//   log::Info("outbox.sealed", {{"dossier", id.ToString()}, {"bytes", size}});

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "kiosk/core/clock.h"
#include "kiosk/core/error.h"
#include "kiosk/core/secret.h"

namespace kiosk::core::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

const char* ToString(Level level);
Expected<Level> ParseLevel(std::string_view text);

template <typename T>
struct IsDuration : std::false_type {};
template <typename Rep, typename Period>
struct IsDuration<std::chrono::duration<Rep, Period>> : std::true_type {};

// What may appear in a log line: numbers, text, durations; never personal data.
template <typename T>
concept Loggable =
    !std::is_base_of_v<NotLoggable, std::remove_cvref_t<T>> &&
    (std::is_arithmetic_v<std::remove_cvref_t<T>> || IsDuration<std::remove_cvref_t<T>>::value ||
     std::is_convertible_v<const T&, std::string_view>);

class Field {
 public:
  using Value = std::variant<std::string, std::int64_t, std::uint64_t, double, bool>;

  template <Loggable T>
  // NOLINTNEXTLINE(google-explicit-constructor): brace lists of fields read naturally.
  Field(std::string_view key, const T& value) : key_(key), value_(ToValue(value)) {}

  // Chosen for anything else, so that the compiler says why.
  template <typename T>
  requires(!Loggable<T>) Field(std::string_view, const T&) {
    static_assert(Loggable<T>,
                  "this value is not Loggable: personal data and secrets never go into logs");
  }

  const std::string& Key() const { return key_; }
  const Value& GetValue() const { return value_; }
  // The value as text, unquoted.
  std::string ValueText() const;

 private:
  template <typename T>
  static Value ToValue(const T& v) {
    using U = std::remove_cvref_t<T>;
    if constexpr (std::is_same_v<U, bool>) {
      return v;
    } else if constexpr (std::is_floating_point_v<U>) {
      return static_cast<double>(v);
    } else if constexpr (std::is_integral_v<U> && std::is_signed_v<U>) {
      return static_cast<std::int64_t>(v);
    } else if constexpr (std::is_integral_v<U>) {
      return static_cast<std::uint64_t>(v);
    } else if constexpr (IsDuration<U>::value) {
      return static_cast<std::int64_t>(
          std::chrono::duration_cast<std::chrono::milliseconds>(v).count());
    } else {
      return std::string(std::string_view(v));
    }
  }

  std::string key_;
  Value value_;
};

struct Record {
  WallTime time;
  Level level;
  std::string event;
  std::vector<Field> fields;
};

// "INFO outbox.sealed dossier=0190... bytes=1234": values with spaces, quotes,
// '=' or control characters are quoted and escaped, so a line stays one line.
std::string FormatLine(const Record& record);

class Sink {
 public:
  virtual ~Sink() = default;
  virtual void Write(const Record& record) = 0;
};

// One line per record on stderr, written with a single write(2).
class StderrSink final : public Sink {
 public:
  void Write(const Record& record) override;
};

// Native journald fields: MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, KIOSK_EVENT and
// each field upper-cased, sent over journald's native datagram protocol
// (systemd.io/JOURNAL_NATIVE_PROTOCOL). Falls back to stderr if the journal
// cannot be reached.
class JournalSink final : public Sink {
 public:
  static constexpr const char* kDefaultSocket = "/run/systemd/journal/socket";

  explicit JournalSink(std::string identifier, std::string socket_path = kDefaultSocket);
  ~JournalSink() override;
  JournalSink(const JournalSink&) = delete;
  JournalSink& operator=(const JournalSink&) = delete;

  void Write(const Record& record) override;

 private:
  std::string identifier_;
  std::string socket_path_;
  int fd_ = -1;
  StderrSink fallback_;
};

// One journal entry in the native protocol's datagram form. Values with a
// newline use the length-prefixed binary form.
std::string EncodeJournalEntry(const Record& record, std::string_view identifier);

// Keeps records in memory, for tests and for a diagnostics screen.
class MemorySink final : public Sink {
 public:
  void Write(const Record& record) override;
  std::vector<Record> Records() const;
  void Clear();

 private:
  mutable std::mutex mutex_;
  std::vector<Record> records_;
};

// True when systemd connected our stderr to the journal (JOURNAL_STREAM names
// stderr's device and inode), the documented test for logging natively.
bool StderrIsJournal();

// The sink a program should use: the journal under systemd, stderr otherwise.
std::unique_ptr<Sink> SinkForEnvironment(std::string identifier);

// journald field name for a key: upper case, [A-Z0-9_], not starting with '_'.
std::string JournalFieldName(std::string_view key);

class Logger {
 public:
  Logger(std::unique_ptr<Sink> sink, Level min_level, const Clock& clock = SystemClock());

  void Log(Level level, std::string_view event, std::vector<Field> fields = {});
  bool Enabled(Level level) const { return level >= min_level_; }
  void SetLevel(Level level) { min_level_ = level; }
  Sink& GetSink() { return *sink_; }

 private:
  std::mutex mutex_;
  std::unique_ptr<Sink> sink_;
  Level min_level_;
  const Clock* clock_;
};

// The process-wide logger. main() installs one; until then records go to
// stderr at Info.
Logger& Default();
// Replaces the process-wide logger and returns the previous one.
std::unique_ptr<Logger> Install(std::unique_ptr<Logger> logger);

// Installs a MemorySink for the lifetime of the object and restores the
// previous logger afterwards.
class ScopedCapture {
 public:
  explicit ScopedCapture(Level min_level = Level::kDebug, const Clock& clock = SystemClock());
  ~ScopedCapture();
  ScopedCapture(const ScopedCapture&) = delete;
  ScopedCapture& operator=(const ScopedCapture&) = delete;

  std::vector<Record> Records() const { return sink_->Records(); }

 private:
  MemorySink* sink_;
  std::unique_ptr<Logger> previous_;
};

inline void Debug(std::string_view event, std::vector<Field> fields = {}) {
  Default().Log(Level::kDebug, event, std::move(fields));
}
inline void Info(std::string_view event, std::vector<Field> fields = {}) {
  Default().Log(Level::kInfo, event, std::move(fields));
}
inline void Warn(std::string_view event, std::vector<Field> fields = {}) {
  Default().Log(Level::kWarn, event, std::move(fields));
}
inline void Error(std::string_view event, std::vector<Field> fields = {}) {
  Default().Log(Level::kError, event, std::move(fields));
}

}  // namespace kiosk::core::log
