#pragma once

// A config type written by the function that reads it. A program's config
// reads through a schema function templated on its section type:
//
//   template <class S> void Schema(S& root, AppConfig& c) {
//     auto site = root.Table("site");
//     site.Read("agency_code", c.agency_code);
//     ...
//   }
//
// Run with a config::Reader's root it reads files; run with a Recorder's, each
// Read records the field's current value instead. Recording a config and its
// defaults and writing the difference gives the TOML a provisioning tool
// leaves for the program: only what differs from the packaged defaults, in
// the schema's order, read back to the same values. One schema, no second
// copy of the keys.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::core::config {

// A TOML basic string: quoted, with quotes, backslashes and control
// characters escaped.
std::string QuoteToml(std::string_view text);

class Recorder {
 public:
  class Section {
   public:
    void Read(std::string_view key, const std::string& value);
    void Read(std::string_view key, const bool& value);
    void Read(std::string_view key, const std::vector<std::string>& value);
    void Read(std::string_view key, const double& value, double, double);
    template <class T>
    void Read(std::string_view key, const T& value, T, T) {
      Record(key, std::to_string(static_cast<std::int64_t>(value)));
    }
    void ReadOneOf(std::string_view key, const std::string& value,
                   std::initializer_list<std::string_view>) {
      Read(key, value);
    }
    void Require(std::string_view) {}
    void Check(bool, std::string_view, std::string_view) {}
    Section Table(std::string_view key) const;

   private:
    friend class Recorder;
    Section(Recorder* recorder, std::string path) : recorder_(recorder), path_(std::move(path)) {}
    void Record(std::string_view key, std::string toml);
    Recorder* recorder_;
    std::string path_;
  };

  Section Root() { return Section(this, ""); }
  Section Table(std::string_view key) { return Root().Table(key); }

  // TOML of every key whose recorded value differs from `base`'s (recorded
  // by the same schema), grouped by table in the order first recorded.
  std::string Difference(const Recorder& base) const;

 private:
  struct Entry {
    std::string table;  // "" for the root, "a.b" when nested
    std::string key;
    std::string toml;
  };
  std::vector<Entry> entries_;
};

}  // namespace kiosk::core::config
