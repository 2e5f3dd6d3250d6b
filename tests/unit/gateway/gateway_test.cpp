#include "test_prelude.h"

#include <set>
#include <thread>

#include "../firmware/dossier/sample_dossier.h"
#include "kiosk/catalog/calendar.h"
#include "kiosk/core/log.h"
#include "kiosk/dossier/outbox.h"
#include "kiosk/dossier/package.h"
#include "kiosk/dossier/upload.h"
#include "kiosk/gateway/intake.h"
#include "kiosk/gateway/store/sqlite.h"

using namespace kiosk::gateway;  // NOLINT(google-build-using-namespace): test file
using kiosk::core::FakeClock;
using kiosk::core::HttpRequest;

namespace {
Day D(const char* iso) { return *ParseDay(iso); }
}  // namespace

TEST_GROUP(Calendar){};

TEST(Calendar, DaysAreParsedStrictly) { CHECK_FALSE(ParseDay("2026-02-30").HasValue()); }

TEST(Calendar, DossierCodesFollowAgencyDayAndSequence) {
  STRCMP_EQUAL("000.17.22.H56-261129-0007",
               FormatDossierCode("000.17.22.H56", D("2026-11-29"), 7).c_str());
}

TEST_GROUP(Intake) {
  kiosk::core::log::ScopedCapture capture;
  FakeClock clock{kiosk::core::WallTime{std::chrono::seconds(1'795'000'000)}};  // 2026-11-18 UTC
  kiosk::core::DeterministicRandom random{4};
  kiosk::core::UuidV7Generator ids{clock, random};
  kiosk::test::TempDir dir;
  std::unique_ptr<DossierStore> store;
  std::unique_ptr<Intake> intake;
  std::optional<kiosk::core::PrivateKey> device_key;
  std::optional<kiosk::core::Certificate> device_cert;
  kiosk::core::SecretBytes storage_key;

  void setup() override {
    store = std::move(*sqlite::OpenDossiers(dir.Path() / "gateway.db"));
    IntakeConfig config;
    config.attachments_dir = dir.Path() / "attachments";
    config.time_limits["1.001612"].days = 3;
    intake = std::make_unique<Intake>(*store, config, clock, random);
    device_key.emplace(*kiosk::core::PrivateKey::GenerateP256(random));
    device_cert = Cert("QNM-TAMKY-0001", *device_key);
    storage_key = *kiosk::dossier::LoadOrCreateStorageKey(dir.Path() / "storage.key", random);
  }

  kiosk::core::Certificate Cert(const std::string& cn, const kiosk::core::PrivateKey& key) {
    kiosk::core::CertificateSpec spec{"C=VN,CN=" + cn,
                                      "C=VN,CN=Test Device CA",
                                      {0x07},
                                      clock.Now() - std::chrono::hours(1),
                                      clock.Now() + std::chrono::hours(24),
                                      false,
                                      -1,
                                      0};
    return *kiosk::core::IssueCertificate(spec, *key.Public(), key, random);
  }

  // A sealed dossier's upload body, as the agent sends it.
  std::string Upload(std::string* dossier_id = nullptr, bool with_papers = true) {
    kiosk::dossier::Dossier d = kiosk::test::SampleDossier(ids, clock);
    d.attachments[0].source = dir.Path() / "scan.pdf";
    std::ofstream(d.attachments[0].source) << std::string(70'000, 'p');
    if (!with_papers) d.attachments.clear();
    const auto path = dir.Path() / (d.id.ToString() + ".kpkg");
    CHECK_TRUE(
        kiosk::dossier::WritePackage(path, d, *device_key, "QNM-TAMKY-0001", storage_key, random)
            .HasValue());
    auto reader = kiosk::dossier::PackageReader::Open(path, storage_key);
    if (dossier_id) *dossier_id = d.id.ToString();
    return *kiosk::dossier::BuildUploadBody(*reader);
  }

  kiosk::core::HttpResponse Post(const std::string& body, const kiosk::core::Certificate& cert) {
    return intake->Handle(HttpRequest{"POST", "/v1/dossiers", {}, body}, cert);
  }
};

TEST(Intake, NewDossierGetsACodeAndAnAppointment) {
  auto r = Post(Upload(), *device_cert);
  LONGS_EQUAL_TEXT(201, r.status, r.body.c_str());
  auto body = nlohmann::json::parse(r.body);
  // Received at 18:06 local on Wednesday 18/11/2026, after the office
  // closed: counted from Thursday 07:30, 3 working days later (the same
  // rule as the kiosk's slip, catalog::DueAt).
  STRCMP_EQUAL("000.17.22.H56-261118-0001", body["dossier_code"].get<std::string>().c_str());
  STRCMP_EQUAL("2026-11-24T07:30", body["appointment_date"].get<std::string>().c_str());
  // 16 symbols of 32: 80 bits.
  LONGS_EQUAL(16, body["lookup_secret"].get<std::string>().size());
}

// A procedure without papers: nothing to write, and still acknowledged (it
// was refused with 503 for ever, its attachments' folder never made).
TEST(Intake, ADossierWithoutPapersIsAdmitted) {
  std::string id;
  auto r = Post(Upload(&id, false), *device_cert);
  LONGS_EQUAL_TEXT(201, r.status, r.body.c_str());
  LONGS_EQUAL(200, Post(Upload(&id, false), *device_cert).status / 100 * 100);
  CHECK_FALSE(std::filesystem::exists(dir.Path() / "attachments" / id));
}

TEST(Intake, SameDossierTwiceKeepsItsCode) {
  const std::string upload = Upload();
  auto first = nlohmann::json::parse(Post(upload, *device_cert).body);
  auto again = Post(upload, *device_cert);
  LONGS_EQUAL(200, again.status);
  STRCMP_EQUAL(first["dossier_code"].get<std::string>().c_str(),
               nlohmann::json::parse(again.body)["dossier_code"].get<std::string>().c_str());
  auto next = nlohmann::json::parse(Post(Upload(), *device_cert).body);
  STRCMP_EQUAL("000.17.22.H56-261118-0002", next["dossier_code"].get<std::string>().c_str());
}

TEST(Intake, TheKioskThatSubmittedADossierRatesItOnce) {
  auto rate = [&](const std::string& id, const std::string& body,
                  const kiosk::core::Certificate& cert) {
    return intake->Handle(HttpRequest{"PUT", "/v1/dossiers/" + id + "/rating", {}, body}, cert);
  };
  const std::string body = R"({"score": 3, "rated_at": "2026-11-18T08:00:00.000Z"})";
  // Not arrived yet: the kiosk keeps the rating and sends it again later.
  LONGS_EQUAL(404, rate("0192f1a0-7b3c-7d2e-8f00-0123456789ab", body, *device_cert).status);
  std::string id;
  LONGS_EQUAL(201, Post(Upload(&id), *device_cert).status);
  // Another kiosk cannot rate it.
  LONGS_EQUAL(404, rate(id, body, Cert("QNM-HOIAN-0001", *device_key)).status);
  LONGS_EQUAL(400, rate(id, R"({"score": 5, "rated_at": "x"})", *device_cert).status);
  LONGS_EQUAL(201, rate(id, body, *device_cert).status);
  LONGS_EQUAL(200, rate(id, R"({"score": 1, "rated_at": "2026-11-18T08:00:01.000Z"})",
                        *device_cert)
                       .status);  // the first answer stands
  const auto ratings = store->Ratings("2026-11-01T00:00:00.000Z").Value();
  LONGS_EQUAL(1, ratings.size());
  LONGS_EQUAL(3, ratings[0].score);
  STRCMP_EQUAL("QNM-TAMKY-0001", ratings[0].kiosk_id.c_str());
}

TEST(Intake, TamperedAttachmentIsRefused) {
  std::string upload = Upload();
  upload[upload.size() - 10] ^= 0x01;
  auto r = Post(upload, *device_cert);
  LONGS_EQUAL(422, r.status);
  CHECK(r.body.find("attachment.hash_mismatch") != std::string::npos);
}

TEST(Intake, SignatureOfAnotherDeviceIsRefused) {
  auto other_key = kiosk::core::PrivateKey::GenerateP256(random);
  auto r = Post(Upload(), Cert("QNM-TAMKY-0001", *other_key));
  LONGS_EQUAL(422, r.status);
  CHECK(r.body.find("jws.bad_signature") != std::string::npos);
}

TEST(Intake, ManifestOfAnotherKioskIsRefused) {
  auto r = Post(Upload(), Cert("QNM-TAMKY-0002", *device_key));
  LONGS_EQUAL(403, r.status);
}

TEST(Intake, TruncatedUploadIsRefused) {
  std::string upload = Upload();
  upload.resize(upload.size() - 100);
  auto r = Post(upload, *device_cert);
  LONGS_EQUAL(422, r.status);
  CHECK(r.body.find("upload.malformed") != std::string::npos);
}

TEST(Intake, LookupNeedsTheSecretAndRatingsAreStored) {
  auto created = nlohmann::json::parse(Post(Upload(), *device_cert).body);
  const std::string code = created["dossier_code"];
  const std::string secret = created["lookup_secret"];
  auto ok =
      intake->Handle({"GET", "/v1/dossiers/" + code + "?secret=" + secret, {}, ""}, *device_cert);
  LONGS_EQUAL(200, ok.status);
  CHECK(ok.body.find("\"status\":\"received\"") != std::string::npos);
  auto wrong =
      intake->Handle({"GET", "/v1/dossiers/" + code + "?secret=XXXX", {}, ""}, *device_cert);
  LONGS_EQUAL(404, wrong.status);
  const nlohmann::json rating{{"code", code}, {"secret", secret}, {"score", 5}};
  LONGS_EQUAL(201, intake->Handle({"POST", "/v1/ratings", {}, rating.dump()}, *device_cert).status);
  const nlohmann::json bad{{"code", code}, {"secret", secret}, {"score", 9}};
  LONGS_EQUAL(400, intake->Handle({"POST", "/v1/ratings", {}, bad.dump()}, *device_cert).status);
}

TEST(Intake, TheShortSecretWorksButCannotBeGuessed) {
  auto created = nlohmann::json::parse(Post(Upload(), *device_cert).body);
  const std::string code = created["dossier_code"];
  const std::string secret = created["lookup_secret"];
  auto lookup = [&](const std::string& s) {
    return intake->Handle({"GET", "/v1/dossiers/" + code + "?secret=" + s, {}, ""}, *device_cert)
        .status;
  };
  LONGS_EQUAL(200, lookup(secret.substr(0, 4)));  // as printed on the receipt
  LONGS_EQUAL(404, lookup(secret.substr(0, 5)));  // neither whole nor short
  LONGS_EQUAL(404, lookup(secret.substr(0, 15) + (secret[15] == 'A' ? "B" : "A")));
  // A guesser gets a few tries for this code, then waits, right or wrong.
  int refused = 0, limited = 0;
  for (const char* guess : {"AAAA", "BBBB", "CCCC", "DDDD", "EEEE", "FFFF"}) {
    const int status = lookup(guess);
    refused += status == 404;
    limited += status == 429;
  }
  LONGS_EQUAL(2, refused);
  LONGS_EQUAL(4, limited);
  LONGS_EQUAL(429, lookup(secret));
  clock.Advance(std::chrono::minutes(5));
  LONGS_EQUAL(200, lookup(secret));
}

TEST(Intake, AKioskCannotWalkThroughTheCodes) {
  int limited = 0;
  for (int i = 1; i <= 40; ++i) {
    char code[64];
    std::snprintf(code, sizeof code, "000.17.22.H56-261118-%04d", i);
    limited += intake
                   ->Handle({"GET", std::string("/v1/dossiers/") + code + "?secret=AAAA", {}, ""},
                            *device_cert)
                   .status == 429;
  }
  LONGS_EQUAL(20, limited);  // a burst of 20, then one every 3 s
  clock.Advance(std::chrono::seconds(30));
  LONGS_EQUAL(404,
              intake->Handle({"GET", "/v1/dossiers/X?secret=AAAA", {}, ""}, *device_cert).status);
}

TEST(Intake, AKioskSeesOnlyItsOwnCommunesDossiers) {
  intake->SetCommuneOf([](const std::string& kiosk) -> std::optional<std::string> {
    if (kiosk == "QNM-TAMKY-0001") return std::string("20314");
    if (kiosk == "QNM-HOIAN-0001") return std::string("20320");
    return std::nullopt;
  });
  auto created = nlohmann::json::parse(Post(Upload(), *device_cert).body);
  const std::string target = "/v1/dossiers/" + created["dossier_code"].get<std::string>() +
                             "?secret=" + created["lookup_secret"].get<std::string>();
  LONGS_EQUAL(200, intake->Handle({"GET", target, {}, ""}, *device_cert).status);
  auto other = intake->Handle({"GET", target, {}, ""}, Cert("QNM-HOIAN-0001", *device_key));
  LONGS_EQUAL(404, other.status);  // as if it did not exist
  LONGS_EQUAL(404,
              intake->Handle({"GET", target, {}, ""}, Cert("NOT-ENROLLED", *device_key)).status);
}

TEST(Intake, ADossierIsRatedOnce) {
  auto created = nlohmann::json::parse(Post(Upload(), *device_cert).body);
  const nlohmann::json rating{
      {"code", created["dossier_code"]}, {"secret", created["lookup_secret"]}, {"score", 4}};
  LONGS_EQUAL(201, intake->Handle({"POST", "/v1/ratings", {}, rating.dump()}, *device_cert).status);
  auto again = intake->Handle({"POST", "/v1/ratings", {}, rating.dump()}, *device_cert);
  LONGS_EQUAL(409, again.status);
  CHECK(again.body.find("rating.already") != std::string::npos);
}

TEST(Intake, UnknownProcedureIsRefused) {
  IntakeConfig config;
  config.attachments_dir = dir.Path() / "attachments";
  Intake strict(*store, config, clock, random);
  auto r = strict.Handle({"POST", "/v1/dossiers", {}, Upload()}, *device_cert);
  LONGS_EQUAL(422, r.status);
  CHECK(r.body.find("procedure.unknown") != std::string::npos);
}

// clang-format off
TEST_GROUP(StoreConcurrency) {
  // Threads allocate and free across the test's boundaries.
  void setup() override { kiosk::test::StopTrackingAllocations(); }
  void teardown() override { kiosk::test::ResumeTrackingAllocations(); }
};
// clang-format on

// Request threads share one connection: dossiers admitted at once from many
// threads each get their own code, none refused for a transaction another
// thread had open.
TEST(StoreConcurrency, DossiersAdmittedFromManyThreadsGetDistinctCodes) {
  kiosk::test::TempDir dir;
  auto store = sqlite::OpenDossiers(dir.Path() / "gateway.db");
  CHECK(store.HasValue());
  constexpr int kThreads = 6;
  constexpr int kEach = 25;
  std::vector<std::vector<std::string>> codes(kThreads);
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        AdmitRequest r;
        r.dossier_id = "d-" + std::to_string(t) + "-" + std::to_string(i);
        r.kiosk_id = "QNM-TAMKY-0001";
        r.procedure_code = "1.001193";
        r.agency = "000.17.22.H56";
        r.received_day = D("2026-11-30");
        r.received_at = "2026-11-30T02:00:00Z";
        r.appointment = "2026-11-30";
        r.lookup_secret = "Q7KD";
        r.manifest_json = "{}";
        bool created = false;
        auto stored = (*store)->Admit(r, created);
        if (stored) {
          codes[static_cast<std::size_t>(t)].push_back(stored->code);
        } else {
          ++failures[static_cast<std::size_t>(t)];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> all;
  int failed = 0;
  for (int t = 0; t < kThreads; ++t) {
    failed += failures[static_cast<std::size_t>(t)];
    all.insert(codes[static_cast<std::size_t>(t)].begin(),
               codes[static_cast<std::size_t>(t)].end());
  }
  LONGS_EQUAL(0, failed);
  LONGS_EQUAL(kThreads * kEach, all.size());
}
