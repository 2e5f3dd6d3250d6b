#pragma once

// What a journey runs on in the kiosk-app unit tests: the catalog, the
// virtual card of persona p01, the fake scanner, terminal and printer, an
// outbox and keys, at 09:00 on Monday 30 November 2026 in Vietnam. Test
// groups build on it with TEST_GROUP_BASE(Name, kiosk::test::JourneyBench).
// Include after test_prelude.h.

#include <memory>
#include <optional>

#include "kiosk/catalog/catalog.h"
#include "kiosk/core/log.h"
#include "kiosk/dossier/outbox.h"
#include "kiosk/dossier/package.h"
#include "kiosk/idcard/sim/virtual_reader.h"
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

class JourneyBench : public Utest {
 protected:
  core::log::ScopedCapture capture;
  core::FakeClock clock{Monday9am()};
  core::DeterministicRandom random{11};
  core::DeterministicRandom worker_random{12};
  TempDir dir;
  std::optional<catalog::Catalog> catalog;
  std::unique_ptr<idcard::sim::VirtualIdCardReader> reader;
  scanner::FakeScanner scanner;
  std::optional<payment::FakePaymentTerminal> terminal;
  printer::FakePrinter printer;
  std::optional<dossier::Outbox> outbox;
  std::optional<core::PrivateKey> device_key;
  core::SecretBytes storage_key;

  void MakeDevices() {
    catalog.emplace(*catalog::Catalog::Load(SourcePath("firmware/catalog/data/procedures.toml")));
    auto persona = idcard::sim::LoadPersona(DataPath("personas/p01-married-with-old-id.toml"));
    auto pki = idcard::sim::GenerateTestPki(7, clock.Now());
    reader =
        std::move(idcard::sim::VirtualIdCardReader::Create(*persona, *pki, clock, worker_random))
            .Value();
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
