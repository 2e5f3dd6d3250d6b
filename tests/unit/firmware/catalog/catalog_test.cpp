#include "test_prelude.h"

#include "kiosk/catalog/catalog.h"
#include "test_support.h"

using namespace kiosk;
using namespace kiosk::catalog;

namespace {

Day D(const char* iso) { return *ParseDay(iso); }

FormField Field(FieldType type) {
  FormField f;
  f.id = "f";
  f.type = type;
  return f;
}

Catalog LoadShipped() {
  return *Catalog::Load(test::SourcePath("firmware/catalog/data/procedures.toml"));
}

std::vector<std::string> Codes(const std::vector<SearchHit>& hits) {
  std::vector<std::string> codes;
  for (const auto& h : hits) codes.push_back(h.procedure->code);
  return codes;
}

// A catalog of one category "c" and one procedure in `category` whose one
// field "f" ends with `field_lines` (from line 15).
std::string OneFieldCatalog(const char* category, const char* field_lines) {
  return std::string(R"(version = "x"
[[category]]
id = "c"
name = { vi = "C", en = "C" }
[[procedure]]
code = "1.000001"
version = "1"
name = { vi = "A", en = "A" }
category = ")") +
         category + R"("
agency = { vi = "A", en = "A" }
time_limit = { working_days = 1, text = { vi = "1", en = "1" } }
[[procedure.field]]
id = "f"
label = { vi = "F", en = "F" }
)" + field_lines;
}

}  // namespace

TEST_GROUP(CatalogData){};

TEST(CatalogData, ShippedCatalogLoadsWithTwelveOrMoreCommuneProcedures) {
  auto loaded = Catalog::Load(test::SourcePath("firmware/catalog/data/procedures.toml"));
  CHECK_TEXT(loaded.HasValue(), loaded ? "" : loaded.GetError().ToString().c_str());
  CHECK(loaded->Procedures().size() >= 12);
  for (const auto& p : loaded->Procedures()) {
    STRCMP_EQUAL("commune", p.level.c_str());
    CHECK_FALSE(p.name.vi.empty() || p.name.en.empty());
    CHECK_FALSE(p.form.empty());
    // Every procedure takes the applicant from the card: no typing for them.
    CHECK_TEXT(p.Field("applicant_name") && p.Field("applicant_name")->card_source == "full_name",
               p.code.c_str());
  }
  const auto* birth = loaded->Find("1.001193");
  CHECK(birth != nullptr);
  STRCMP_EQUAL("Đăng ký khai sinh", birth->name.vi.c_str());
  CHECK_FALSE(birth->exemptions.empty());
  CHECK(birth->exemptions[0].find("Miễn lệ phí đăng ký hộ tịch") != std::string::npos);
}

TEST(CatalogData, ProblemsAreReportedWithLineAndKey) {
  const std::string bad = OneFieldCatalog("nope", "type = \"colour\"\ntypo_key = 1\n");
  auto parsed = Catalog::Parse(bad, "bad.toml");
  CHECK_FALSE(parsed.HasValue());
  const std::string message = parsed.GetError().ToString();
  CHECK_TEXT(message.find("unknown category nope") != std::string::npos, message.c_str());
  CHECK_TEXT(message.find("bad.toml:15") != std::string::npos, message.c_str());
  CHECK_TEXT(message.find("typo_key") != std::string::npos, message.c_str());
}

// Answers a citizen picks rather than types: the kiosk's own list of places
// and "another answer" are declared, and only on choices.
TEST(CatalogData, PickListsAreDeclaredOnChoicesOnly) {
  const auto catalog = LoadShipped();
  const auto* birth = catalog.Find("1.001193");
  CHECK(birth != nullptr);
  const FormField* place = nullptr;
  const FormField* relationship = nullptr;
  for (const auto& f : birth->form) {
    if (f.id == "child_birth_place") place = &f;
    if (f.id == "relationship") relationship = &f;
  }
  CHECK(place != nullptr && place->type == FieldType::kChoice);
  STRCMP_EQUAL("health_facilities", place->choices_from.c_str());
  CHECK_TRUE(place->allow_other);
  // Nobody declares a newborn as their spouse or child.
  for (const auto& c : relationship->choices) {
    CHECK_TEXT(c.value != "vo_chong" && c.value != "con", c.value.c_str());
  }
  const std::string misplaced =
      OneFieldCatalog("c", "allow_other = true\nchoices_from = \"somewhere\"\n");
  auto parsed = Catalog::Parse(misplaced, "misplaced.toml");
  CHECK_FALSE(parsed.HasValue());
  const std::string message = parsed.GetError().ToString();
  CHECK_TEXT(message.find("choices_from") != std::string::npos, message.c_str());
}

// Scanned papers are kept as the digitization rule says: colour, 200 dpi
// or more, unless a procedure names a rule of its own.
TEST(CatalogData, PagesAreKeptInTheFormatTheRuleAsks) {
  const auto catalog = LoadShipped();
  for (const auto& p : catalog.Procedures()) {
    CHECK_TEXT(p.page_format.mode == PageMode::kColor, p.code.c_str());
    CHECK_EQUAL(200, p.page_format.min_dpi);
    CHECK_TEXT(p.page_format.rule.find("01/2019/TT-BNV") != std::string::npos, p.code.c_str());
  }
  const auto strictest = catalog.StrictestPageFormat();
  CHECK(strictest.mode == PageMode::kColor);
  CHECK_EQUAL(200, strictest.min_dpi);

  std::string own = OneFieldCatalog(
      "c", "[procedure.scanning]\nmode = \"per-page\"\nmin_dpi = 300\nrule = \"Quy định X\"\n");
  own.replace(own.find("agency"), 0, "level = \"commune\"\n");
  auto parsed = Catalog::Parse("version = \"x\"\n[scanning]\nmode = \"gray\"\nrule = \"R\"\n" +
                                   own.substr(own.find('\n') + 1),
                               "own.toml");
  CHECK_TEXT(parsed.HasValue(), parsed ? "" : parsed.GetError().ToString().c_str());
  const auto& format = parsed->Procedures().front().page_format;
  CHECK(format.mode == PageMode::kPerPage);
  CHECK_EQUAL(300, format.min_dpi);
  STRCMP_EQUAL("Quy định X", format.rule.c_str());
  CHECK(parsed->StrictestPageFormat().mode == PageMode::kPerPage);
  CHECK_EQUAL(300, parsed->StrictestPageFormat().min_dpi);

  // A format of its own names its rule; the mode is one of three.
  for (const char* bad : {"[procedure.scanning]\nmode = \"gray\"\n",
                          "[procedure.scanning]\nmode = \"bw\"\nrule = \"R\"\n",
                          "[procedure.scanning]\nmin_dpi = 50\nrule = \"R\"\n"}) {
    auto refused = Catalog::Parse(OneFieldCatalog("c", bad), "bad.toml");
    CHECK_TEXT(!refused.HasValue(), bad);
  }
}

TEST(CatalogData, AScannedPageIsCheckedAgainstTheFormat) {
  const PageFormat color;  // the default: colour, 200 dpi
  CHECK_TRUE(CheckScannedPage(color, 300, true).HasValue());
  CHECK_TRUE(CheckScannedPage(color, 200, true).HasValue());
  STRCMP_EQUAL("scan.low_resolution", CheckScannedPage(color, 150, true).GetError().Code().c_str());
  auto grey = CheckScannedPage(color, 300, false);
  STRCMP_EQUAL("scan.not_color", grey.GetError().Code().c_str());
  CHECK(grey.GetError().Message().find("01/2019/TT-BNV") != std::string::npos);
  const PageFormat per_page{PageMode::kPerPage, 200, "R"};
  CHECK_TRUE(CheckScannedPage(per_page, 300, false).HasValue());
}

TEST_GROUP(CatalogSearch) {
  Catalog catalog;
  void setup() override { catalog = LoadShipped(); }
  const Catalog& Shipped() const { return catalog; }
};

TEST(CatalogSearch, IgnoresDiacriticsAndCase) {
  auto hits = Search(Shipped(), "dang ky khai sinh");
  CHECK(!hits.empty());
  STRCMP_EQUAL("1.001193", hits[0].procedure->code.c_str());
  hits = Search(Shipped(), "ĐĂNG KÝ KHAI SINH");
  STRCMP_EQUAL("1.001193", hits[0].procedure->code.c_str());
  hits = Search(Shipped(), "  Khai   Sinh ");
  STRCMP_EQUAL("1.001193", hits[0].procedure->code.c_str());
}

TEST(CatalogSearch, RanksTheExactNameFirstAndMatchesPrefixesAndKeywords) {
  // "khai sinh" is in two names; the one that is exactly that phrase wins.
  auto codes = Codes(Search(Shipped(), "khai sinh"));
  CHECK(codes.size() >= 2);
  STRCMP_EQUAL("1.001193", codes[0].c_str());
  CHECK(std::find(codes.begin(), codes.end(), "1.004884") != codes.end());
  // Word prefixes: "ket h" finds marriage.
  codes = Codes(Search(Shipped(), "ket h"));
  STRCMP_EQUAL("1.000894", codes[0].c_str());
  // Keywords a citizen would use: "ho khau" is the old word for permanent residence.
  codes = Codes(Search(Shipped(), "ho khau"));
  STRCMP_EQUAL("1.004222", codes[0].c_str());
  // A code finds its procedure.
  codes = Codes(Search(Shipped(), "2.000815"));
  STRCMP_EQUAL("2.000815", codes[0].c_str());
  // English names too.
  codes = Codes(Search(Shipped(), "birth registration"));
  STRCMP_EQUAL("1.001193", codes[0].c_str());
}

TEST(CatalogSearch, NothingForNonsenseOrEmptyAndCategoryFilters) {
  CHECK(Search(Shipped(), "xyzzy").empty());
  CHECK(Search(Shipped(), "   ").empty());
  auto codes = Codes(Search(Shipped(), "dang ky", "residence"));
  CHECK(!codes.empty());
  for (const auto& c : codes) {
    STRCMP_EQUAL("residence", Shipped().Find(c)->category.c_str());
  }
}

TEST(CatalogSearch, FindsTheWordsCitizensSay) {
  // Everyday words around the name count only when they match.
  STRCMP_EQUAL("1.001193", Codes(Search(Shipped(), "làm giấy khai sinh"))[0].c_str());
  STRCMP_EQUAL("1.001193", Codes(Search(Shipped(), "khai sinh cho con"))[0].c_str());
  STRCMP_EQUAL("1.001193",
               Codes(Search(Shipped(), "tôi muốn làm khai sinh cho con")).front().c_str());
  // The synonyms a procedure lists.
  auto codes = Codes(Search(Shipped(), "chứng nhận"));
  CHECK(std::find(codes.begin(), codes.end(), "2.000815") != codes.end());
  CHECK(std::find(codes.begin(), codes.end(), "1.004873") != codes.end());
  STRCMP_EQUAL("2.000815", Codes(Search(Shipped(), "cong chung"))[0].c_str());
  STRCMP_EQUAL("1.000894", Codes(Search(Shipped(), "giấy hôn thú"))[0].c_str());
  for (const auto& hit : Search(Shipped(), "chứng nhận")) CHECK_FALSE(hit.closest);
  // Everyday words alone match nothing.
  CHECK(Search(Shipped(), "làm cho tôi").empty());
}

TEST(CatalogSearch, OffersTheClosestProceduresWhenNothingMatches) {
  // A slip of the finger and a word no procedure has.
  const auto hits = Search(Shipped(), "khia sinh nhanh");
  CHECK(!hits.empty());
  CHECK(hits.size() <= 5);
  for (const auto& hit : hits) CHECK(hit.closest);
  STRCMP_EQUAL("1.001193", hits[0].procedure->code.c_str());
  // Half the words right.
  const auto half = Search(Shipped(), "đăng ký xe máy");
  CHECK(!half.empty());
  CHECK(half[0].closest);
}

TEST_GROUP(CatalogCounter) {
  Catalog catalog;
  void setup() override { catalog = LoadShipped(); }
  const Catalog& Shipped() const { return catalog; }
};

TEST(CatalogCounter, CertificationsHaveACounterStepAndTheOthersDoNot) {
  const auto& copy = *Shipped().Find("2.000815");
  CHECK(HasCounterStep(copy));  // the original, shown at the counter
  LONGS_EQUAL(1, CounterTasks(copy).size());
  CHECK(CounterTasks(copy)[0].vi.find("Bản chính") != std::string::npos);
  const auto& signature = *Shipped().Find("2.000884");
  CHECK(HasCounterStep(signature));
  CHECK(signature.at_counter[0].vi.find("trước mặt cán bộ") != std::string::npos);
  CHECK_FALSE(HasCounterStep(*Shipped().Find("1.001193")));
  // Every text of the counter step is in both languages.
  for (const auto& p : Shipped().Procedures()) {
    for (const auto& t : p.at_counter) CHECK(!t.vi.empty() && !t.en.empty());
    for (const auto& t : p.bring) CHECK(!t.vi.empty() && !t.en.empty());
  }
}

TEST_GROUP(CatalogFees) {
  Catalog catalog;
  void setup() override { catalog = LoadShipped(); }
  const Catalog& Shipped() const { return catalog; }
};

TEST(CatalogFees, CertifiedCopyIsTieredAndCapped) {
  const auto& copy = *Shipped().Find("2.000815");
  auto fees = SelectFees(copy, D("2026-11-30"), "49", {{"pages", "1"}});
  LONGS_EQUAL(2000, TotalVnd(fees));
  fees = SelectFees(copy, D("2026-11-30"), "49", {{"pages", "5"}});
  LONGS_EQUAL(2 * 2000 + 3 * 1000, TotalVnd(fees));
  fees = SelectFees(copy, D("2026-11-30"), "49", {{"pages", "400"}});
  LONGS_EQUAL(200000, TotalVnd(fees));
}

TEST(CatalogFees, AnExemptionClaimWaivesTheFeeItCovers) {
  const auto& birth = *Shipped().Find("1.001193");
  // Late registration in Hà Nội: 5.000 đ, plus 8.000 đ per extract copy.
  auto fees = SelectFees(birth, D("2026-11-30"), "01", {{"late", "yes"}, {"extract_copies", "1"}});
  LONGS_EQUAL(13000, TotalVnd(fees));
  // A poor household pays no civil-status fee (lệ phí), but the copy (a phí) still.
  fees = SelectFees(birth, D("2026-11-30"), "01",
                    {{"late", "yes"}, {"extract_copies", "1"}, {"fee_exemption", "poor"}});
  LONGS_EQUAL(8000, TotalVnd(fees));
  fees = SelectFees(birth, D("2026-11-30"), "01",
                    {{"late", "yes"}, {"extract_copies", "0"}, {"fee_exemption", "disability"}});
  CHECK(fees.empty());
  fees = SelectFees(birth, D("2026-11-30"), "01",
                    {{"late", "yes"}, {"extract_copies", "0"}, {"fee_exemption", "none"}});
  LONGS_EQUAL(5000, TotalVnd(fees));
}

TEST(CatalogFees, AmountsInWords) {
  STRCMP_EQUAL("Bảy nghìn đồng", VndInWords(7000).c_str());
  STRCMP_EQUAL("Mười nghìn đồng", VndInWords(10000).c_str());
  STRCMP_EQUAL("Mười lăm nghìn đồng", VndInWords(15000).c_str());
  STRCMP_EQUAL("Hai mươi mốt nghìn đồng", VndInWords(21000).c_str());
  STRCMP_EQUAL("Hai trăm nghìn đồng", VndInWords(200000).c_str());
  STRCMP_EQUAL("Một trăm linh năm nghìn đồng", VndInWords(105000).c_str());
  STRCMP_EQUAL("Một triệu không trăm linh năm nghìn đồng", VndInWords(1005000).c_str());
  STRCMP_EQUAL("Hai tỷ đồng", VndInWords(2000000000).c_str());
  STRCMP_EQUAL("Không đồng", VndInWords(0).c_str());
}

TEST(CatalogFees, ProvinceOverridesAndEffectiveDates) {
  const auto& business = *Shipped().Find("1.001612");
  // Elsewhere: the general rule.
  LONGS_EQUAL(100000, TotalVnd(SelectFees(business, D("2026-11-30"), "49", {})));
  // Hà Nội before 25/7/2026: its own 100.000 đ; from then on, nothing online.
  LONGS_EQUAL(100000, TotalVnd(SelectFees(business, D("2026-07-24"), "01", {})));
  CHECK(SelectFees(business, D("2026-07-25"), "01", {}).empty());
  // Before any rule was in force: nothing.
  CHECK(SelectFees(business, D("2019-12-31"), "49", {}).empty());
}

TEST(CatalogFees, ConditionalAndCountedFees) {
  const auto& birth = *Shipped().Find("1.001193");
  // On time: free (Luật Hộ tịch); late in Hà Nội: 5.000 đ; late elsewhere: no rule.
  CHECK(
      SelectFees(birth, D("2026-11-30"), "01", {{"late", "no"}, {"extract_copies", "0"}}).empty());
  LONGS_EQUAL(5000, TotalVnd(SelectFees(birth, D("2026-11-30"), "01",
                                        {{"late", "yes"}, {"extract_copies", "0"}})));
  CHECK(
      SelectFees(birth, D("2026-11-30"), "49", {{"late", "yes"}, {"extract_copies", "0"}}).empty());
  auto fees = SelectFees(birth, D("2026-11-30"), "49", {{"late", "no"}, {"extract_copies", "3"}});
  LONGS_EQUAL(1, fees.size());
  LONGS_EQUAL(3, fees[0].quantity);
  LONGS_EQUAL(24000, fees[0].amount_vnd);
  STRCMP_EQUAL("Thông tư 281/2016/TT-BTC", fees[0].source.c_str());
}

TEST(CatalogFees, FormatsDong) {
  STRCMP_EQUAL("0 đ", FormatVnd(0).c_str());
  STRCMP_EQUAL("5.000 đ", FormatVnd(5000).c_str());
  STRCMP_EQUAL("1.200.000 đ", FormatVnd(1200000).c_str());
}

TEST_GROUP(CatalogForms){};

TEST(CatalogForms, ValidatesEachType) {
  const Day today = D("2026-11-29");
  FormField text = Field(FieldType::kText);
  text.max_length = 5;
  CHECK_FALSE(ValidateField(text, "Việt", today).has_value());  // 4 characters, 7 bytes
  STRCMP_EQUAL("form.too_long", ValidateField(text, "Việt Nam", today)->code.c_str());
  STRCMP_EQUAL("form.required", ValidateField(text, "  ", today)->code.c_str());
  text.required = false;
  CHECK_FALSE(ValidateField(text, "", today).has_value());

  FormField date = Field(FieldType::kDate);
  date.not_in_future = true;
  CHECK_FALSE(ValidateField(date, "29/11/2026", today).has_value());
  STRCMP_EQUAL("form.future_date", ValidateField(date, "30/11/2026", today)->code.c_str());
  STRCMP_EQUAL("form.bad_date", ValidateField(date, "30/02/2026", today)->code.c_str());
  STRCMP_EQUAL("form.bad_date", ValidateField(date, "2026-11-01", today)->code.c_str());

  FormField number = Field(FieldType::kNumber);
  number.min = 1;
  number.max = 20;
  CHECK_FALSE(ValidateField(number, "20", today).has_value());
  STRCMP_EQUAL("form.out_of_range", ValidateField(number, "21", today)->code.c_str());
  STRCMP_EQUAL("form.bad_number", ValidateField(number, "2a", today)->code.c_str());

  FormField phone = Field(FieldType::kPhone);
  CHECK_FALSE(ValidateField(phone, "0905123456", today).has_value());
  STRCMP_EQUAL("form.bad_phone", ValidateField(phone, "905123456", today)->code.c_str());

  FormField id = Field(FieldType::kIdNumber);
  CHECK_FALSE(ValidateField(id, "049090100001", today).has_value());
  STRCMP_EQUAL("form.bad_id", ValidateField(id, "04909010000", today)->code.c_str());

  FormField choice = Field(FieldType::kChoice);
  choice.choices.push_back({"yes", {"Có", "Yes"}});
  CHECK_FALSE(ValidateField(choice, "yes", today).has_value());
  STRCMP_EQUAL("form.bad_choice", ValidateField(choice, "maybe", today)->code.c_str());
  // With "another answer", what is typed is the answer, within the length.
  choice.allow_other = true;
  choice.max_length = 12;
  CHECK_FALSE(ValidateField(choice, "Tại nhà bà", today).has_value());
  STRCMP_EQUAL("form.too_long",
               ValidateField(choice, "Bệnh viện Đa khoa Quảng Nam", today)->code.c_str());
}
