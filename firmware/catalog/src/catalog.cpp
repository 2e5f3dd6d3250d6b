#include "kiosk/catalog/catalog.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "kiosk/core/config.h"
#include "kiosk/core/text.h"

namespace kiosk::catalog {

namespace cfg = core::config;

const char* ToString(FieldType type) {
  switch (type) {
    case FieldType::kText:
      return "text";
    case FieldType::kDate:
      return "date";
    case FieldType::kNumber:
      return "number";
    case FieldType::kPhone:
      return "phone";
    case FieldType::kIdNumber:
      return "id_number";
    case FieldType::kChoice:
      return "choice";
  }
  return "?";
}

const char* ToString(PageMode mode) {
  switch (mode) {
    case PageMode::kColor:
      return "color";
    case PageMode::kGray:
      return "gray";
    case PageMode::kPerPage:
      return "per-page";
  }
  return "?";
}

core::Expected<void> CheckScannedPage(const PageFormat& format, int dpi, bool color) {
  if (dpi < format.min_dpi) {
    return core::Error::NeedsPerson(
        "scan.low_resolution", "a page scanned at " + std::to_string(dpi) + " dpi; " + format.rule +
                                   " asks for " + std::to_string(format.min_dpi));
  }
  if (format.mode == PageMode::kColor && !color) {
    return core::Error::NeedsPerson("scan.not_color",
                                    "a page scanned in grey; " + format.rule + " asks for colour");
  }
  return core::Ok();
}

const FormField* Procedure::Field(std::string_view id) const {
  for (const auto& f : form) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

std::vector<Text> CounterTasks(const Procedure& procedure) {
  std::vector<Text> tasks;
  for (const auto& paper : procedure.papers) {
    if (paper.scan) continue;
    tasks.push_back({"Mang theo và xuất trình cho cán bộ: " + paper.name.vi,
                     "Bring and show the officer: " + paper.name.en});
  }
  tasks.insert(tasks.end(), procedure.at_counter.begin(), procedure.at_counter.end());
  return tasks;
}

bool HasCounterStep(const Procedure& procedure) {
  return !procedure.at_counter.empty() ||
         std::any_of(procedure.papers.begin(), procedure.papers.end(),
                     [](const Paper& p) { return !p.scan; });
}

const Procedure* Catalog::Find(std::string_view code) const {
  for (const auto& p : procedures_) {
    if (p.code == code) return &p;
  }
  return nullptr;
}

namespace {

Text ReadText(cfg::Section& s, std::string_view key) {
  Text t;
  auto table = s.Table(key);
  table.Require("vi");
  table.Require("en");
  table.Read("vi", t.vi);
  table.Read("en", t.en);
  return t;
}

// An array of texts in both languages: `key = [{ vi = "...", en = "..." }]`.
std::vector<Text> ReadTexts(cfg::Section& s, std::string_view key) {
  std::vector<Text> texts;
  for (auto& item : s.TableArray(key)) {
    Text t;
    item.Require("vi");
    item.Require("en");
    item.Read("vi", t.vi);
    item.Read("en", t.en);
    texts.push_back(std::move(t));
  }
  return texts;
}

std::optional<Day> ReadDay(cfg::Section& s, std::string_view key) {
  if (!s.Has(key)) return std::nullopt;
  std::string text;
  s.Read(key, text);
  auto day = ParseDay(text);
  s.Check(day.HasValue(), key, "must be a day YYYY-MM-DD");
  if (!day) return std::nullopt;
  return *day;
}

FieldType ParseFieldType(std::string_view name) {
  for (auto type : {FieldType::kText, FieldType::kDate, FieldType::kNumber, FieldType::kPhone,
                    FieldType::kIdNumber, FieldType::kChoice}) {
    if (name == ToString(type)) return type;
  }
  return FieldType::kText;  // ReadOneOf has reported the bad name
}

FormField ReadField(cfg::Section& s) {
  FormField f;
  s.Require("id");
  s.Read("id", f.id);
  f.label = ReadText(s, "label");
  std::string type = "text";
  s.ReadOneOf("type", type, {"text", "date", "number", "phone", "id_number", "choice"});
  f.type = ParseFieldType(type);
  s.Read("required", f.required);
  s.Read("max_length", f.max_length, 1, 2000);
  s.Read("min", f.min, std::int64_t{0}, std::int64_t{1'000'000'000});
  s.Read("max", f.max, std::int64_t{0}, std::int64_t{1'000'000'000});
  s.Read("not_in_future", f.not_in_future);
  s.Read("recent_days", f.recent_days, 0, 31);
  s.Check(f.recent_days == 0 || f.type == FieldType::kDate, "recent_days", "only a date has them");
  s.Read("default", f.default_value);
  if (s.Has("card_source")) {
    s.Read("card_source", f.card_source);
    s.Check(
        std::find(kCardSources.begin(), kCardSources.end(), f.card_source) != kCardSources.end(),
        "card_source", "not a field of the card: " + f.card_source);
  }
  s.Read("card_choices", f.card_choices);
  for (const auto& source : f.card_choices) {
    s.Check(std::find(kCardSources.begin(), kCardSources.end(), source) != kCardSources.end(),
            "card_choices", "not a field of the card: " + source);
  }
  for (auto& c : s.TableArray("choice")) {
    Choice choice;
    c.Require("value");
    c.Read("value", choice.value);
    choice.label = ReadText(c, "label");
    f.choices.push_back(std::move(choice));
  }
  s.ReadOneOf("choices_from", f.choices_from, {"", "health_facilities"});
  s.Read("allow_other", f.allow_other);
  s.Check(f.type != FieldType::kChoice || !f.choices.empty() || !f.choices_from.empty(), "choice",
          "a choice field needs [[...choice]] entries or choices_from");
  s.Check(f.type == FieldType::kChoice || (f.choices_from.empty() && !f.allow_other), "allow_other",
          "only a choice field has choices");
  s.Check(f.type != FieldType::kNumber || f.max >= f.min, "max", "must be at least min");
  return f;
}

FeeRule ReadFee(cfg::Section& s) {
  FeeRule fee;
  s.Require("code");
  s.Read("code", fee.code);
  fee.label = ReadText(s, "label");
  s.Require("amount");
  s.Read("amount", fee.amount_vnd, std::int64_t{0}, std::int64_t{100'000'000});
  s.ReadOneOf("per", fee.per, {"case", "copy", "page", "person"});
  s.Read("quantity_field", fee.quantity_field);
  s.Read("next_from", fee.next_from, 0, 1000);
  s.Read("next_amount", fee.next_amount_vnd, std::int64_t{0}, std::int64_t{100'000'000});
  s.Read("cap", fee.cap_vnd, std::int64_t{0}, std::int64_t{100'000'000});
  s.Read("applies_if_field", fee.applies_if_field);
  s.Read("applies_if_value", fee.applies_if_value);
  s.Read("exempt_if_field", fee.exempt_if_field);
  s.Read("province", fee.province);
  s.Require("from");
  fee.effective_from = ReadDay(s, "from").value_or(Day{});
  fee.effective_to = ReadDay(s, "to");
  s.Require("source");
  s.Read("source", fee.source);
  return fee;
}

// [scanning] or [procedure.scanning]: over `inherited`.
PageFormat ReadPageFormat(cfg::Section& s, const PageFormat& inherited) {
  PageFormat format = inherited;
  if (!s.Has("scanning")) return format;
  auto t = s.Table("scanning");
  std::string mode = ToString(format.mode);
  t.ReadOneOf("mode", mode, {"color", "gray", "per-page"});
  format.mode = mode == "color"  ? PageMode::kColor
                : mode == "gray" ? PageMode::kGray
                                 : PageMode::kPerPage;
  t.Read("min_dpi", format.min_dpi, 100, 600);
  // A format of its own says which rule it follows.
  t.Require("rule");
  t.Read("rule", format.rule);
  return format;
}

Procedure ReadProcedure(cfg::Section& s, const PageFormat& catalog_format) {
  Procedure p;
  s.Require("code");
  s.Read("code", p.code);
  s.Check(p.code.size() == 8 && p.code[1] == '.', "code", "must be a national code like 1.001193");
  s.Require("version");
  s.Read("version", p.version);
  p.name = ReadText(s, "name");
  s.Require("category");
  s.Read("category", p.category);
  s.ReadOneOf("level", p.level, {"commune", "district", "province"});
  p.agency = ReadText(s, "agency");
  s.Read("keywords", p.keywords);
  s.Read("exemptions", p.exemptions);
  s.Read("pay_at_counter", p.pay_at_counter);
  auto limit = s.Table("time_limit");
  // Exactly one unit: "03 ngày làm việc" or "30 ngày".
  const bool working = limit.Has("working_days");
  const bool calendar = limit.Has("calendar_days");
  limit.Check(working != calendar, "working_days",
              "a time limit has working_days or calendar_days, not both or neither");
  if (working) limit.Read("working_days", p.time_limit.days, 0, 60);
  if (calendar) limit.Read("calendar_days", p.time_limit.days, 0, 365);
  p.time_limit.calendar_days = calendar;
  limit.Read("cutoff_hour", p.time_limit.cutoff_hour, 0, 23);
  p.time_limit.text = ReadText(limit, "text");
  for (auto& paper_section : s.TableArray("paper")) {
    Paper paper;
    paper_section.Require("code");
    paper_section.Read("code", paper.code);
    paper.name = ReadText(paper_section, "name");
    paper_section.Read("required", paper.required);
    paper_section.Read("scan", paper.scan);
    p.papers.push_back(std::move(paper));
  }
  for (auto& fee : s.TableArray("fee")) p.fees.push_back(ReadFee(fee));
  for (auto& field : s.TableArray("field")) p.form.push_back(ReadField(field));
  p.at_counter = ReadTexts(s, "at_counter");
  p.bring = ReadTexts(s, "bring");
  p.page_format = ReadPageFormat(s, catalog_format);

  std::set<std::string> ids;
  for (const auto& f : p.form) {
    s.Check(ids.insert(f.id).second, "field", "duplicate field id " + f.id);
  }
  for (const auto& fee : p.fees) {
    if (!fee.quantity_field.empty()) {
      s.Check(p.Field(fee.quantity_field) != nullptr, "fee",
              "fee " + fee.code + " counts unknown field " + fee.quantity_field);
    }
    if (!fee.applies_if_field.empty()) {
      s.Check(p.Field(fee.applies_if_field) != nullptr, "fee",
              "fee " + fee.code + " depends on unknown field " + fee.applies_if_field);
    }
    if (!fee.exempt_if_field.empty()) {
      s.Check(p.Field(fee.exempt_if_field) != nullptr, "fee",
              "fee " + fee.code + " is waived by unknown field " + fee.exempt_if_field);
    }
  }
  return p;
}

}  // namespace

core::Expected<Catalog> Catalog::Parse(std::string_view toml, const std::string& source_name) {
  KIOSK_ASSIGN_OR_RETURN(auto doc, cfg::Document::Parse(toml, source_name));
  cfg::Reader reader(doc);
  auto root = reader.Root();
  Catalog catalog;
  root.Require("version");
  root.Read("version", catalog.version_);
  const PageFormat page_format = ReadPageFormat(root, PageFormat{});
  for (auto& c : root.TableArray("category")) {
    Category category;
    c.Require("id");
    c.Read("id", category.id);
    category.name = ReadText(c, "name");
    catalog.categories_.push_back(std::move(category));
  }
  std::set<std::string> codes;
  for (auto& p : root.TableArray("procedure")) {
    auto procedure = ReadProcedure(p, page_format);
    p.Check(codes.insert(procedure.code).second, "code", "duplicate procedure " + procedure.code);
    const bool known_category =
        std::any_of(catalog.categories_.begin(), catalog.categories_.end(),
                    [&](const Category& c) { return c.id == procedure.category; });
    p.Check(known_category, "category", "unknown category " + procedure.category);
    catalog.procedures_.push_back(std::move(procedure));
  }
  KIOSK_TRY(reader.Finish());
  catalog.IndexForSearch();
  return catalog;
}

PageFormat Catalog::StrictestPageFormat() const {
  PageFormat strictest{PageMode::kPerPage, 0, ""};
  for (const auto& p : procedures_) {
    if (p.page_format.min_dpi > strictest.min_dpi) {
      strictest.min_dpi = p.page_format.min_dpi;
      if (strictest.mode != PageMode::kColor) strictest.rule = p.page_format.rule;
    }
    if (p.page_format.mode == PageMode::kColor && strictest.mode != PageMode::kColor) {
      strictest.mode = PageMode::kColor;
      strictest.rule = p.page_format.rule;
    }
  }
  return strictest;
}

core::Expected<Catalog> Catalog::Load(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::Error::NeedsPerson("catalog.unreadable", "cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path.string());
}

// ---- search ----

namespace {

std::string Fold(std::string_view text) {
  auto folded = core::FoldToAscii(text);
  std::string out = folded ? *folded : std::string(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string> Words(const std::string& folded) {
  std::vector<std::string> words;
  std::string word;
  for (char c : folded) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '.') {
      word += c;
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

bool AnyWordStartsWith(const std::vector<std::string>& words, const std::string& prefix) {
  return std::any_of(words.begin(), words.end(),
                     [&](const std::string& w) { return w.rfind(prefix, 0) == 0; });
}

}  // namespace

void Catalog::IndexForSearch() {
  search_words_.clear();
  for (const auto& p : procedures_) {
    SearchWords w;
    w.name = Words(Fold(p.name.vi));
    w.other = Words(Fold(p.name.en));
    for (const auto& k : p.keywords) {
      auto kw = Words(Fold(k));
      w.other.insert(w.other.end(), kw.begin(), kw.end());
    }
    for (const auto& word : w.name) w.name_joined += (w.name_joined.empty() ? "" : " ") + word;
    search_words_.push_back(std::move(w));
  }
}

namespace {

// Words a citizen adds around a procedure's name ("tôi muốn làm giấy khai
// sinh cho con"): they count when they match, and are skipped when not.
constexpr std::string_view kEverydayWords[] = {
    "lam", "xin",  "cap", "can", "muon", "toi", "cho", "cua",   "de", "o",  "dau", "the",
    "nao", "giay", "thu", "tuc", "va",   "voi", "mot", "nguoi", "la", "ve", "bao", "nhieu"};

bool Everyday(const std::string& term) {
  return std::find(std::begin(kEverydayWords), std::end(kEverydayWords), term) !=
         std::end(kEverydayWords);
}

// `a` and `b` differ by one letter replaced, added or dropped.
bool OneEditApart(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > 1) return false;
  std::size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (a.size() == b.size()) return i == a.size() || a.substr(i + 1) == b.substr(i + 1);
  return a.substr(i) == b.substr(i + 1);
}

// A word of the procedure starts with `term`, or with `term` one letter off
// (a slip of the finger: "khia" for "khai"); short terms must match exactly.
bool NearWordOf(const std::vector<std::string>& words, const std::string& term) {
  if (AnyWordStartsWith(words, term)) return true;
  if (term.size() < 4) return false;
  return std::any_of(words.begin(), words.end(), [&term](const std::string& word) {
    for (std::size_t len = term.size() - 1; len <= term.size() + 1 && len <= word.size(); ++len) {
      if (OneEditApart(term, std::string_view(word).substr(0, len))) return true;
    }
    return false;
  });
}

}  // namespace

std::vector<SearchHit> Search(const Catalog& catalog, std::string_view query,
                              std::string_view category) {
  const std::string q = Fold(core::TrimAscii(query));
  const auto terms = Words(q);
  std::vector<SearchHit> hits;
  if (terms.empty()) return hits;
  const std::string phrase = [&] {
    std::string joined;
    for (const auto& t : terms) joined += (joined.empty() ? "" : " ") + t;
    return joined;
  }();
  std::vector<SearchHit> closest;
  for (std::size_t i = 0; i < catalog.procedures_.size(); ++i) {
    const Procedure& p = catalog.procedures_[i];
    if (!category.empty() && p.category != category) continue;
    const auto& name_words = catalog.search_words_[i].name;
    const auto& other_words = catalog.search_words_[i].other;
    const std::string& name_joined = catalog.search_words_[i].name_joined;
    if (p.code == q) {
      hits.push_back({&p, 1000});
      continue;
    }
    int score = 0;
    int matched = 0;  // terms that matter, found
    int near = 0;     // terms that matter, a letter off
    bool all = true;  // every term that matters was found
    for (const auto& t : terms) {
      const bool everyday = Everyday(t);
      if (AnyWordStartsWith(name_words, t)) {
        score += 10;
        matched += everyday ? 0 : 1;
      } else if (AnyWordStartsWith(other_words, t)) {
        score += 4;
        matched += everyday ? 0 : 1;
      } else if (!everyday) {
        all = false;
        if (NearWordOf(name_words, t) || NearWordOf(other_words, t)) ++near;
      }
    }
    if (!all || matched == 0) {
      // Not a match: perhaps one of the closest.
      const int meaningful = matched + near;
      if (meaningful > 0) {
        closest.push_back({&p, 10 * meaningful - static_cast<int>(name_words.size()), true});
      }
      continue;
    }
    if (name_joined == phrase) {
      score += 100;
    } else if (name_joined.rfind(phrase, 0) == 0) {
      score += 50;
    } else if (name_joined.find(phrase) != std::string::npos) {
      score += 30;
    }
    // Shorter names are more specific for the same words.
    score -= static_cast<int>(name_words.size());
    hits.push_back({&p, score});
  }
  auto by_score = [](const SearchHit& a, const SearchHit& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.procedure->code < b.procedure->code;
  };
  if (hits.empty()) {
    std::stable_sort(closest.begin(), closest.end(), by_score);
    if (closest.size() > 5) closest.resize(5);
    return closest;
  }
  std::stable_sort(hits.begin(), hits.end(), by_score);
  return hits;
}

// ---- fees ----

namespace {

std::optional<std::string> Answer(const std::vector<std::pair<std::string, std::string>>& answers,
                                  const std::string& field) {
  for (const auto& [k, v] : answers) {
    if (k == field) return v;
  }
  return std::nullopt;
}

bool InForce(const FeeRule& rule, const Day& day) {
  using std::chrono::sys_days;
  if (sys_days{day} < sys_days{rule.effective_from}) return false;
  return !rule.effective_to || sys_days{day} <= sys_days{*rule.effective_to};
}

}  // namespace

std::vector<FeeLine> SelectFees(const Procedure& procedure, const Day& day,
                                std::string_view province,
                                const std::vector<std::pair<std::string, std::string>>& answers) {
  // For each code, the province's own rule in force wins over the general one.
  std::vector<std::string> order;
  std::map<std::string, const FeeRule*> chosen;
  for (const auto& rule : procedure.fees) {
    if (!InForce(rule, day)) continue;
    if (!rule.province.empty() && rule.province != province) continue;
    auto it = chosen.find(rule.code);
    if (it == chosen.end()) {
      order.push_back(rule.code);
      chosen[rule.code] = &rule;
    } else if (it->second->province.empty() && !rule.province.empty()) {
      it->second = &rule;
    }
  }
  std::vector<FeeLine> lines;
  for (const auto& code : order) {
    const FeeRule& rule = *chosen[code];
    if (!rule.applies_if_field.empty() &&
        Answer(answers, rule.applies_if_field).value_or("") != rule.applies_if_value) {
      continue;
    }
    if (!rule.exempt_if_field.empty()) {
      const auto claim = Answer(answers, rule.exempt_if_field).value_or("");
      if (!claim.empty() && claim != "none") continue;
    }
    std::int64_t quantity = 1;
    if (!rule.quantity_field.empty()) {
      const auto text = Answer(answers, rule.quantity_field).value_or("1");
      std::int64_t n = 0;
      const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
      quantity = (ec == std::errc{} && ptr == text.data() + text.size() && n >= 0) ? n : 1;
    }
    std::int64_t total = 0;
    if (rule.next_from > 0 && quantity >= rule.next_from) {
      total = rule.amount_vnd * (rule.next_from - 1) +
              rule.next_amount_vnd * (quantity - rule.next_from + 1);
    } else {
      total = rule.amount_vnd * quantity;
    }
    if (rule.cap_vnd > 0) total = std::min(total, rule.cap_vnd);
    if (total == 0) continue;
    lines.push_back({rule.code, rule.label, quantity, total, rule.source});
  }
  return lines;
}

std::int64_t TotalVnd(const std::vector<FeeLine>& lines) {
  std::int64_t total = 0;
  for (const auto& l : lines) total += l.amount_vnd;
  return total;
}

std::string FormatVnd(std::int64_t amount) {
  std::string digits = std::to_string(amount < 0 ? -amount : amount);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += '.';
    out += digits[i];
  }
  return (amount < 0 ? "-" : "") + out + " đ";
}

namespace {

const char* const kDigitWords[] = {"không", "một", "hai", "ba",  "bốn",
                                   "năm",   "sáu", "bảy", "tám", "chín"};

// Three digits; `full` spells a zero hundreds ("không trăm"), as every group
// after the first does.
std::string GroupInWords(int n, bool full) {
  const int hundreds = n / 100;
  const int tens = n / 10 % 10;
  const int units = n % 10;
  std::string out;
  if (full || hundreds > 0) out = std::string(kDigitWords[hundreds]) + " trăm";
  auto add = [&out](const std::string& word) { out += (out.empty() ? "" : " ") + word; };
  if (tens == 0) {
    if (units > 0 && !out.empty()) add("linh");
  } else if (tens == 1) {
    add("mười");
  } else {
    add(std::string(kDigitWords[tens]) + " mươi");
  }
  if (units > 0) {
    if (units == 1 && tens >= 2) {
      add("mốt");
    } else if (units == 5 && tens >= 1) {
      add("lăm");
    } else {
      add(kDigitWords[units]);
    }
  }
  return out;
}

}  // namespace

std::string VndInWords(std::int64_t amount) {
  if (amount < 0) return "Âm " + VndInWords(-amount);
  if (amount == 0) return "Không đồng";
  const char* const scales[] = {"", " nghìn", " triệu", " tỷ", " nghìn tỷ"};
  std::vector<int> groups;
  for (std::int64_t rest = amount; rest > 0 && groups.size() < 5; rest /= 1000) {
    groups.push_back(static_cast<int>(rest % 1000));
  }
  std::string out;
  for (std::size_t i = groups.size(); i-- > 0;) {
    if (groups[i] == 0) continue;
    const bool leading = i + 1 == groups.size();
    if (!out.empty()) out += ' ';
    out += GroupInWords(groups[i], !leading) + scales[i];
  }
  // Capitalise: every number word starts with an ASCII letter.
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 32);
  return out + " đồng";
}

// ---- validation ----

namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::size_t Utf8Length(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::optional<Day> ParseDmy(std::string_view s) {
  if (s.size() != 10 || s[2] != '/' || s[5] != '/') return std::nullopt;
  const std::string digits =
      std::string(s.substr(0, 2)) + std::string(s.substr(3, 2)) + std::string(s.substr(6, 4));
  if (!AllDigits(digits)) return std::nullopt;
  const int d = std::stoi(digits.substr(0, 2));
  const int m = std::stoi(digits.substr(2, 2));
  const int y = std::stoi(digits.substr(4, 4));
  const Day day{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                std::chrono::day{static_cast<unsigned>(d)}};
  if (!day.ok() || y < 1900) return std::nullopt;
  return day;
}

}  // namespace

std::optional<FieldProblem> ValidateField(const FormField& field, std::string_view raw,
                                          const Day& today) {
  const std::string_view value = core::TrimAscii(raw);
  auto problem = [&](const char* code) { return FieldProblem{field.id, code}; };
  if (value.empty()) {
    if (field.required) return problem("form.required");
    return std::nullopt;
  }
  if (!core::IsValidUtf8(value)) return problem("form.bad_text");
  switch (field.type) {
    case FieldType::kText:
      if (Utf8Length(value) > static_cast<std::size_t>(field.max_length)) {
        return problem("form.too_long");
      }
      break;
    case FieldType::kDate: {
      const auto day = ParseDmy(value);
      if (!day) return problem("form.bad_date");
      if (field.not_in_future && std::chrono::sys_days{*day} > std::chrono::sys_days{today}) {
        return problem("form.future_date");
      }
      break;
    }
    case FieldType::kNumber: {
      if (!AllDigits(value) || value.size() > 10) return problem("form.bad_number");
      const std::int64_t n = std::stoll(std::string(value));
      if (n < field.min || n > field.max) return problem("form.out_of_range");
      break;
    }
    case FieldType::kPhone:
      if (value.size() != 10 || value[0] != '0' || !AllDigits(value)) {
        return problem("form.bad_phone");
      }
      break;
    case FieldType::kIdNumber:
      if (value.size() != 12 || !AllDigits(value)) return problem("form.bad_id");
      break;
    case FieldType::kChoice: {
      // Answers from the kiosk's own list or typed as "another answer" are
      // text; the length limit above applies.
      if (field.allow_other || !field.choices_from.empty()) {
        if (Utf8Length(value) > static_cast<std::size_t>(field.max_length)) {
          return problem("form.too_long");
        }
        break;
      }
      const bool known = std::any_of(field.choices.begin(), field.choices.end(),
                                     [&](const Choice& c) { return c.value == value; });
      if (!known) return problem("form.bad_choice");
      break;
    }
  }
  return std::nullopt;
}

LocalTime DueAt(const TimeLimit& limit, LocalTime received, const WorkCalendar& calendar) {
  const CalendarRules& office = calendar.Rules();
  LocalTime start = received;
  if (!calendar.IsWorkingDay(start.day) || start.minute >= office.closes_minute) {
    start = {calendar.NextWorkingDay(start.day), office.opens_minute};
  } else if (start.minute < office.opens_minute) {
    start.minute = office.opens_minute;
  }
  if (limit.calendar_days) {
    Day due{std::chrono::sys_days{start.day} + std::chrono::days{limit.days}};
    if (!calendar.IsWorkingDay(due)) due = calendar.NextWorkingDay(due);
    return {due, office.closes_minute};
  }
  int days = limit.days;
  const bool late = limit.cutoff_hour > 0 && start.minute >= limit.cutoff_hour * 60;
  if (late) ++days;
  if (days == 0) return {start.day, office.closes_minute};
  return {calendar.AddWorkingDays(start.day, days), start.minute};
}

}  // namespace kiosk::catalog
