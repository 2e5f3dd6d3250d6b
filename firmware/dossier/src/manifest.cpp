#include "kiosk/dossier/manifest.h"

#include <nlohmann/json.hpp>

#include <set>

namespace kiosk::dossier {

using core::Error;
using core::Expected;
using nlohmann::json;

const char* ToString(IdentitySource source) {
  switch (source) {
    case IdentitySource::kChipVerified:
      return "chip-verified";
    case IdentitySource::kChipUnverified:
      return "chip-unverified";
    case IdentitySource::kQr:
      return "qr";
    case IdentitySource::kTyped:
      return "typed";
  }
  return "?";
}

Indicators766 IndicatorsOf(const Dossier& d) {
  Indicators766 out;
  for (const auto& a : d.attachments) out.has_digitized_component |= a.digitized;
  out.identity_verified = d.applicant.source == IdentitySource::kChipVerified;
  out.paid_online = d.payment ? d.payment->online_channel : 0;
  return out;
}

std::string ToManifestJson(const Dossier& d) {
  const Indicators766 indicators = IndicatorsOf(d);
  json form = json::object();
  for (const auto& v : d.form) form[v.field] = v.value.Reveal();
  json attachments = json::array();
  for (const auto& a : d.attachments) {
    attachments.push_back({{"name", a.name},
                           {"component_code", a.component_code},
                           {"mime", a.mime},
                           {"size", a.size},
                           {"sha256", a.sha256},
                           {"pages", a.pages},
                           {"digitized", a.digitized},
                           {"ocr_text", a.has_ocr_text},
                           {"reused", a.reused}});
  }
  json fees = json::array();
  std::int64_t total = 0;
  for (const auto& f : d.fees) {
    fees.push_back({{"code", f.code}, {"amount_vnd", f.amount_vnd}});
    total += f.amount_vnd;
  }
  json payment = nullptr;
  if (d.payment) {
    payment = {{"method", d.payment->method},
               {"reference", d.payment->reference},
               {"amount_vnd", d.payment->amount_vnd},
               {"paid_at", core::FormatRfc3339(d.payment->paid_at)},
               {"online_channel", d.payment->online_channel}};
    if (!d.payment->payment_reference.empty()) {
      payment["payment_reference"] = d.payment->payment_reference;
    }
  }
  json manifest{{"schema", kManifestSchema},
                {"dossier_id", d.id.ToString()},
                {"procedure", {{"code", d.procedure_code}, {"version", d.procedure_version}}},
                {"receiving_agency", d.receiving_agency},
                {"kiosk_id", d.kiosk_id},
                {"applicant",
                 {{"id_number", d.applicant.id_number.Reveal()},
                  {"full_name", d.applicant.full_name.Reveal()},
                  {"birth_date", d.applicant.birth_date.Reveal()},
                  {"sex", d.applicant.sex.Reveal()},
                  {"residence", d.applicant.residence.Reveal()},
                  {"phone", d.applicant.phone.Reveal()},
                  {"identity_source", ToString(d.applicant.source)},
                  {"authenticity", d.applicant.authenticity}}},
                {"form", form},
                {"attachments", attachments},
                {"fees", fees},
                {"fees_total_vnd", total},
                {"payment", payment},
                {"consent",
                 {{"text_version", d.consent.text_version},
                  {"accepted_at", core::FormatRfc3339(d.consent.accepted_at)}}},
                {"times",
                 {{"started_at", core::FormatRfc3339(d.started_at)},
                  {"submitted_at", core::FormatRfc3339(d.submitted_at)}}},
                {"indicators_766",
                 {{"KenhThucHien", indicators.channel},
                  {"HoSoCoThanhPhanSoHoa", indicators.has_digitized_component ? 1 : 0},
                  {"TaiKhoanDuocXacThucVoiVNeID", indicators.identity_verified ? 1 : 0},
                  {"DuocThanhToanTrucTuyen", indicators.paid_online}}}};
  if (d.assisted_by) {
    manifest["assisted_by"] = {{"officer_id", d.assisted_by->officer_id},
                               {"officer_name", d.assisted_by->officer_name}};
  }
  return manifest.dump();
}

namespace {

Error Bad(const std::string& path, const std::string& why) {
  return Error::NeedsPerson("manifest.invalid", path + ": " + why);
}

// Strict reading of one JSON object: every key known, every type right.
class ObjectReader {
 public:
  ObjectReader(const json& object, std::string path) : object_(object), path_(std::move(path)) {}

  core::Status Check() const {
    if (!object_.is_object()) return Bad(path_, "must be an object");
    return core::Ok();
  }
  Expected<std::string> String(const char* key) {
    KIOSK_ASSIGN_OR_RETURN(const json* v, Get(key));
    if (!v->is_string()) return Bad(Path(key), "must be a string");
    return v->get<std::string>();
  }
  Expected<std::int64_t> Integer(const char* key, std::int64_t min, std::int64_t max) {
    KIOSK_ASSIGN_OR_RETURN(const json* v, Get(key));
    if (!v->is_number_integer()) return Bad(Path(key), "must be an integer");
    const auto value = v->get<std::int64_t>();
    if (value < min || value > max) return Bad(Path(key), "out of range");
    return value;
  }
  // An optional string: empty when the key is absent.
  Expected<std::string> OptionalString(const char* key) {
    if (!object_.contains(key)) {
      seen_.insert(key);
      return std::string();
    }
    return String(key);
  }
  bool Has(const char* key) const { return object_.contains(key); }
  Expected<bool> Boolean(const char* key) {
    KIOSK_ASSIGN_OR_RETURN(const json* v, Get(key));
    if (!v->is_boolean()) return Bad(Path(key), "must be true or false");
    return v->get<bool>();
  }
  Expected<const json*> Get(const char* key) {
    seen_.insert(key);
    auto it = object_.find(key);
    if (it == object_.end()) return Bad(Path(key), "is missing");
    return &*it;
  }
  core::Status Finish() const {
    for (const auto& [key, value] : object_.items()) {
      if (!seen_.contains(key)) return Bad(Path(key.c_str()), "unknown key");
    }
    return core::Ok();
  }
  std::string Path(const char* key) const { return path_ + "." + key; }

 private:
  const json& object_;
  std::string path_;
  std::set<std::string> seen_;
};

Expected<core::WallTime> Time(ObjectReader& r, const char* key) {
  KIOSK_ASSIGN_OR_RETURN(const std::string text, r.String(key));
  // YYYY-MM-DDTHH:MM:SS.mmmZ, as FormatRfc3339 writes it.
  std::tm tm{};
  int millis = 0;
  if (text.size() != 24 ||
      std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon,
                  &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &millis) != 7) {
    return Bad(r.Path(key), "must be an RFC 3339 UTC time with milliseconds");
  }
  // Bounded so the time fits the clock (nanoseconds overflow after 2262).
  if (tm.tm_year < 2000 || tm.tm_year > 2200 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
      tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60 || tm.tm_hour < 0 ||
      tm.tm_min < 0 || tm.tm_sec < 0 || millis < 0) {
    return Bad(r.Path(key), "is not a plausible time");
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const auto secs = timegm(&tm);
  return core::WallTime{std::chrono::seconds(secs) + std::chrono::milliseconds(millis)};
}

Expected<IdentitySource> SourceFrom(const std::string& text, const std::string& path) {
  for (auto s : {IdentitySource::kChipVerified, IdentitySource::kChipUnverified,
                 IdentitySource::kQr, IdentitySource::kTyped}) {
    if (text == ToString(s)) return s;
  }
  return Bad(path, "unknown identity source");
}

Expected<Dossier> Read(const json& root) {
  ObjectReader top(root, "manifest");
  KIOSK_TRY(top.Check());
  Dossier d;
  KIOSK_ASSIGN_OR_RETURN(const std::string schema, top.String("schema"));
  if (schema != kManifestSchema) return Bad("manifest.schema", "unsupported schema " + schema);
  KIOSK_ASSIGN_OR_RETURN(const std::string id, top.String("dossier_id"));
  auto uuid = core::Uuid::Parse(id);
  if (!uuid || uuid->Version() != 7) return Bad("manifest.dossier_id", "must be a UUIDv7");
  d.id = *uuid;

  KIOSK_ASSIGN_OR_RETURN(const json* procedure, top.Get("procedure"));
  ObjectReader p(*procedure, "manifest.procedure");
  KIOSK_TRY(p.Check());
  KIOSK_ASSIGN_OR_RETURN(d.procedure_code, p.String("code"));
  KIOSK_ASSIGN_OR_RETURN(d.procedure_version, p.String("version"));
  KIOSK_TRY(p.Finish());
  KIOSK_ASSIGN_OR_RETURN(d.receiving_agency, top.String("receiving_agency"));
  KIOSK_ASSIGN_OR_RETURN(d.kiosk_id, top.String("kiosk_id"));

  KIOSK_ASSIGN_OR_RETURN(const json* applicant, top.Get("applicant"));
  ObjectReader a(*applicant, "manifest.applicant");
  KIOSK_TRY(a.Check());
  const std::pair<const char*, core::PersonalText*> texts[] = {
      {"id_number", &d.applicant.id_number},   {"full_name", &d.applicant.full_name},
      {"birth_date", &d.applicant.birth_date}, {"sex", &d.applicant.sex},
      {"residence", &d.applicant.residence},   {"phone", &d.applicant.phone}};
  for (const auto& [key, field] : texts) {
    KIOSK_ASSIGN_OR_RETURN(std::string value, a.String(key));
    *field = core::PersonalText(std::move(value));
  }
  KIOSK_ASSIGN_OR_RETURN(const std::string source, a.String("identity_source"));
  KIOSK_ASSIGN_OR_RETURN(d.applicant.source, SourceFrom(source, a.Path("identity_source")));
  KIOSK_ASSIGN_OR_RETURN(d.applicant.authenticity, a.String("authenticity"));
  KIOSK_TRY(a.Finish());

  KIOSK_ASSIGN_OR_RETURN(const json* form, top.Get("form"));
  if (!form->is_object()) return Bad("manifest.form", "must be an object");
  for (const auto& [field, value] : form->items()) {
    if (!value.is_string()) return Bad("manifest.form." + field, "must be a string");
    d.form.push_back({field, core::PersonalText(value.get<std::string>())});
  }

  KIOSK_ASSIGN_OR_RETURN(const json* attachments, top.Get("attachments"));
  if (!attachments->is_array()) return Bad("manifest.attachments", "must be an array");
  for (std::size_t i = 0; i < attachments->size(); ++i) {
    ObjectReader r((*attachments)[i], "manifest.attachments[" + std::to_string(i) + "]");
    KIOSK_TRY(r.Check());
    Attachment att;
    KIOSK_ASSIGN_OR_RETURN(att.name, r.String("name"));
    KIOSK_ASSIGN_OR_RETURN(att.component_code, r.String("component_code"));
    KIOSK_ASSIGN_OR_RETURN(att.mime, r.String("mime"));
    KIOSK_ASSIGN_OR_RETURN(const std::int64_t size, r.Integer("size", 0, std::int64_t{1} << 40));
    att.size = static_cast<std::uint64_t>(size);
    KIOSK_ASSIGN_OR_RETURN(att.sha256, r.String("sha256"));
    if (att.sha256.size() != 64) return Bad(r.Path("sha256"), "must be 64 hex digits");
    KIOSK_ASSIGN_OR_RETURN(const std::int64_t pages, r.Integer("pages", 0, 10000));
    att.pages = static_cast<int>(pages);
    KIOSK_ASSIGN_OR_RETURN(att.digitized, r.Boolean("digitized"));
    KIOSK_ASSIGN_OR_RETURN(att.has_ocr_text, r.Boolean("ocr_text"));
    KIOSK_ASSIGN_OR_RETURN(att.reused, r.Boolean("reused"));
    KIOSK_TRY(r.Finish());
    if (att.name.empty() || att.name.find('/') != std::string::npos || att.name[0] == '.') {
      return Bad(r.Path("name"), "must be a plain file name");
    }
    d.attachments.push_back(std::move(att));
  }

  KIOSK_ASSIGN_OR_RETURN(const json* fees, top.Get("fees"));
  if (!fees->is_array()) return Bad("manifest.fees", "must be an array");
  std::int64_t total = 0;
  for (std::size_t i = 0; i < fees->size(); ++i) {
    ObjectReader r((*fees)[i], "manifest.fees[" + std::to_string(i) + "]");
    KIOSK_TRY(r.Check());
    Fee fee;
    KIOSK_ASSIGN_OR_RETURN(fee.code, r.String("code"));
    KIOSK_ASSIGN_OR_RETURN(fee.amount_vnd, r.Integer("amount_vnd", 0, 1'000'000'000'000));
    KIOSK_TRY(r.Finish());
    total += fee.amount_vnd;
    d.fees.push_back(std::move(fee));
  }
  KIOSK_ASSIGN_OR_RETURN(const std::int64_t declared_total,
                         top.Integer("fees_total_vnd", 0, 1'000'000'000'000));
  if (declared_total != total) return Bad("manifest.fees_total_vnd", "does not add up");

  KIOSK_ASSIGN_OR_RETURN(const json* payment, top.Get("payment"));
  if (!payment->is_null()) {
    ObjectReader r(*payment, "manifest.payment");
    KIOSK_TRY(r.Check());
    Payment pay;
    KIOSK_ASSIGN_OR_RETURN(pay.method, r.String("method"));
    KIOSK_ASSIGN_OR_RETURN(pay.reference, r.String("reference"));
    KIOSK_ASSIGN_OR_RETURN(pay.payment_reference, r.OptionalString("payment_reference"));
    KIOSK_ASSIGN_OR_RETURN(pay.amount_vnd, r.Integer("amount_vnd", 0, 1'000'000'000'000));
    KIOSK_ASSIGN_OR_RETURN(pay.paid_at, Time(r, "paid_at"));
    KIOSK_ASSIGN_OR_RETURN(const std::int64_t channel, r.Integer("online_channel", 1, 2));
    pay.online_channel = static_cast<int>(channel);
    KIOSK_TRY(r.Finish());
    d.payment = std::move(pay);
  }

  KIOSK_ASSIGN_OR_RETURN(const json* consent, top.Get("consent"));
  ObjectReader c(*consent, "manifest.consent");
  KIOSK_TRY(c.Check());
  KIOSK_ASSIGN_OR_RETURN(d.consent.text_version, c.String("text_version"));
  KIOSK_ASSIGN_OR_RETURN(d.consent.accepted_at, Time(c, "accepted_at"));
  KIOSK_TRY(c.Finish());

  if (top.Has("assisted_by")) {
    KIOSK_ASSIGN_OR_RETURN(const json* assisted, top.Get("assisted_by"));
    ObjectReader officer(*assisted, "manifest.assisted_by");
    KIOSK_TRY(officer.Check());
    Assistance who;
    KIOSK_ASSIGN_OR_RETURN(who.officer_id, officer.String("officer_id"));
    KIOSK_ASSIGN_OR_RETURN(who.officer_name, officer.String("officer_name"));
    KIOSK_TRY(officer.Finish());
    if (who.officer_id.empty()) return Bad("manifest.assisted_by.officer_id", "is empty");
    d.assisted_by = std::move(who);
  }

  KIOSK_ASSIGN_OR_RETURN(const json* times, top.Get("times"));
  ObjectReader t(*times, "manifest.times");
  KIOSK_TRY(t.Check());
  KIOSK_ASSIGN_OR_RETURN(d.started_at, Time(t, "started_at"));
  KIOSK_ASSIGN_OR_RETURN(d.submitted_at, Time(t, "submitted_at"));
  KIOSK_TRY(t.Finish());

  // The 766 flags must be the ones the content implies.
  KIOSK_ASSIGN_OR_RETURN(const json* flags, top.Get("indicators_766"));
  const Indicators766 expected = IndicatorsOf(d);
  const json derived{{"KenhThucHien", expected.channel},
                     {"HoSoCoThanhPhanSoHoa", expected.has_digitized_component ? 1 : 0},
                     {"TaiKhoanDuocXacThucVoiVNeID", expected.identity_verified ? 1 : 0},
                     {"DuocThanhToanTrucTuyen", expected.paid_online}};
  if (*flags != derived) return Bad("manifest.indicators_766", "do not match the dossier");
  KIOSK_TRY(top.Finish());
  return d;
}

}  // namespace

Expected<Dossier> ParseManifest(std::string_view text) {
  const json root = json::parse(text, nullptr, false);
  if (root.is_discarded()) return Bad("manifest", "not valid JSON");
  return Read(root);
}

}  // namespace kiosk::dossier
