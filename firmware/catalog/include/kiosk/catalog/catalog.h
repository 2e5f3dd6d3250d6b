#pragma once

// The administrative procedures (thủ tục hành chính) a commune offers at the
// kiosk, loaded from data under version control (firmware/catalog/data):
// official code, names, receiving level, required papers, time limit, fees
// with effective dates and province overrides, exemptions verbatim, and the
// e-form each procedure fills. See docs/dvc-domain.md §4.

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/catalog/calendar.h"
#include "kiosk/core/error.h"

namespace kiosk::catalog {

// A string in both languages of the kiosk.
struct Text {
  std::string vi;
  std::string en;
  const std::string& In(std::string_view language) const { return language == "en" ? en : vi; }
};

enum class FieldType {
  kText,      // free text, Telex keyboard
  kDate,      // dd/mm/yyyy, numeric pad
  kNumber,    // integer, numeric pad
  kPhone,     // 10 digits starting with 0, numeric pad
  kIdNumber,  // 12-digit personal identification number, numeric pad
  kChoice,    // one of `choices`
};
const char* ToString(FieldType type);

struct Choice {
  std::string value;
  Text label;
};

// One field of an e-form. `card_source` names the CitizenIdentity field that
// fills it ("full_name", "birth_date", ...); empty when the citizen enters it.
struct FormField {
  std::string id;
  Text label;
  FieldType type = FieldType::kText;
  bool required = true;
  int max_length = 120;
  std::int64_t min = 0;        // kNumber
  std::int64_t max = 0;        // kNumber
  bool not_in_future = false;  // kDate
  // kDate: the last N days as one-touch answers ("Hôm nay", "Hôm qua", ...):
  // an event the citizen comes to register soon after (a birth, a death).
  int recent_days = 0;
  std::string card_source;
  // Text and date fields: answers the card may hold, offered as buttons
  // above the keyboard ("Chính tôi: Nguyễn Văn An", "Cha: ..."): names of
  // kCardSources, shown when the card has them.
  std::vector<std::string> card_choices;
  std::vector<Choice> choices;  // kChoice
  // kChoice: more choices from the kiosk's config ("health_facilities": the
  // commune's hospitals and health stations), after `choices`.
  std::string choices_from;
  // kChoice: "another answer" opens the keyboard; any text is then valid.
  bool allow_other = false;
  std::string default_value;
};

// The card fields a form may name as `card_source`.
inline constexpr std::array<std::string_view, 14> kCardSources{
    "id_number",   "full_name",   "birth_date",      "sex",          "nationality",
    "ethnicity",   "religion",    "place_of_origin", "residence",    "issue_date",
    "father_name", "mother_name", "spouse_name",     "old_id_number"};

struct Paper {
  std::string code;  // dossier component code, goes into Attachment::component_code
  Text name;
  bool required = true;
  bool scan = true;  // false: shown by the citizen at the counter, not scanned
};

// A fee item. `per` says what it counts ("case", "copy", "page"); when
// `quantity_field` names a form field its value is the count. Tiered amounts:
// from unit `next_from` on, each unit costs `next_amount`; `cap` bounds the
// total per case (0 = none). `applies_if_field`/`applies_if_value` make the fee
// conditional on a form answer (e.g. late registration).
struct FeeRule {
  std::string code;
  Text label;
  std::int64_t amount_vnd = 0;
  std::string per = "case";
  std::string quantity_field;
  int next_from = 0;
  std::int64_t next_amount_vnd = 0;
  std::int64_t cap_vnd = 0;
  std::string applies_if_field;
  std::string applies_if_value;
  // Waived when the citizen claims an exemption: this field's answer is set
  // and not "none" (Luật Hộ tịch Art. 11: poor households, ...). The claim
  // travels in the dossier for the officer to check.
  std::string exempt_if_field;
  std::string
      province;  // two-digit administrative code; empty: every province without its own rule
  Day effective_from;
  std::optional<Day> effective_to;  // inclusive
  std::string source;               // the legal instrument, shown to the citizen
};

struct TimeLimit {
  int days = 0;                // 0: the same day
  bool calendar_days = false;  // "30 ngày": calendar days; else working days ("03 ngày làm việc")
  int cutoff_hour = 0;         // received at or after this hour: one more working day (0 = none)
  Text text;                   // as the procedure states it
};

// How a procedure's scanned papers are kept in the dossier's PDFs. The
// catalog's [scanning] table sets it for every procedure and names the rule
// it follows; a procedure's own [procedure.scanning] may differ, with its
// own rule. The default is the rule for paper digitized into an electronic
// record (Thông tư 01/2019/TT-BNV: PDF, colour images, at least 200 dpi).
enum class PageMode {
  kColor,    // every page in colour
  kGray,     // every page in grey
  kPerPage,  // colour, grey or bitonal, whichever each page is (smallest)
};
const char* ToString(PageMode mode);
struct PageFormat {
  PageMode mode = PageMode::kColor;
  int min_dpi = 200;
  std::string rule = "Thông tư 01/2019/TT-BNV";
};
// Whether a page scanned at `dpi`, in colour or not, can be kept in this
// format: "scan.low_resolution" or "scan.not_color" (NeedsPerson: the
// scanner's settings are wrong) otherwise.
core::Expected<void> CheckScannedPage(const PageFormat& format, int dpi, bool color);

struct Procedure {
  std::string code;  // national TTHC code, "1.001193"
  std::string version;
  Text name;
  std::string category;  // "civil_status", "certification", "residence", "business", "social"
  std::string level;     // "commune"
  Text agency;
  // Words people say for it ("làm giấy khai sinh", "công chứng"): searched
  // like the name, with less weight.
  std::vector<std::string> keywords;
  std::vector<Paper> papers;
  TimeLimit time_limit;
  std::vector<FeeRule> fees;
  std::vector<std::string> exemptions;  // verbatim, Vietnamese
  // The fee may be paid in cash at the counter instead of at the kiosk.
  bool pay_at_counter = false;
  std::vector<FormField> form;
  // What the citizen does in person at the counter, besides the papers
  // shown there ("Ký trước mặt cán bộ tiếp nhận"): a step of its own on the
  // kiosk, spoken, and printed on the receipt.
  std::vector<Text> at_counter;
  // What to bring or do when collecting the result ("Hai bên nam, nữ cùng có
  // mặt"), besides the receipt and the ID card every procedure asks for.
  std::vector<Text> bring;
  PageFormat page_format;

  const FormField* Field(std::string_view id) const;
};

// What the citizen does in person at the counter: each paper shown there
// and not scanned (Paper::scan false), "Mang theo và xuất trình cho cán bộ:
// …", then the procedure's `at_counter`. Shown, spoken and printed alike.
std::vector<Text> CounterTasks(const Procedure& procedure);
// The journey has a counter step: CounterTasks is not empty.
bool HasCounterStep(const Procedure& procedure);

struct Category {
  std::string id;
  Text name;
};

struct SearchHit;
class Catalog;
std::vector<SearchHit> Search(const Catalog& catalog, std::string_view query,
                              std::string_view category);

class Catalog {
 public:
  // Loads and checks a catalog file; every problem is reported with
  // file:line and key, all at once.
  static core::Expected<Catalog> Load(const std::filesystem::path& path);
  static core::Expected<Catalog> Parse(std::string_view toml, const std::string& source_name);

  const std::string& Version() const { return version_; }
  const std::vector<Procedure>& Procedures() const { return procedures_; }
  const std::vector<Category>& Categories() const { return categories_; }
  // The most any procedure asks of the scanner: colour if one keeps colour
  // pages, and the highest minimum resolution.
  PageFormat StrictestPageFormat() const;
  const Procedure* Find(std::string_view code) const;

 private:
  // Each procedure's words, folded once at load: a search runs on every
  // frame of the procedure screen while the citizen types.
  struct SearchWords {
    std::vector<std::string> name, other;
    std::string name_joined;
  };
  void IndexForSearch();
  friend std::vector<SearchHit> Search(const Catalog& catalog, std::string_view query,
                                       std::string_view category);

  std::string version_;
  std::vector<Category> categories_;
  std::vector<Procedure> procedures_;
  std::vector<SearchWords> search_words_;  // parallel to procedures_
};

// ---- search ----

struct SearchHit {
  const Procedure* procedure = nullptr;
  int score = 0;
  // Not every word matched: one of the procedures closest to the query,
  // offered when nothing matches it whole.
  bool closest = false;
};

// Finds procedures by name, keywords and code, ignoring case and diacritics
// ("dang ky khai sinh" finds "Đăng ký khai sinh"). Every word of the query
// must match the start of a word of the procedure, except everyday words
// a citizen adds ("làm", "cho", "xin", "giấy"), which count only when they
// match; whole-phrase and name matches rank first. When no procedure
// matches, the closest ones (most words matched, a letter off allowed) are
// returned marked `closest`. An empty query returns nothing.
std::vector<SearchHit> Search(const Catalog& catalog, std::string_view query,
                              std::string_view category = {});

// ---- fees ----

struct FeeLine {
  std::string code;
  Text label;
  std::int64_t quantity = 1;
  std::int64_t amount_vnd = 0;  // total of the line
  std::string source;
};

// The fees owed for a procedure filed on `day` in `province`, given the form
// answers (field id → value). For each fee code, a rule for the province
// beats the general one; only rules in force on `day` apply.
std::vector<FeeLine> SelectFees(const Procedure& procedure, const Day& day,
                                std::string_view province,
                                const std::vector<std::pair<std::string, std::string>>& answers);
std::int64_t TotalVnd(const std::vector<FeeLine>& lines);
// "25.000 đ" (Vietnamese grouping).
std::string FormatVnd(std::int64_t amount);
// The amount in words, as a receipt's "Bằng chữ": 1005000 → "Một triệu không
// trăm linh năm nghìn đồng". Up to 999 999 999 999 999.
std::string VndInWords(std::int64_t amount);

// ---- e-form validation ----

// Why a value is not accepted; `code` is stable ("form.required",
// "form.too_long", "form.bad_date", "form.future_date", "form.bad_number",
// "form.out_of_range", "form.bad_phone", "form.bad_id", "form.bad_choice"), the
// UI translates it.
struct FieldProblem {
  std::string field;
  std::string code;
};

std::optional<FieldProblem> ValidateField(const FormField& field, std::string_view value,
                                          const Day& today);

// ---- appointment ----

// When the result is due, in local time. The one rule the kiosk's slip and
// the gateway's code both use:
// - a dossier received on a day off, or after the office closes, counts as
//   received when the office next opens;
// - a same-day procedure is due that day at closing time; received at or
//   after its cutoff hour (15:00), the next working day;
// - N working days: N working days later at the hour it was received (one
//   more after the cutoff hour);
// - N calendar days: N days later, or the next working day when that is a
//   day off, at closing time.
// Never on a day off, never before the time of receipt.
LocalTime DueAt(const TimeLimit& limit, LocalTime received, const WorkCalendar& calendar);

}  // namespace kiosk::catalog
