#include "kiosk/core/log.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace kiosk::core::log {
namespace {

bool NeedsQuoting(std::string_view text) {
  if (text.empty()) return true;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f) return true;
  }
  return false;
}

void AppendQuoted(std::string& out, std::string_view text) {
  out += '"';
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

int SyslogPriority(Level level) {
  switch (level) {
    case Level::kDebug:
      return LOG_DEBUG;
    case Level::kInfo:
      return LOG_INFO;
    case Level::kWarn:
      return LOG_WARNING;
    case Level::kError:
      return LOG_ERR;
  }
  return LOG_INFO;
}

}  // namespace

const char* ToString(Level level) {
  switch (level) {
    case Level::kDebug:
      return "DEBUG";
    case Level::kInfo:
      return "INFO";
    case Level::kWarn:
      return "WARN";
    case Level::kError:
      return "ERROR";
  }
  return "?";
}

Expected<Level> ParseLevel(std::string_view text) {
  if (text == "debug") return Level::kDebug;
  if (text == "info") return Level::kInfo;
  if (text == "warn" || text == "warning") return Level::kWarn;
  if (text == "error") return Level::kError;
  return core::Error::NeedsPerson("log.bad_level",
                                  "log level must be one of debug, info, "
                                  "warn, error; got '" +
                                      std::string(text) + "'");
}

std::string Field::ValueText() const {
  return std::visit(
      [](const auto& v) -> std::string {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::string>) {
          return v;
        } else if constexpr (std::is_same_v<V, bool>) {
          return v ? "true" : "false";
        } else if constexpr (std::is_same_v<V, double>) {
          char buf[32];
          std::snprintf(buf, sizeof buf, "%.6g", v);
          return buf;
        } else {
          return std::to_string(v);
        }
      },
      value_);
}

std::string FormatLine(const Record& record) {
  std::string line = ToString(record.level);
  line += ' ';
  line += record.event;
  for (const auto& field : record.fields) {
    line += ' ';
    line += field.Key();
    line += '=';
    std::string value = field.ValueText();
    if (std::holds_alternative<std::string>(field.GetValue()) && NeedsQuoting(value)) {
      AppendQuoted(line, value);
    } else {
      line += value;
    }
  }
  return line;
}

void StderrSink::Write(const Record& record) {
  std::string line = FormatRfc3339(record.time);
  line += ' ';
  line += FormatLine(record);
  line += '\n';
  // One write so that lines from several threads or processes do not interleave.
  [[maybe_unused]] ssize_t written = ::write(STDERR_FILENO, line.data(), line.size());
}

std::string JournalFieldName(std::string_view key) {
  std::string name;
  for (char c : key) {
    if (c >= 'a' && c <= 'z') {
      name += static_cast<char>(c - 'a' + 'A');
    } else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      name += c;
    } else {
      name += '_';
    }
  }
  while (!name.empty() && name.front() == '_') name.erase(name.begin());
  if (name.empty() || (name.front() >= '0' && name.front() <= '9')) name.insert(0, "F_");
  // journald limits field names to 64 characters.
  if (name.size() > 64) name.resize(64);
  return name;
}

namespace {
void AppendJournalField(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  if (value.find('\n') == std::string_view::npos) {
    out += '=';
    out += value;
  } else {
    // NAME \n <64-bit little-endian length> value
    out += '\n';
    std::uint64_t length = value.size();
    for (int i = 0; i < 8; ++i) {
      out += static_cast<char>(length & 0xff);
      length >>= 8;
    }
    out += value;
  }
  out += '\n';
}
}  // namespace

std::string EncodeJournalEntry(const Record& record, std::string_view identifier) {
  std::string out;
  AppendJournalField(out, "MESSAGE", FormatLine(record));
  AppendJournalField(out, "PRIORITY", std::to_string(SyslogPriority(record.level)));
  AppendJournalField(out, "SYSLOG_IDENTIFIER", identifier);
  AppendJournalField(out, "KIOSK_EVENT", record.event);
  for (const auto& field : record.fields) {
    AppendJournalField(out, JournalFieldName(field.Key()), field.ValueText());
  }
  return out;
}

JournalSink::JournalSink(std::string identifier, std::string socket_path)
    : identifier_(std::move(identifier)), socket_path_(std::move(socket_path)) {
  fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
}

JournalSink::~JournalSink() {
  if (fd_ >= 0) ::close(fd_);
}

void JournalSink::Write(const Record& record) {
  const std::string entry = EncodeJournalEntry(record, identifier_);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  bool sent = false;
  if (fd_ >= 0 && socket_path_.size() < sizeof addr.sun_path) {
    std::memcpy(addr.sun_path, socket_path_.c_str(), socket_path_.size() + 1);
    sent = ::sendto(fd_, entry.data(), entry.size(), MSG_NOSIGNAL,
                    reinterpret_cast<const sockaddr*>(&addr),
                    sizeof addr) == static_cast<ssize_t>(entry.size());
  }
  // Entries too large for one datagram, or no journal: keep the line anyway.
  if (!sent) fallback_.Write(record);
}

void MemorySink::Write(const Record& record) {
  std::lock_guard lock(mutex_);
  records_.push_back(record);
}

std::vector<Record> MemorySink::Records() const {
  std::lock_guard lock(mutex_);
  return records_;
}

void MemorySink::Clear() {
  std::lock_guard lock(mutex_);
  records_.clear();
}

bool StderrIsJournal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  std::uintmax_t dev = 0;
  std::uintmax_t ino = 0;
  if (std::sscanf(stream, "%" SCNuMAX ":%" SCNuMAX, &dev, &ino) != 2) return false;
  struct stat st {};
  if (::fstat(STDERR_FILENO, &st) != 0) return false;
  return static_cast<std::uintmax_t>(st.st_dev) == dev &&
         static_cast<std::uintmax_t>(st.st_ino) == ino;
}

std::unique_ptr<Sink> SinkForEnvironment(std::string identifier) {
  if (StderrIsJournal()) return std::make_unique<JournalSink>(std::move(identifier));
  return std::make_unique<StderrSink>();
}

Logger::Logger(std::unique_ptr<Sink> sink, Level min_level, const Clock& clock)
    : sink_(std::move(sink)), min_level_(min_level), clock_(&clock) {}

void Logger::Log(Level level, std::string_view event, std::vector<Field> fields) {
  if (!Enabled(level)) return;
  Record record{clock_->Now(), level, std::string(event), std::move(fields)};
  std::lock_guard lock(mutex_);
  sink_->Write(record);
}

namespace {
std::unique_ptr<Logger>& DefaultSlot() {
  static std::unique_ptr<Logger> slot;
  return slot;
}
}  // namespace

Logger& Default() {
  auto& slot = DefaultSlot();
  if (!slot) slot = std::make_unique<Logger>(std::make_unique<StderrSink>(), Level::kInfo);
  return *slot;
}

std::unique_ptr<Logger> Install(std::unique_ptr<Logger> logger) {
  auto& slot = DefaultSlot();
  std::swap(slot, logger);
  return logger;
}

ScopedCapture::ScopedCapture(Level min_level, const Clock& clock) {
  auto sink = std::make_unique<MemorySink>();
  sink_ = sink.get();
  previous_ = Install(std::make_unique<Logger>(std::move(sink), min_level, clock));
}

ScopedCapture::~ScopedCapture() { Install(std::move(previous_)); }

}  // namespace kiosk::core::log
