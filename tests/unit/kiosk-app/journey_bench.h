#pragma once

// What a journey runs on in the kiosk-app unit tests: the catalog, the
// fake card reader holding persona p01's card, the fake scanner, terminal
// and printer, an
// outbox and keys, at 09:00 on Monday 30 November 2026 in Vietnam. Test
// groups build on it with TEST_GROUP_BASE(Name, kiosk::test::JourneyBench).
// Include after test_prelude.h.

#include <memory>
#include <optional>

#include "kiosk/catalog/catalog.h"
#include "kiosk/core/log.h"
#include "kiosk/dossier/outbox.h"
#include "kiosk/dossier/package.h"
#include "kiosk/idcard/fake_reader.h"
#include "kiosk/journey/journey.h"
#include "kiosk/payment/fake_terminal.h"
#include "kiosk/printer/fake_printer.h"
#include "kiosk/scanner/fake_scanner.h"

namespace kiosk::test {

// 2026-11-30 09:00 in Vietnam (UTC+7): a Monday.
inline core::WallTime Monday9am() {
  return core::WallTime{std::chrono::sys_days{std::chrono::year{2026} / 11 / 30}} +
         std::chrono::hours(2);
}

// What the chip of persona p01 (tests/data/personas) holds, as the fake
// reader is given it; the card reader's contract suite holds the fake to
// what the simulator reads from the same persona.
inline idcard::FakeCard P01Card() {
  using core::PersonalText;
  idcard::CitizenIdentity id;
  id.id_number = PersonalText("049090100001");
  id.full_name = PersonalText("Nguyễn Văn An");
  id.mrz_name = PersonalText("NGUYEN<<VAN<AN");
  id.birth_date = PersonalText("15/05/1990");
  id.sex = PersonalText("Nam");
  id.nationality = PersonalText("Việt Nam");
  id.ethnicity = PersonalText("Kinh");
  id.religion = PersonalText("Không");
  id.place_of_origin = PersonalText("Xã Tam Thanh, Tam Kỳ, Quảng Nam");
  id.residence = PersonalText("Số 12 Phan Bội Châu, Phường Tân Thạnh, Tam Kỳ, Quảng Nam");
  id.identification_marks = PersonalText("Nốt ruồi C:1cm trên trước mép trái");
  id.issue_date = PersonalText("01/06/2021");
  id.expiry_date = PersonalText("15/05/2030");
  id.father_name = PersonalText("Nguyễn Văn Bình");
  id.mother_name = PersonalText("Trần Thị Cúc");
  id.spouse_name = PersonalText("Lê Thị Dung");
  id.old_id_number = PersonalText("205100001");
  id.card_serial = PersonalText("A1B2C3D4E5F60718");
  id.photo_mime = "image/jpeg";
  id.photo = core::Personal<std::vector<std::uint8_t>>(
      std::vector<std::uint8_t>{0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xD9});
  id.authenticity.sod_signature = {idcard::CheckState::kVerified, ""};
  for (int dg : {1, 2, 13, 14, 15}) {
    id.authenticity.data_groups[dg] = {idcard::CheckState::kVerified, ""};
  }
  id.authenticity.active_authentication = {idcard::CheckState::kVerified, ""};
  return idcard::FakeCard{std::move(id), true};
}

class JourneyBench : public Utest {
 protected:
  core::log::ScopedCapture capture;
  core::FakeClock clock{Monday9am()};
  core::DeterministicRandom random{11};
  core::DeterministicRandom worker_random{12};
  TempDir dir;
  std::optional<catalog::Catalog> catalog;
  std::optional<idcard::FakeIdCardReader> reader;
  scanner::FakeScanner scanner;
  std::optional<payment::FakePaymentTerminal> terminal;
  printer::FakePrinter printer;
  std::optional<dossier::Outbox> outbox;
  std::optional<core::PrivateKey> device_key;
  core::SecretBytes storage_key;

  void MakeDevices() {
    catalog.emplace(*catalog::Catalog::Load(SourcePath("firmware/catalog/data/procedures.toml")));
    reader.emplace(P01Card());
    terminal.emplace(clock);
    outbox.emplace(std::move(dossier::Outbox::Open(dir.Path() / "outbox", clock)).Value());
    device_key.emplace(*core::PrivateKey::GenerateP256(random));
    storage_key = *dossier::LoadOrCreateStorageKey(dir.Path() / "storage.key", random);
  }

  journey::Settings MakeSettings() {
    journey::Settings s;
    s.kiosk_id = "QNM-TAMKY-0001";
    s.province = "49";
    s.agency_code = "000.17.22.H56";
    s.agency_name = "UBND phường An Mỹ";
    s.site_name = "UBND phường An Mỹ";
    s.health_facilities = {"Bệnh viện Đa khoa Quảng Nam", "Trạm Y tế phường An Mỹ"};
    s.card_wait = std::chrono::milliseconds(0);
    s.submit_wait = std::chrono::milliseconds(0);
    s.work_dir = dir.Path();
    return s;
  }

  std::unique_ptr<journey::Journey> MakeJourney(journey::Executor& executor) {
    return std::make_unique<journey::Journey>(
        *catalog, MakeSettings(), journey::Devices{*reader, scanner, *terminal, printer, *outbox},
        journey::SealingKeys{*device_key, "QNM-TAMKY-0001", storage_key, worker_random}, executor,
        clock, random);
  }
};

}  // namespace kiosk::test
