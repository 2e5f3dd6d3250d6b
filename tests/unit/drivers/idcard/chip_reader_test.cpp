#include "test_prelude.h"

#include "kiosk/core/clock.h"
#include "kiosk/idcard/chip_reader.h"
#include "kiosk/idcard/lds.h"
#include "kiosk/idcard/sim/persona.h"
#include "kiosk/idcard/sim/virtual_channel.h"

using namespace kiosk::idcard;  // NOLINT(google-build-using-namespace): test file
using kiosk::core::FakeClock;
using kiosk::idcard::sim::Persona;

namespace {

const Date kToday{2026, 11, 29};

Persona LoadPersonaFile(const std::string& name) {
  auto p = sim::LoadPersona(kiosk::test::DataPath("personas/" + name + ".toml"));
  if (!p) FAIL(p.GetError().ToString().c_str());
  return std::move(p).Value();
}

// A card for a persona, with the PKI made once per test.
struct Card {
  Card(const Persona& persona, const sim::TestPki& pki, kiosk::core::RandomSource& random) {
    auto built = sim::BuildCard(persona, pki, random);
    if (!built) FAIL(built.GetError().ToString().c_str());
    card = std::make_unique<sim::VirtualCard>(std::move(built->files), std::move(built->secrets),
                                              built->quirks, random);
    channel = std::make_unique<sim::VirtualCardChannel>(*card);
  }
  std::unique_ptr<sim::VirtualCard> card;
  std::unique_ptr<sim::VirtualCardChannel> channel;
};

AccessKey KeyFor(const Persona& p) {
  auto key = AccessKey::FromIdNumber(p.id_number, p.MrzBirth(), p.MrzExpiry(), kToday);
  if (!key) FAIL(key.GetError().ToString().c_str());
  return std::move(key).Value();
}

const char* kAllPersonas[] = {
    "p01-married-with-old-id", "p02-single-no-old-id", "p03-no-expiry",   "p04-long-address",
    "p05-all-diacritics",      "p06-ethnic-minority",  "p07-large-photo", "p08-bac-only",
    "p11-quirky-card",         "p12-short-reads"};

}  // namespace

TEST_GROUP(ChipReader) {
  FakeClock clock{kiosk::core::WallTime{std::chrono::seconds(1'795'000'000)}};
  kiosk::core::DeterministicRandom random{2024};
  std::unique_ptr<sim::TestPki> pki;
  TrustStore trust;

  void setup() override {
    auto generated = sim::GenerateTestPki(7, clock.Now());
    if (!generated) FAIL(generated.GetError().ToString().c_str());
    pki = std::make_unique<sim::TestPki>(std::move(generated).Value());
    trust.Add(pki->csca);
  }

  CitizenIdentity ReadOk(Card & card, const AccessKey& key, ReadStats* stats = nullptr) {
    ChipReader reader(*card.channel, clock, random);
    ReadOptions options;
    options.trust = &trust;
    auto id = reader.Read(key, options, stats);
    if (!id) FAIL(id.GetError().ToString().c_str());
    return std::move(id).Value();
  }
};

TEST(ChipReader, EveryPersonaReadsWithEveryFieldIntact) {
  for (const char* name : kAllPersonas) {
    const Persona p = LoadPersonaFile(name);
    Card card(p, *pki, random);
    ReadStats stats;
    CitizenIdentity id = ReadOk(card, KeyFor(p), &stats);
    STRCMP_EQUAL_TEXT(p.id_number.c_str(), id.id_number.Reveal().c_str(), name);
    STRCMP_EQUAL_TEXT(p.full_name.c_str(), id.full_name.Reveal().c_str(), name);
    STRCMP_EQUAL_TEXT(p.birth_date.c_str(), id.birth_date.Reveal().c_str(), name);
    STRCMP_EQUAL_TEXT(p.sex.c_str(), id.sex.Reveal().c_str(), name);
    STRCMP_EQUAL_TEXT(p.ethnicity.c_str(), id.ethnicity.Reveal().c_str(), name);
    STRCMP_EQUAL_TEXT(p.religion.c_str(), id.religion.Reveal().c_str(), name);
    STRCMP_EQUAL_TEXT(p.place_of_origin.c_str(), id.place_of_origin.Reveal().c_str(), name);
    STRCMP_EQUAL_TEXT(p.residence.c_str(), id.residence.Reveal().c_str(), name);
    STRCMP_EQUAL_TEXT(p.identification_marks.c_str(), id.identification_marks.Reveal().c_str(),
                      name);
    STRCMP_EQUAL_TEXT(p.issue_date.c_str(), id.issue_date.Reveal().c_str(), name);
    STRCMP_EQUAL_TEXT(p.expiry_date.c_str(), id.expiry_date.Reveal().c_str(), name);
    STRCMP_EQUAL_TEXT(p.father_name.c_str(), id.father_name.Reveal().c_str(), name);
    STRCMP_EQUAL_TEXT(p.mother_name.c_str(), id.mother_name.Reveal().c_str(), name);
    STRCMP_EQUAL_TEXT(p.spouse_name.c_str(), id.spouse_name.Reveal().c_str(), name);
    STRCMP_EQUAL_TEXT(p.old_id_number.c_str(), id.old_id_number.Reveal().c_str(), name);
    STRCMP_EQUAL_TEXT(p.mrz_name.c_str(), id.mrz_name.Reveal().c_str(), name);
    STRCMP_EQUAL_TEXT("image/jpeg", id.photo_mime.c_str(), name);
    CHECK_TEXT(id.photo.Reveal().size() > 1000, name);
    STRCMP_EQUAL_TEXT("authentic", id.authenticity.Verdict().c_str(), name);
    CHECK_TEXT(id.authenticity.active_authentication.state == CheckState::kVerified, name);
    STRCMP_EQUAL_TEXT(p.bac_only ? "BAC" : "PACE-CAN", id.access_method.c_str(), name);
  }
}

TEST(ChipReader, LargePhotoIsReadWithExtendedOffsets) {
  const Persona p = LoadPersonaFile("p07-large-photo");
  Card card(p, *pki, random);
  ReadStats stats;
  CitizenIdentity id = ReadOk(card, KeyFor(p), &stats);
  CHECK(stats.file_sizes["DG2"] > 32768);
  CHECK(id.photo.Reveal().size() > 32768 - 100);
}

TEST(ChipReader, QuirkyCardShrinksItsReads) {
  const Persona p = LoadPersonaFile("p11-quirky-card");
  Card card(p, *pki, random);
  ReadStats stats;
  ReadOk(card, KeyFor(p), &stats);
  CHECK(stats.chunk_retries >= 1);
}

TEST(ChipReader, CardThatReadsLessAtATimeIsFollowed) {
  const Persona p = LoadPersonaFile("p12-short-reads");
  Card card(p, *pki, random);
  ReadStats stats;
  ReadOk(card, KeyFor(p), &stats);
  // One short answer teaches the chunk size; the rest of DG2 follows it.
  CHECK(stats.chunk_retries >= 1);
  CHECK(stats.chunk_retries <= 2);
}

TEST(ChipReader, EndOfFileWarningDoesNotShrinkReads) {
  Persona p = LoadPersonaFile("p01-married-with-old-id");
  p.quirks.eof_6282 = true;
  Card card(p, *pki, random);
  ReadStats stats;
  ReadOk(card, KeyFor(p), &stats);
  LONGS_EQUAL(0, stats.chunk_retries);
}

TEST(ChipReader, ReadsNoMoreCommandsThanTheFileSizesNeed) {
  const Persona p = LoadPersonaFile("p01-married-with-old-id");
  Card card(p, *pki, random);
  ReadStats stats;
  ReadOk(card, KeyFor(p), &stats);
  std::size_t least = 0;
  for (const auto& [name, size] : stats.file_sizes) least += (size + 0xDE) / 0xDF;
  LONGS_EQUAL(least, stats.read_commands);
}

TEST(ChipReader, PaceNeedsOnlyTheIdNumber) {
  const Persona p = LoadPersonaFile("p01-married-with-old-id");
  Card card(p, *pki, random);
  CitizenIdentity id = ReadOk(card, *AccessKey::FromIdNumber(p.id_number, "", "", kToday));
  STRCMP_EQUAL("PACE-CAN", id.access_method.c_str());
}

TEST(ChipReader, BacFindsTheExpiryFromTheBirthDate) {
  const Persona p = LoadPersonaFile("p08-bac-only");
  Card card(p, *pki, random);
  CitizenIdentity id =
      ReadOk(card, *AccessKey::FromIdNumber(p.id_number, p.MrzBirth(), "", kToday));
  STRCMP_EQUAL("BAC", id.access_method.c_str());
}

TEST(ChipReader, WrongKeyIsAWrongKeyError) {
  const Persona p = LoadPersonaFile("p01-married-with-old-id");
  Card card(p, *pki, random);
  ChipReader reader(*card.channel, clock, random);
  auto wrong = AccessKey::FromIdNumber("049090100002", "900515", "300515", kToday);
  auto r = reader.Read(*wrong, {});
  CHECK_FALSE(r.HasValue());
  STRCMP_EQUAL("card.wrong_key", r.GetError().Code().c_str());
}

TEST(ChipReader, BacOnlyCardWithWrongDatesIsAWrongKeyError) {
  const Persona p = LoadPersonaFile("p08-bac-only");
  Card card(p, *pki, random);
  ChipReader reader(*card.channel, clock, random);
  auto r = reader.Read(*AccessKey::FromIdNumber(p.id_number, "870815", "270814", kToday), {});
  STRCMP_EQUAL("card.wrong_key", r.GetError().Code().c_str());
}

TEST(ChipReader, CardRemovedMidReadThenTheNextReadWorks) {
  const Persona p = LoadPersonaFile("p07-large-photo");
  Card card(p, *pki, random);
  ChipReader reader(*card.channel, clock, random);
  card.channel->RemoveAfter(40);  // in the middle of DG2
  auto r = reader.Read(KeyFor(p), {});
  CHECK_FALSE(r.HasValue());
  STRCMP_EQUAL("card.removed", r.GetError().Code().c_str());
  card.channel->Insert();
  ReadOk(card, KeyFor(p));
}

TEST(ChipReader, TamperedDataGroupFailsVerification) {
  const Persona p = LoadPersonaFile("p09-tampered-dg13");
  Card card(p, *pki, random);
  CitizenIdentity id = ReadOk(card, KeyFor(p));
  CHECK(id.authenticity.data_groups[13].state == CheckState::kFailed);
  CHECK(id.authenticity.data_groups[1].state == CheckState::kVerified);
  CHECK(id.authenticity.AnyFailed());
  CHECK(id.authenticity.Verdict().rfind("verification failed", 0) == 0);
}

TEST(ChipReader, BadSodSignatureFailsVerification) {
  const Persona p = LoadPersonaFile("p10-bad-sod-signature");
  Card card(p, *pki, random);
  CitizenIdentity id = ReadOk(card, KeyFor(p));
  CHECK(id.authenticity.sod_signature.state == CheckState::kFailed);
  CHECK(id.authenticity.AnyFailed());
}

TEST(ChipReader, WithoutTheCscaTheChainIsNotVerified) {
  const Persona p = LoadPersonaFile("p02-single-no-old-id");
  Card card(p, *pki, random);
  ChipReader reader(*card.channel, clock, random);
  auto id = reader.Read(KeyFor(p), {});
  STRCMP_EQUAL("signature valid, chain not verified", id->authenticity.Verdict().c_str());
  CHECK(id->authenticity.certificate_chain.state == CheckState::kNotChecked);
}

TEST(ChipReader, AnotherCitizensQrKeyIsAMismatch) {
  const Persona p = LoadPersonaFile("p02-single-no-old-id");
  const Persona other = LoadPersonaFile("p01-married-with-old-id");
  Card card(p, *pki, random);
  ChipReader reader(*card.channel, clock, random);
  // Same CAN digits would be needed to open it; a key with another full ID
  // but this card's last six digits still must not pass as this citizen.
  auto key =
      AccessKey::FromIdNumber(other.id_number.substr(0, 6) + p.id_number.substr(6), "", "", kToday);
  auto r = reader.Read(*key, {});
  STRCMP_EQUAL("card.mismatch", r.GetError().Code().c_str());
}

TEST(ChipReader, ProgressIsReportedUpToDone) {
  const Persona p = LoadPersonaFile("p01-married-with-old-id");
  Card card(p, *pki, random);
  ChipReader reader(*card.channel, clock, random);
  std::vector<int> percents;
  ReadOptions options;
  options.on_progress = [&percents](const ReadProgress& progress) {
    percents.push_back(progress.percent);
  };
  CHECK_TRUE(reader.Read(KeyFor(p), options).HasValue());
  CHECK(percents.size() >= 5);
  LONGS_EQUAL(100, percents.back());
  CHECK(std::is_sorted(percents.begin(), percents.end()));
}
