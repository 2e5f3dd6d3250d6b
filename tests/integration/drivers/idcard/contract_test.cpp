// The chip card reader's contract, one suite run against both of its
// stand-ins: the fake (kiosk/idcard/fake_reader.h, what unit tests use) and
// the simulator (a virtual CCCD built from a persona, read through the real
// ChipReader). What the journey relies on must hold for both: the right
// key reads every field, PACE when the chip offers it and BAC otherwise; a
// wrong key and another person's key are refused with their own codes; no
// card is "card.absent"; the photo only when asked; progress up to 100.
#include "test_prelude.h"

#include <memory>

#include "kiosk/idcard/fake_reader.h"
#include "kiosk/idcard/sim/persona.h"
#include "kiosk/idcard/sim/virtual_reader.h"

namespace core = kiosk::core;
namespace idcard = kiosk::idcard;
using idcard::AccessKey;
using idcard::CitizenIdentity;

namespace {

// 2026-11-30, when both stand-ins are read.
const idcard::Date kToday{2026, 11, 30};

core::WallTime Today() {
  return core::WallTime{std::chrono::sys_days{std::chrono::year{2026} / 11 / 30}};
}

class Rig {
 public:
  virtual ~Rig() = default;
  virtual const char* Name() const = 0;
  virtual idcard::IdCardReader& Reader() = 0;
  virtual void Remove() = 0;
};

// What a persona's chip holds, as the fake is given it.
idcard::FakeCard FakeCardOf(const idcard::sim::Persona& p) {
  CitizenIdentity id;
  id.id_number = core::PersonalText(p.id_number);
  id.full_name = core::PersonalText(p.full_name);
  id.birth_date = core::PersonalText(p.birth_date);
  id.sex = core::PersonalText(p.sex);
  id.nationality = core::PersonalText(p.nationality);
  id.ethnicity = core::PersonalText(p.ethnicity);
  id.religion = core::PersonalText(p.religion);
  id.place_of_origin = core::PersonalText(p.place_of_origin);
  id.residence = core::PersonalText(p.residence);
  id.identification_marks = core::PersonalText(p.identification_marks);
  id.issue_date = core::PersonalText(p.issue_date);
  id.expiry_date = core::PersonalText(p.expiry_date.empty() ? "Không thời hạn" : p.expiry_date);
  id.father_name = core::PersonalText(p.father_name);
  id.mother_name = core::PersonalText(p.mother_name);
  id.spouse_name = core::PersonalText(p.spouse_name);
  id.old_id_number = core::PersonalText(p.old_id_number);
  id.photo_mime = "image/jpeg";
  id.photo = core::Personal<std::vector<std::uint8_t>>(
      std::vector<std::uint8_t>{0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xD9});
  // Signed by a test document signer; no CSCA given to the reader.
  using idcard::CheckState;
  id.authenticity.sod_signature = {CheckState::kVerified, ""};
  for (int dg : {1, 2, 13, 14, 15}) id.authenticity.data_groups[dg] = {CheckState::kVerified, ""};
  id.authenticity.active_authentication = {CheckState::kVerified, ""};
  return idcard::FakeCard{std::move(id), !p.bac_only};
}

class FakeRig final : public Rig {
 public:
  explicit FakeRig(const idcard::sim::Persona& p) : reader_(FakeCardOf(p)) {}
  const char* Name() const override { return "fake"; }
  idcard::IdCardReader& Reader() override { return reader_; }
  void Remove() override { reader_.Remove(); }

 private:
  idcard::FakeIdCardReader reader_;
};

class SimulatorRig final : public Rig {
 public:
  explicit SimulatorRig(const idcard::sim::Persona& p) {
    auto pki = idcard::sim::GenerateTestPki(7, Today());
    reader_ = idcard::sim::VirtualIdCardReader::Create(p, *pki, clock_, random_).Value();
  }
  const char* Name() const override { return "simulator"; }
  idcard::IdCardReader& Reader() override { return *reader_; }
  void Remove() override { reader_->SetPresent(false); }

 private:
  core::FakeClock clock_{Today()};
  core::DeterministicRandom random_{5};
  std::unique_ptr<idcard::sim::VirtualIdCardReader> reader_;
};

idcard::sim::Persona Persona(const char* name) {
  return idcard::sim::LoadPersona(kiosk::test::DataPath(std::string("personas/") + name + ".toml"))
      .Value();
}

AccessKey KeyFor(const idcard::sim::Persona& p) {
  return AccessKey::FromIdNumber(p.id_number, p.MrzBirth(), p.MrzExpiry(), kToday).Value();
}

}  // namespace

TEST_GROUP(CardReaderContract){
    // Runs `check` against the fake and the simulator holding `persona`.
    void ForEach(const char* persona,
                 const std::function<void(Rig&, const idcard::sim::Persona&)>& check){
        const auto p = Persona(persona);
FakeRig fake(p);
SimulatorRig simulator(p);
for (Rig* rig : std::initializer_list<Rig*>{&fake, &simulator}) {
  check(*rig, p);
}
}
}
;

TEST(CardReaderContract, TheRightKeyReadsEveryFieldOverPaceWhenTheChipOffersIt) {
  for (const char* persona : {"p01-married-with-old-id", "p03-no-expiry", "p08-bac-only"}) {
    ForEach(persona, [&](Rig& rig, const idcard::sim::Persona& p) {
      const std::string where = std::string(rig.Name()) + " " + persona;
      auto read = rig.Reader().Read(KeyFor(p), {}, std::chrono::milliseconds(0));
      CHECK_TEXT(read.HasValue(),
                 (where + ": " + (read ? "" : read.GetError().ToString())).c_str());
      const CitizenIdentity& id = *read;
      STRCMP_EQUAL_TEXT(p.id_number.c_str(), id.id_number.Reveal().c_str(), where.c_str());
      STRCMP_EQUAL_TEXT(p.full_name.c_str(), id.full_name.Reveal().c_str(), where.c_str());
      STRCMP_EQUAL_TEXT(p.birth_date.c_str(), id.birth_date.Reveal().c_str(), where.c_str());
      STRCMP_EQUAL_TEXT(p.sex.c_str(), id.sex.Reveal().c_str(), where.c_str());
      STRCMP_EQUAL_TEXT(p.residence.c_str(), id.residence.Reveal().c_str(), where.c_str());
      STRCMP_EQUAL_TEXT(p.place_of_origin.c_str(), id.place_of_origin.Reveal().c_str(),
                        where.c_str());
      STRCMP_EQUAL_TEXT(p.expiry_date.c_str(), id.expiry_date.Reveal().c_str(), where.c_str());
      STRCMP_EQUAL_TEXT(p.father_name.c_str(), id.father_name.Reveal().c_str(), where.c_str());
      STRCMP_EQUAL_TEXT(p.spouse_name.c_str(), id.spouse_name.Reveal().c_str(), where.c_str());
      STRCMP_EQUAL_TEXT(p.old_id_number.c_str(), id.old_id_number.Reveal().c_str(), where.c_str());
      STRCMP_EQUAL_TEXT(p.bac_only ? "BAC" : "PACE-CAN", id.access_method.c_str(), where.c_str());
      STRCMP_EQUAL_TEXT("signature valid, chain not verified", id.authenticity.Verdict().c_str(),
                        where.c_str());
      STRCMP_EQUAL_TEXT("image/jpeg", id.photo_mime.c_str(), where.c_str());
      CHECK_TEXT(id.photo.Reveal().size() > 3 && id.photo.Reveal()[0] == 0xFF &&
                     id.photo.Reveal()[1] == 0xD8,
                 where.c_str());
    });
  }
}

TEST(CardReaderContract, TheCanAloneOpensAPaceChipAndNotABacOnlyOne) {
  ForEach("p01-married-with-old-id", [](Rig& rig, const idcard::sim::Persona& p) {
    auto key = AccessKey::FromCan(p.id_number.substr(6)).Value();
    auto read = rig.Reader().Read(key, {}, std::chrono::milliseconds(0));
    CHECK_TEXT(read.HasValue(), rig.Name());
    STRCMP_EQUAL_TEXT("PACE-CAN", read->access_method.c_str(), rig.Name());
  });
  ForEach("p08-bac-only", [](Rig& rig, const idcard::sim::Persona& p) {
    auto key = AccessKey::FromCan(p.id_number.substr(6)).Value();
    auto read = rig.Reader().Read(key, {}, std::chrono::milliseconds(0));
    CHECK_TEXT(!read.HasValue(), rig.Name());
    STRCMP_EQUAL_TEXT("card.wrong_key", read.GetError().Code().c_str(), rig.Name());
  });
}

TEST(CardReaderContract, AWrongKeyIsRefusedAndAnotherPersonsIdIsAMismatch) {
  for (const char* persona : {"p01-married-with-old-id", "p08-bac-only"}) {
    ForEach(persona, [&](Rig& rig, const idcard::sim::Persona& p) {
      const std::string where = std::string(rig.Name()) + " " + persona;
      // A wrong birth date and another ID number altogether.
      std::string other = p.id_number;
      other[11] = other[11] == '9' ? '0' : static_cast<char>(other[11] + 1);
      auto wrong = AccessKey::FromIdNumber(other, "010101", p.MrzExpiry(), kToday).Value();
      auto refused = rig.Reader().Read(wrong, {}, std::chrono::milliseconds(0));
      CHECK_TEXT(!refused.HasValue(), where.c_str());
      STRCMP_EQUAL_TEXT("card.wrong_key", refused.GetError().Code().c_str(), where.c_str());
      // The right key still opens it afterwards.
      CHECK_TEXT(rig.Reader().Read(KeyFor(p), {}, std::chrono::milliseconds(0)).HasValue(),
                 where.c_str());
    });
  }
  // An ID whose last six digits are this chip's CAN but whose first six are
  // not: the chip opens, and the reader says it is someone else's card.
  ForEach("p01-married-with-old-id", [](Rig& rig, const idcard::sim::Persona& p) {
    const std::string other = "001" + p.id_number.substr(3);
    auto key = AccessKey::FromIdNumber(other, "", "", kToday).Value();
    auto read = rig.Reader().Read(key, {}, std::chrono::milliseconds(0));
    CHECK_TEXT(!read.HasValue(), rig.Name());
    STRCMP_EQUAL_TEXT("card.mismatch", read.GetError().Code().c_str(), rig.Name());
  });
}

TEST(CardReaderContract, NoCardIsAbsentAfterTheWait) {
  ForEach("p01-married-with-old-id", [](Rig& rig, const idcard::sim::Persona& p) {
    rig.Remove();
    const auto started = std::chrono::steady_clock::now();
    auto read = rig.Reader().Read(KeyFor(p), {}, std::chrono::milliseconds(50));
    CHECK_TEXT(!read.HasValue(), rig.Name());
    STRCMP_EQUAL_TEXT("card.absent", read.GetError().Code().c_str(), rig.Name());
    CHECK_TEXT(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(50),
               rig.Name());
  });
}

TEST(CardReaderContract, ThePhotoOnlyWhenAskedAndProgressReachesTheEnd) {
  ForEach("p02-single-no-old-id", [](Rig& rig, const idcard::sim::Persona& p) {
    std::vector<int> percents;
    idcard::ReadOptions options;
    options.read_photo = false;
    options.on_progress = [&](const idcard::ReadProgress& progress) {
      percents.push_back(progress.percent);
    };
    auto read = rig.Reader().Read(KeyFor(p), options, std::chrono::milliseconds(0));
    CHECK_TEXT(read.HasValue(), rig.Name());
    CHECK_TEXT(read->photo.Reveal().empty(), rig.Name());
    CHECK_TEXT(!percents.empty(), rig.Name());
    LONGS_EQUAL_TEXT(0, percents.front(), rig.Name());
    LONGS_EQUAL_TEXT(100, percents.back(), rig.Name());
    CHECK_TEXT(std::is_sorted(percents.begin(), percents.end()), rig.Name());
  });
}
