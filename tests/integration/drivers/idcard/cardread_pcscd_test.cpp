#include "test_prelude.h"

#include <csignal>

#include "kiosk/idcard/sim/persona.h"

using kiosk::test::BackgroundProcess;
using kiosk::test::DataPath;
using kiosk::test::ProcessResult;
using kiosk::test::RunProcess;
using kiosk::test::SourcePath;
using kiosk::test::TempDir;

namespace {

constexpr int kExitOk = 0;
constexpr int kExitNoReader = 3;
constexpr int kExitNoCard = 4;
constexpr int kExitWrongKey = 5;
constexpr int kExitRemoved = 6;
constexpr int kExitVerificationFailed = 8;

std::string Sandbox() { return SourcePath("scripts/pcscd-sandbox").string(); }

}  // namespace

TEST_GROUP(CardReadThroughPcscd) {
  std::unique_ptr<TempDir> dir;
  std::string pki;
  std::string sandbox;
  bool sandbox_started = false;
  std::unique_ptr<BackgroundProcess> sim;

  void setup() override {
    dir = std::make_unique<TempDir>();
    pki = (dir->Path() / "pki").string();
    sandbox = (dir->Path() / "pcscd").string();
    auto made = RunProcess({KIOSK_SIM_CCCD_BIN, "--make-pki", pki});
    LONGS_EQUAL_TEXT(0, made.exit_code, made.err.c_str());
    auto started = RunProcess({Sandbox(), "start", sandbox});
    LONGS_EQUAL_TEXT(0, started.exit_code, started.err.c_str());
    sandbox_started = true;
  }

  void teardown() override {
    sim.reset();
    if (sandbox_started) RunProcess({Sandbox(), "stop", sandbox});
    dir.reset();
  }

  void InsertCard(const std::string& persona, std::vector<std::string> extra = {}) {
    sim.reset();
    std::vector<std::string> argv{Sandbox(),   "exec",
                                  sandbox,     KIOSK_SIM_CCCD_BIN,
                                  "--persona", DataPath("personas/" + persona + ".toml").string(),
                                  "--pki",     pki};
    argv.insert(argv.end(), extra.begin(), extra.end());
    sim = std::make_unique<BackgroundProcess>(argv, dir->Path() / (persona + ".log"));
    if (!sim->WaitForLog("card in the reader", std::chrono::seconds(10))) {
      FAIL(("sim-cccd did not connect:\n" + sim->Log()).c_str());
    }
  }

  ProcessResult CardRead(std::vector<std::string> args) {
    args.insert(args.begin(), KIOSK_CARDREAD_BIN);
    args.push_back("--wait");
    args.push_back("5");
    return RunProcess(args, std::chrono::seconds(60));
  }
};

TEST(CardReadThroughPcscd, EveryPersonaReadsWithEveryField) {
  const char* personas[] = {
      "p01-married-with-old-id", "p02-single-no-old-id", "p03-no-expiry",   "p04-long-address",
      "p05-all-diacritics",      "p06-ethnic-minority",  "p07-large-photo", "p08-bac-only",
      "p11-quirky-card",         "p12-short-reads"};
  for (const char* name : personas) {
    auto persona =
        kiosk::idcard::sim::LoadPersona(DataPath(std::string("personas/") + name + ".toml"));
    InsertCard(name);
    const auto& p = *persona;
    auto r = CardRead({"--id", p.id_number, "--dob", p.MrzBirth(), "--csca", pki + "/csca",
                       "--photo", (dir->Path() / "face.jpg").string()});
    LONGS_EQUAL_TEXT(kExitOk, r.exit_code, (std::string(name) + ": " + r.err).c_str());
    auto json = nlohmann::json::parse(r.out);
    const auto& id = json["identity"];
    STRCMP_EQUAL_TEXT(p.id_number.c_str(), id["id_number"].get<std::string>().c_str(), name);
    STRCMP_EQUAL_TEXT(p.full_name.c_str(), id["full_name"].get<std::string>().c_str(), name);
    STRCMP_EQUAL_TEXT(p.birth_date.c_str(), id["birth_date"].get<std::string>().c_str(), name);
    STRCMP_EQUAL_TEXT(p.sex.c_str(), id["sex"].get<std::string>().c_str(), name);
    STRCMP_EQUAL_TEXT(p.ethnicity.c_str(), id["ethnicity"].get<std::string>().c_str(), name);
    STRCMP_EQUAL_TEXT(p.religion.c_str(), id["religion"].get<std::string>().c_str(), name);
    STRCMP_EQUAL_TEXT(p.place_of_origin.c_str(), id["place_of_origin"].get<std::string>().c_str(),
                      name);
    STRCMP_EQUAL_TEXT(p.residence.c_str(), id["residence"].get<std::string>().c_str(), name);
    STRCMP_EQUAL_TEXT(p.identification_marks.c_str(),
                      id["identification_marks"].get<std::string>().c_str(), name);
    STRCMP_EQUAL_TEXT(p.issue_date.c_str(), id["issue_date"].get<std::string>().c_str(), name);
    STRCMP_EQUAL_TEXT(p.expiry_date.c_str(), id["expiry_date"].get<std::string>().c_str(), name);
    STRCMP_EQUAL_TEXT(p.father_name.c_str(), id["father_name"].get<std::string>().c_str(), name);
    STRCMP_EQUAL_TEXT(p.mother_name.c_str(), id["mother_name"].get<std::string>().c_str(), name);
    STRCMP_EQUAL_TEXT(p.spouse_name.c_str(), id["spouse_name"].get<std::string>().c_str(), name);
    STRCMP_EQUAL_TEXT(p.old_id_number.c_str(), id["old_id_number"].get<std::string>().c_str(),
                      name);
    STRCMP_EQUAL_TEXT("authentic", json["authenticity"]["verdict"].get<std::string>().c_str(),
                      name);
    STRCMP_EQUAL_TEXT(p.bac_only ? "BAC" : "PACE-CAN",
                      json["access"]["method"].get<std::string>().c_str(), name);
    CHECK_TEXT(json["transfer"]["apdus"].get<int>() > 10, name);
    // The photo file is the JPEG from DG2.
    std::ifstream photo(dir->Path() / "face.jpg", std::ios::binary);
    std::string jpeg((std::istreambuf_iterator<char>(photo)), {});
    CHECK_TEXT(jpeg.size() == id["photo"]["bytes"].get<std::size_t>(), name);
    CHECK_TEXT(jpeg.rfind("\xFF\xD8\xFF", 0) == 0, name);
  }
}

TEST(CardReadThroughPcscd, QrPayloadOpensTheChip) {
  InsertCard("p02-single-no-old-id");
  auto r = CardRead(
      {"--qr", "048196100002||Trần Thị Bích|02111996|Nữ|Tổ 5, Hải Châu, Đà Nẵng|20032022\r"});
  LONGS_EQUAL_TEXT(kExitOk, r.exit_code, r.err.c_str());
  auto json = nlohmann::json::parse(r.out);
  STRCMP_EQUAL("qr", json["access"]["key_source"].get<std::string>().c_str());
  // Without --csca the chain cannot be checked, and the verdict says so.
  STRCMP_EQUAL("signature valid, chain not verified",
               json["authenticity"]["verdict"].get<std::string>().c_str());
}

TEST(CardReadThroughPcscd, WrongKeyIsExitCode5) {
  InsertCard("p01-married-with-old-id");
  auto r = CardRead({"--id", "049090100009"});
  LONGS_EQUAL_TEXT(kExitWrongKey, r.exit_code, r.err.c_str());
  CHECK(r.err.find("card.wrong_key") != std::string::npos);
}

TEST(CardReadThroughPcscd, CardRemovedMidReadThenTheNextReadWorks) {
  InsertCard("p07-large-photo", {"--remove-after", "40", "--reinsert-after-ms", "1500"});
  auto first = CardRead({"--id", "079092100007"});
  LONGS_EQUAL_TEXT(kExitRemoved, first.exit_code, first.err.c_str());
  CHECK(first.err.find("card.removed") != std::string::npos);
  CHECK(sim->WaitForLog("card inserted", std::chrono::seconds(10)));
  auto second = CardRead({"--id", "079092100007"});
  LONGS_EQUAL_TEXT(kExitOk, second.exit_code, second.err.c_str());
}

TEST(CardReadThroughPcscd, TamperedDataGroupFailsVerification) {
  InsertCard("p09-tampered-dg13");
  auto r = CardRead({"--id", "036091100009", "--csca", pki + "/csca"});
  LONGS_EQUAL_TEXT(kExitVerificationFailed, r.exit_code, r.err.c_str());
  auto json = nlohmann::json::parse(r.out);
  STRCMP_EQUAL("failed",
               json["authenticity"]["data_groups"]["DG13"]["state"].get<std::string>().c_str());
}

TEST(CardReadThroughPcscd, BadSodSignatureFailsVerification) {
  InsertCard("p10-bad-sod-signature");
  auto r = CardRead({"--id", "040093100010", "--csca", pki + "/csca"});
  LONGS_EQUAL_TEXT(kExitVerificationFailed, r.exit_code, r.err.c_str());
  auto json = nlohmann::json::parse(r.out);
  STRCMP_EQUAL("failed", json["authenticity"]["sod_signature"]["state"].get<std::string>().c_str());
}

TEST(CardReadThroughPcscd, NoCardIsExitCode4) {
  auto r = RunProcess({KIOSK_CARDREAD_BIN, "--id", "049090100001", "--wait", "1"});
  LONGS_EQUAL_TEXT(kExitNoCard, r.exit_code, r.err.c_str());
}

TEST(CardReadThroughPcscd, NoPcscServiceIsExitCode3) {
  RunProcess({Sandbox(), "stop", sandbox});
  sandbox_started = false;
  auto r = RunProcess({KIOSK_CARDREAD_BIN, "--id", "049090100001", "--wait", "1"});
  LONGS_EQUAL_TEXT(kExitNoReader, r.exit_code, r.err.c_str());
}
