#include "kiosk/core/config.h"

#include <fstream>
#include <sstream>

// toml++ stays inside this file: it throws, and its headers are heavy.
#include <toml++/toml.h>

namespace kiosk::core::config {

struct Document::Impl {
  toml::table root;
};

namespace {

const toml::table* AsTable(const void* p) { return static_cast<const toml::table*>(p); }
const toml::node* AsNode(const void* p) { return static_cast<const toml::node*>(p); }

std::string TypeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    default:
      return "a date or time";
  }
}

std::string Quoted(std::string_view key) {
  // Keys needing quotes in TOML get them in messages too.
  for (char c : key) {
    const bool bare = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-';
    if (!bare) return "\"" + std::string(key) + "\"";
  }
  return std::string(key);
}

}  // namespace

Document::Document() : impl_(std::make_unique<Impl>()) {}
Document::~Document() = default;
Document::Document(Document&&) noexcept = default;
Document& Document::operator=(Document&&) noexcept = default;

Expected<Document> Document::Parse(std::string_view text, std::string source_name) {
  Document doc;
  doc.source_name_ = std::move(source_name);
  try {
    doc.impl_->root = toml::parse(text, std::string_view(doc.source_name_));
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    std::ostringstream message;
    message << doc.source_name_ << ":" << where.line << ":" << where.column << ": "
            << e.description();
    return Error::NeedsPerson("config.syntax", message.str());
  }
  return doc;
}

Expected<Document> Document::Load(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error::NeedsPerson("config.unreadable", "cannot open " + path.string());
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Error::NeedsPerson("config.unreadable", "cannot read " + path.string());
  return Parse(text.str(), path.string());
}

namespace {
// Copies `from` into `into`: tables merge key by key, anything else replaces.
void MergeInto(toml::table& into, const toml::table& from) {
  for (const auto& [key, node] : from) {
    auto* existing = into.get(key);
    if (existing != nullptr && existing->is_table() && node.is_table()) {
      MergeInto(*existing->as_table(), *node.as_table());
    } else {
      into.insert_or_assign(key, node);
    }
  }
}
}  // namespace

Expected<Document> Document::LoadAll(const std::vector<std::filesystem::path>& paths) {
  if (paths.empty()) return Error::Fatal("config.none", "no configuration file");
  KIOSK_ASSIGN_OR_RETURN(Document merged, Load(paths.front()));
  for (std::size_t i = 1; i < paths.size(); ++i) {
    KIOSK_ASSIGN_OR_RETURN(const Document next, Load(paths[i]));
    MergeInto(merged.impl_->root, next.impl_->root);
    merged.source_name_ += "+" + paths[i].string();
  }
  return merged;
}

// ---- Section ----

const void* Section::Node(std::string_view key) const {
  if (table_ == nullptr) return nullptr;
  return AsTable(table_)->get(key);
}

std::string Section::Path(std::string_view key) const {
  return path_.empty() ? Quoted(key) : path_ + "." + Quoted(key);
}

void Section::Problem(std::string_view key, const std::string& message) {
  const void* node = Node(key);
  reader_->AddProblem(reader_->Where(node != nullptr ? node : table_) + Path(key) + ": " + message);
}

bool Section::Has(std::string_view key) const { return Node(key) != nullptr; }

void Section::Require(std::string_view key) {
  reader_->MarkKnown(Path(key));
  if (!Has(key)) Problem(key, "is required");
}

void Section::Read(std::string_view key, std::string& out) {
  reader_->MarkKnown(Path(key));
  const auto* node = AsNode(Node(key));
  if (node == nullptr) return;
  if (const auto* v = node->as_string()) {
    out = v->get();
  } else {
    Problem(key, "must be a string, got " + TypeName(*node));
  }
}

void Section::Read(std::string_view key, bool& out) {
  reader_->MarkKnown(Path(key));
  const auto* node = AsNode(Node(key));
  if (node == nullptr) return;
  if (const auto* v = node->as_boolean()) {
    out = v->get();
  } else {
    Problem(key, "must be true or false, got " + TypeName(*node));
  }
}

void Section::Read(std::string_view key, std::vector<std::string>& out) {
  reader_->MarkKnown(Path(key));
  const auto* node = AsNode(Node(key));
  if (node == nullptr) return;
  const auto* array = node->as_array();
  if (array == nullptr) {
    Problem(key, "must be an array of strings, got " + TypeName(*node));
    return;
  }
  std::vector<std::string> values;
  for (const auto& element : *array) {
    const auto* s = element.as_string();
    if (s == nullptr) {
      Problem(key, "must be an array of strings, has " + TypeName(element));
      return;
    }
    values.push_back(s->get());
  }
  out = std::move(values);
}

void Section::Read(std::string_view key, double& out, double min, double max) {
  reader_->MarkKnown(Path(key));
  const auto* node = AsNode(Node(key));
  if (node == nullptr) return;
  double value = 0;
  if (const auto* f = node->as_floating_point()) {
    value = f->get();
  } else if (const auto* i = node->as_integer()) {
    value = static_cast<double>(i->get());
  } else {
    Problem(key, "must be a number, got " + TypeName(*node));
    return;
  }
  if (!(value >= min && value <= max)) {
    std::ostringstream message;
    message << "must be between " << min << " and " << max << ", got " << value;
    Problem(key, message.str());
    return;
  }
  out = value;
}

bool Section::ReadInteger(std::string_view key, std::int64_t& out, std::int64_t min,
                          std::int64_t max) {
  reader_->MarkKnown(Path(key));
  const auto* node = AsNode(Node(key));
  if (node == nullptr) return false;
  const auto* v = node->as_integer();
  if (v == nullptr) {
    Problem(key, "must be an integer, got " + TypeName(*node));
    return false;
  }
  const std::int64_t value = v->get();
  if (value < min || value > max) {
    Problem(key, "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                     ", got " + std::to_string(value));
    return false;
  }
  out = value;
  return true;
}

void Section::ReadOneOf(std::string_view key, std::string& out,
                        std::initializer_list<std::string_view> allowed) {
  std::string value = out;
  const std::size_t problems_before = reader_->problems_.size();
  Read(key, value);
  if (reader_->problems_.size() != problems_before) return;
  for (auto candidate : allowed) {
    if (value == candidate) {
      out = value;
      return;
    }
  }
  std::string list;
  for (auto candidate : allowed) {
    if (!list.empty()) list += ", ";
    list += "\"" + std::string(candidate) + "\"";
  }
  Problem(key, "must be one of " + list + ", got \"" + value + "\"");
}

void Section::Check(bool ok, std::string_view key, std::string_view message) {
  if (!ok) Problem(key, std::string(message));
}

std::vector<std::string> Section::Keys() const {
  std::vector<std::string> keys;
  if (table_ == nullptr) return keys;
  for (const auto& [k, v] : *AsTable(table_)) keys.emplace_back(k.str());
  return keys;
}

Section Section::Table(std::string_view key) {
  reader_->MarkKnown(Path(key));
  const auto* node = AsNode(Node(key));
  if (node != nullptr && !node->is_table()) {
    Problem(key, "must be a table, got " + TypeName(*node));
    return {reader_, nullptr, Path(key)};
  }
  return {reader_, node != nullptr ? node->as_table() : nullptr, Path(key)};
}

std::vector<Section> Section::TableArray(std::string_view key) {
  reader_->MarkKnown(Path(key));
  std::vector<Section> sections;
  const auto* node = AsNode(Node(key));
  if (node == nullptr) return sections;
  const auto* array = node->as_array();
  if (array == nullptr || !array->is_array_of_tables()) {
    Problem(key,
            "must be an array of tables ([[" + std::string(key) + "]]), got " + TypeName(*node));
    return sections;
  }
  for (std::size_t i = 0; i < array->size(); ++i) {
    const std::string path = Path(key) + "[" + std::to_string(i) + "]";
    reader_->MarkKnown(path);
    sections.push_back(Section(reader_, (*array)[i].as_table(), path));
  }
  return sections;
}

// ---- Reader ----

Reader::Reader(const Document& doc) : doc_(doc) {}

Section Reader::Root() { return {this, &doc_.GetImpl().root, ""}; }

std::string Reader::Where(const void* node) const {
  std::string where = doc_.SourceName();
  if (node != nullptr) {
    const auto& source = AsNode(node)->source();
    const auto& begin = source.begin;
    if (source.path) where = *source.path;
    if (begin.line > 0) {
      where += ":" + std::to_string(begin.line) + ":" + std::to_string(begin.column);
    }
  }
  return where + ": ";
}

namespace {
// The position of the key itself, which is where an editor should jump.
std::string KeyLocation(const std::string& file, const toml::key& key) {
  const auto& begin = key.source().begin;
  const std::string& name = key.source().path ? *key.source().path : file;
  if (begin.line == 0) return name + ": ";
  return name + ":" + std::to_string(begin.line) + ":" + std::to_string(begin.column) + ": ";
}
}  // namespace

Status Reader::Finish() {
  auto KeyWhere = [&](const toml::key& key) { return KeyLocation(doc_.SourceName(), key); };
  // Walk the whole document for keys nobody asked for: a typo in a key must
  // not silently leave a default in place.
  std::vector<std::string> unknown;
  auto walk = [&](auto&& self, const toml::table& table, const std::string& prefix) -> void {
    for (const auto& [k, node] : table) {
      const std::string path = prefix.empty() ? Quoted(k.str()) : prefix + "." + Quoted(k.str());
      if (!known_.contains(path)) {
        unknown.push_back(KeyWhere(k) + path + ": unknown key");
      } else if (const auto* sub = node.as_table()) {
        self(self, *sub, path);
      } else if (const auto* array = node.as_array(); array && array->is_array_of_tables()) {
        for (std::size_t i = 0; i < array->size(); ++i) {
          self(self, *(*array)[i].as_table(), path + "[" + std::to_string(i) + "]");
        }
      }
    }
  };
  walk(walk, doc_.GetImpl().root, "");

  std::vector<std::string> all = problems_;
  all.insert(all.end(), unknown.begin(), unknown.end());
  if (all.empty()) return Ok();
  std::string message;
  for (const auto& problem : all) {
    if (!message.empty()) message += "\n";
    message += problem;
  }
  return Error::NeedsPerson("config.invalid", message);
}

}  // namespace kiosk::core::config
