#pragma once

// Typed configuration from TOML. Each program declares one struct with its
// defaults in code and a function that reads it through a Reader:
//
//   Expected<AgentConfig> ReadAgentConfig(const config::Document& doc) {
//     AgentConfig c;
//     config::Reader reader(doc);
//     auto net = reader.Table("network");
//     net.Read("heartbeat_seconds", c.heartbeat_seconds, 5, 3600);
//     KIOSK_TRY(reader.Finish());  // bad values and unknown keys, with file:line
//     return c;
//   }
//
// Every problem is collected, then reported together: "kiosk.toml:4:1:
// network.heartbeat_seconds: must be between 5 and 3600, got 0".

#include <concepts>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/error.h"

namespace kiosk::core::config {

// A parsed TOML document and the name of the file it came from.
class Document {
 public:
  static Expected<Document> Parse(std::string_view text, std::string source_name);
  static Expected<Document> Load(const std::filesystem::path& path);
  // Several files read as one, later ones overriding earlier ones key by key:
  // a program's own settings, then what kiosk-provision wrote. Problems name
  // the file each key came from.
  static Expected<Document> LoadAll(const std::vector<std::filesystem::path>& paths);

  ~Document();
  Document(Document&&) noexcept;
  Document& operator=(Document&&) noexcept;

  const std::string& SourceName() const { return source_name_; }

  struct Impl;
  const Impl& GetImpl() const { return *impl_; }

 private:
  Document();
  std::unique_ptr<Impl> impl_;
  std::string source_name_;
};

class Reader;

// One table of the document. Reading a key marks it as known; a key that is
// absent leaves the output at its default.
class Section {
 public:
  bool Has(std::string_view key) const;
  // Records an error if the key is absent.
  void Require(std::string_view key);

  void Read(std::string_view key, std::string& out);
  void Read(std::string_view key, bool& out);
  void Read(std::string_view key, std::vector<std::string>& out);
  void Read(std::string_view key, double& out, double min, double max);
  template <std::integral T>
  requires(!std::same_as<T, bool>) void Read(std::string_view key, T& out, T min, T max) {
    std::int64_t value = static_cast<std::int64_t>(out);
    if (ReadInteger(key, value, static_cast<std::int64_t>(min), static_cast<std::int64_t>(max))) {
      out = static_cast<T>(value);
    }
  }
  // A string that must be one of `allowed`.
  void ReadOneOf(std::string_view key, std::string& out,
                 std::initializer_list<std::string_view> allowed);

  // Records `message` against `key` (at its line) unless `ok`: for rules
  // that involve several keys or a format.
  void Check(bool ok, std::string_view key, std::string_view message);

  // The keys of this table, for tables whose keys are data (a procedure
  // code to a number of days); reading them marks them known.
  std::vector<std::string> Keys() const;

  // A nested table; absent tables read as empty.
  Section Table(std::string_view key);
  // The tables of an array of tables ([[key]]); empty when absent.
  std::vector<Section> TableArray(std::string_view key);

 private:
  friend class Reader;
  Section(Reader* reader, const void* table, std::string path)
      : reader_(reader), table_(table), path_(std::move(path)) {}
  bool ReadInteger(std::string_view key, std::int64_t& out, std::int64_t min, std::int64_t max);
  const void* Node(std::string_view key) const;
  std::string Path(std::string_view key) const;
  void Problem(std::string_view key, const std::string& message);

  Reader* reader_;
  const void* table_;  // const toml::table*, or null when the table is absent
  std::string path_;
};

class Reader {
 public:
  explicit Reader(const Document& doc);

  Section Root();
  Section Table(std::string_view key) { return Root().Table(key); }

  // Fails with "config.invalid" listing every bad value and every key that
  // no Read() asked for, each with file, line and column.
  Status Finish();

 private:
  friend class Section;
  void MarkKnown(std::string path) { known_.insert(std::move(path)); }
  void AddProblem(std::string problem) { problems_.push_back(std::move(problem)); }
  std::string Where(const void* node) const;

  const Document& doc_;
  std::set<std::string> known_;
  std::vector<std::string> problems_;
};

}  // namespace kiosk::core::config
