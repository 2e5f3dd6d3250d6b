#include "test_prelude.h"

#include "kiosk/dossier/manifest.h"
#include "sample_dossier.h"

using namespace kiosk::dossier;  // NOLINT(google-build-using-namespace): test file
using kiosk::core::FakeClock;

namespace {
std::string Edited(const std::string& json, const std::function<void(nlohmann::json&)>& edit) {
  auto doc = nlohmann::json::parse(json);
  edit(doc);
  return doc.dump();
}
}  // namespace

TEST_GROUP(Manifest) {
  FakeClock clock;
  kiosk::core::DeterministicRandom random{1};
  kiosk::core::UuidV7Generator ids{clock, random};
  std::string Json() { return ToManifestJson(kiosk::test::SampleDossier(ids, clock)); }
  std::string Problem(const std::string& json) {
    auto r = ParseManifest(json);
    return r ? "" : r.GetError().Message();
  }
};

TEST(Manifest, RoundTripsEveryField) {
  const Dossier d = kiosk::test::SampleDossier(ids, clock);
  auto back = ParseManifest(ToManifestJson(d));
  if (!back) FAIL(back.GetError().ToString().c_str());
  CHECK(back->id == d.id);
  STRCMP_EQUAL("1.001612", back->procedure_code.c_str());
  STRCMP_EQUAL("Nguyễn Văn An", back->applicant.full_name.Reveal().c_str());
  CHECK(back->applicant.source == IdentitySource::kChipVerified);
  LONGS_EQUAL(2, back->form.size());
  LONGS_EQUAL(1, back->attachments.size());
  LONGS_EQUAL(2, back->attachments[0].pages);
  LONGS_EQUAL(8000, back->payment->amount_vnd);
  STRCMP_EQUAL("DVC0123456789ABCDEF0123", back->payment->payment_reference.c_str());
  CHECK(back->submitted_at == d.submitted_at);
  CHECK(back->consent.accepted_at == d.consent.accepted_at);
  STRCMP_EQUAL(ToManifestJson(d).c_str(), ToManifestJson(*back).c_str());
}

TEST(Manifest, APaymentWithoutItsReferenceStillReads) {
  Dossier d = kiosk::test::SampleDossier(ids, clock);
  d.payment->payment_reference.clear();  // as dossiers sealed before it existed
  const std::string json = ToManifestJson(d);
  CHECK(json.find("payment_reference") == std::string::npos);
  auto back = ParseManifest(json);
  CHECK(back.HasValue());
  CHECK(back->payment->payment_reference.empty());
}

TEST(Manifest, Decision766FlagsFollowTheContent) {
  Dossier d = kiosk::test::SampleDossier(ids, clock);
  auto flags = IndicatorsOf(d);
  LONGS_EQUAL(2, flags.channel);
  CHECK_TRUE(flags.has_digitized_component);
  CHECK_TRUE(flags.identity_verified);
  LONGS_EQUAL(2, flags.paid_online);
  d.payment.reset();
  d.applicant.source = IdentitySource::kQr;
  flags = IndicatorsOf(d);
  LONGS_EQUAL(0, flags.paid_online);
  CHECK_FALSE(flags.identity_verified);
}

TEST(Manifest, MissingUnknownAndMistypedFieldsAreNamed) {
  const std::string json = Json();
  STRCMP_EQUAL("manifest.kiosk_id: is missing",
               Problem(Edited(json, [](auto& j) { j.erase("kiosk_id"); })).c_str());
  STRCMP_EQUAL("manifest.extra: unknown key",
               Problem(Edited(json, [](auto& j) { j["extra"] = 1; })).c_str());
  STRCMP_EQUAL("manifest.attachments[0].pages: must be an integer",
               Problem(Edited(json, [](auto& j) { j["attachments"][0]["pages"] = "2"; })).c_str());
  STRCMP_EQUAL(
      "manifest.applicant.identity_source: unknown identity source",
      Problem(Edited(json, [](auto& j) { j["applicant"]["identity_source"] = "x"; })).c_str());
}

TEST(Manifest, TotalsAndFlagsMustAgreeWithTheContent) {
  const std::string json = Json();
  STRCMP_EQUAL("manifest.fees_total_vnd: does not add up",
               Problem(Edited(json, [](auto& j) { j["fees_total_vnd"] = 1; })).c_str());
  STRCMP_EQUAL("manifest.indicators_766: do not match the dossier",
               Problem(Edited(json, [](auto& j) {
                 j["indicators_766"]["TaiKhoanDuocXacThucVoiVNeID"] = 0;
               })).c_str());
}

TEST(Manifest, SchemaIdsAndNamesAreChecked) {
  const std::string json = Json();
  CHECK(Problem(Edited(json, [](auto& j) {
          j["schema"] = "kiosk.dossier/2";
        })).find("unsupported") != std::string::npos);
  CHECK(Problem(Edited(json, [](auto& j) {
          j["dossier_id"] = "017f22e2-79b0-4cc3-98c4-dc0c0c07398f";
        })).find("UUIDv7") != std::string::npos);
  CHECK(Problem(Edited(json, [](auto& j) {
          j["attachments"][0]["name"] = "../etc/passwd";
        })).find("plain file name") != std::string::npos);
  STRCMP_EQUAL("manifest: not valid JSON", Problem("{").c_str());
  // Far dates would overflow the clock: refused, not wrapped.
  STRCMP_EQUAL("manifest.times.submitted_at: is not a plausible time",
               Problem(Edited(json, [](auto& j) {
                 j["times"]["submitted_at"] = "9999-12-31T23:59:59.000Z";
               })).c_str());
}
