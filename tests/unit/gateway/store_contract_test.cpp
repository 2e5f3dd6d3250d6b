// What every implementation of the gateway's store seams must do
// (gateway/include/kiosk/gateway/store/). Each case runs against every
// implementation in Implementations(): SQLite files, and a schema of a
// private PostgreSQL cluster (tests/support/postgres.h).

#include "test_prelude.h"

#include <atomic>
#include <functional>
#include <set>
#include <thread>

#include "kiosk/gateway/store/postgres.h"
#include "kiosk/gateway/store/sqlite.h"
#include "postgres.h"

using namespace kiosk::gateway;  // NOLINT(google-build-using-namespace): test file

namespace {

struct AllStores {
  std::unique_ptr<DossierStore> dossiers;
  std::unique_ptr<PaymentStore> payments;
  FleetStores fleet;
  std::unique_ptr<RolloutStore> rollouts;
};

// `place` is where an implementation keeps its data: a directory of SQLite
// files, or a PostgreSQL connection string. Opening one place twice is two
// gateway processes sharing it.
struct Implementation {
  const char* name;
  std::function<std::string(const std::filesystem::path& scratch)> fresh_place;
  std::function<AllStores(const std::string& place)> open;
};

std::vector<Implementation> Implementations() {
  return {{"sqlite",
           [](const std::filesystem::path& scratch) {
             std::filesystem::create_directories(scratch / "sqlite");
             return (scratch / "sqlite").string();
           },
           [](const std::string& place) {
             const std::filesystem::path dir = place;
             return AllStores{sqlite::OpenDossiers(dir / "gateway.db").Value(),
                              sqlite::OpenPayments(dir / "payments.db").Value(),
                              sqlite::OpenFleet(dir / "fleet.db").Value(),
                              sqlite::OpenRollouts(dir / "updates.db").Value()};
           }},
          {"postgresql",
           [](const std::filesystem::path&) {
             return kiosk::test::PostgresCluster::Shared().FreshSchema();
           },
           [](const std::string& place) {
             postgres::Options options;
             options.conninfo = place;
             auto db = postgres::Open(options);
             if (!db) FAIL(db.GetError().ToString().c_str());
             return AllStores{postgres::DossiersOn(*db), postgres::PaymentsOn(*db),
                              postgres::FleetOn(*db), postgres::RolloutsOn(*db)};
           }}};
}

AdmitRequest Dossier(const std::string& id, const std::string& agency, const char* day) {
  AdmitRequest r;
  r.dossier_id = id;
  r.kiosk_id = "QNM-TEST-0001";
  r.procedure_code = "1.001193";
  r.agency = agency;
  r.received_day = *ParseDay(day);
  r.received_at = std::string(day) + "T08:00:00+07:00";
  r.appointment = day;
  r.lookup_secret = "secret-" + id;
  r.manifest_json = "{}";
  return r;
}

}  // namespace

TEST_GROUP(StoreContract) {
  kiosk::test::TempDir dir;

  // Runs `check` on freshly opened stores of every implementation.
  void ForEach(const std::function<void(AllStores&)>& check) {
    ForEachPlace([&](const Implementation& impl, const std::string& place) {
      AllStores stores = impl.open(place);
      check(stores);
    });
  }
  // Runs `check` with a fresh place of every implementation.
  void ForEachPlace(const std::function<void(const Implementation&, const std::string&)>& check) {
    for (const auto& impl : Implementations()) {
      UT_PRINT(impl.name);
      check(impl, impl.fresh_place(dir.Path()));
    }
  }
};

TEST(StoreContract, DossierCodesAreGaplessPerAgencyAndDayAndAdmittingTwiceReturnsTheFirst) {
  ForEach([](AllStores& s) {
    bool created = false;
    auto first = s.dossiers->Admit(Dossier("a", "000.17.22.H56", "2026-12-07"), created).Value();
    CHECK(created);
    STRCMP_EQUAL("000.17.22.H56-261207-0001", first.code.c_str());
    STRCMP_EQUAL("received", first.status.c_str());
    auto other = s.dossiers->Admit(Dossier("b", "000.17.22.H57", "2026-12-07"), created).Value();
    STRCMP_EQUAL("000.17.22.H57-261207-0001", other.code.c_str());
    auto second = s.dossiers->Admit(Dossier("c", "000.17.22.H56", "2026-12-07"), created).Value();
    STRCMP_EQUAL("000.17.22.H56-261207-0002", second.code.c_str());
    auto next_day = s.dossiers->Admit(Dossier("d", "000.17.22.H56", "2026-12-08"), created).Value();
    STRCMP_EQUAL("000.17.22.H56-261208-0001", next_day.code.c_str());
    // The same dossier again: the first record, no new code.
    auto again = s.dossiers->Admit(Dossier("a", "000.17.22.H56", "2026-12-08"), created).Value();
    CHECK_FALSE(created);
    STRCMP_EQUAL(first.code.c_str(), again.code.c_str());
    STRCMP_EQUAL("a", s.dossiers->FindByCode(first.code).Value()->dossier_id.c_str());
    STRCMP_EQUAL("000.17.22.H56-261207-0002", s.dossiers->FindById("c").Value()->code.c_str());
    STRCMP_EQUAL("secret-c", s.dossiers->FindById("c").Value()->lookup_secret.c_str());
    CHECK_FALSE(s.dossiers->FindByCode("000.17.22.H56-261207-0009").Value().has_value());
    CHECK(s.dossiers->AddRating(first.code, 5, "2026-12-07T09:00:00+07:00").Value());
    CHECK_FALSE(s.dossiers->AddRating(first.code, 1, "2026-12-07T09:01:00+07:00").Value());
  });
}

TEST(StoreContract, ATransferSettlesItsPaymentOnceAndIsNamedForWhatItMatched) {
  ForEach([](AllStores& s) {
    const std::string ref1 = "DVC00000000000000000001", ref2 = "DVC00000000000000000002";
    CHECK(s.payments->Expect({ref1, "QNM-TEST-0001", 25000, "vietqr", "qr1", "", "", 0, ""})
              .HasValue());
    CHECK(s.payments->Expect({ref2, "QNM-TEST-0001", 8000, "vietqr", "qr2", "", "", 0, ""})
              .HasValue());
    // Expecting again changes nothing.
    CHECK(s.payments->Expect({ref1, "QNM-TEST-0002", 1, "vietqr", "other", "", "", 0, ""})
              .HasValue());
    auto pending = s.payments->Pending().Value();
    LONGS_EQUAL(2, pending.size());
    STRCMP_EQUAL(ref1.c_str(), pending[0].reference.c_str());
    LONGS_EQUAL(25000, pending[0].amount_vnd);
    STRCMP_EQUAL("pending", pending[0].status.c_str());
    STRCMP_EQUAL("matched", s.payments->RecordTransfer("T1", ref1, 25000, "t").Value().c_str());
    STRCMP_EQUAL("duplicate", s.payments->RecordTransfer("T1", ref1, 25000, "t").Value().c_str());
    STRCMP_EQUAL("mismatch", s.payments->RecordTransfer("T2", ref2, 7000, "t").Value().c_str());
    STRCMP_EQUAL("unmatched", s.payments->RecordTransfer("T3", ref1, 25000, "t").Value().c_str());
    auto paid = s.payments->Find(ref1).Value();
    STRCMP_EQUAL("paid", paid->status.c_str());
    STRCMP_EQUAL("T1", paid->bank_transaction_id.c_str());
    STRCMP_EQUAL("mismatch", s.payments->Find(ref2).Value()->status.c_str());
    CHECK(s.payments->Pending().Value().empty());
    CHECK_FALSE(s.payments->Find("DVC00000000000000000009").Value().has_value());
  });
}

TEST(StoreContract, ATokenEnrollsOnceAndOnlyTheKioskItNames) {
  ForEach([](AllStores& s) {
    auto& d = *s.fleet.devices;
    CHECK(d.AddToken("h1", {"20314", "000.17.22.H56", "op", "", false}, 1000).HasValue());
    CHECK(d.AddToken("h2", {"20314", "000.17.22.H56", "op", "QNM-TEST-0002", false}, 1000)
              .HasValue());
    CHECK(
        d.AddToken("h3", {"20314", "000.17.22.H56", "op", "QNM-TEST-0001", true}, 1000).HasValue());
    STRCMP_EQUAL("enroll.token_unknown", d.ConsumeToken("nope", "X", 1).GetError().Code().c_str());
    STRCMP_EQUAL("enroll.token_expired",
                 d.ConsumeToken("h1", "QNM-TEST-0001", 1000).GetError().Code().c_str());
    STRCMP_EQUAL("enroll.not_enrolled",
                 d.ConsumeToken("h3", "QNM-TEST-0001", 1).GetError().Code().c_str());
    auto grant = d.ConsumeToken("h1", "QNM-TEST-0001", 1).Value();
    STRCMP_EQUAL("20314", grant.commune.c_str());
    STRCMP_EQUAL("enroll.token_used",
                 d.ConsumeToken("h1", "QNM-TEST-0001", 2).GetError().Code().c_str());
    // A binding mistake does not spend the token.
    STRCMP_EQUAL("enroll.wrong_kiosk",
                 d.ConsumeToken("h2", "QNM-TEST-0003", 1).GetError().Code().c_str());
    CHECK(d.RegisterDevice({"QNM-TEST-0001", "20314", "000.17.22.H56", "s1", "active", 5})
              .HasValue());
    CHECK(d.AddToken("h4", {"20314", "000.17.22.H56", "op", "", false}, 1000).HasValue());
    STRCMP_EQUAL("enroll.kiosk_exists",
                 d.ConsumeToken("h4", "QNM-TEST-0001", 1).GetError().Code().c_str());
    CHECK(d.ConsumeToken("h3", "QNM-TEST-0001", 1).Value().reenroll);
    CHECK(d.ConsumeToken("h2", "QNM-TEST-0002", 1).HasValue());
  });
}

TEST(StoreContract, TheRegistryKeepsTheCurrentCertificateAndTheLastHeartbeat) {
  ForEach([](AllStores& s) {
    auto& d = *s.fleet.devices;
    CHECK(d.RegisterDevice({"QNM-B-0002", "20317", "a", "s1", "active", 5}).HasValue());
    CHECK(d.RegisterDevice({"QNM-A-0001", "20314", "a", "s2", "active", 6}).HasValue());
    CHECK(d.RegisterDevice({"QNM-A-0001", "20314", "a", "s3", "active", 7}).HasValue());
    STRCMP_EQUAL("s3", d.FindDevice("QNM-A-0001").Value()->serial.c_str());
    CHECK(d.RecordHeartbeat("QNM-A-0001", 100, R"({"n":1})").HasValue());
    CHECK(d.RecordHeartbeat("QNM-A-0001", 200, R"({"n":2})").HasValue());
    auto fleet = d.Fleet().Value();
    LONGS_EQUAL(2, fleet.size());
    STRCMP_EQUAL("QNM-A-0001", fleet[0].device.kiosk_id.c_str());  // by commune
    LONGS_EQUAL(200, fleet[0].last->received_at);
    CHECK_FALSE(fleet[1].last.has_value());
    auto history = d.History("QNM-A-0001", 10).Value();
    LONGS_EQUAL(2, history.size());
    STRCMP_EQUAL(R"({"n":2})", history[0].body.c_str());
    CHECK(d.PruneHistory(150).HasValue());
    LONGS_EQUAL(1, d.History("QNM-A-0001", 10).Value().size());
    LONGS_EQUAL(200, d.Fleet().Value()[0].last->received_at);  // the latest stays
    CHECK(d.RevokeDevice("QNM-A-0001", 300).Value());
    STRCMP_EQUAL("revoked", d.FindDevice("QNM-A-0001").Value()->state.c_str());
    CHECK_FALSE(d.RevokeDevice("QNM-Z-0009", 300).Value());
    CHECK_FALSE(d.FindDevice("QNM-Z-0009").Value().has_value());
  });
}

TEST(StoreContract, CommandsAreTakenOnceAndFinishedOnlyByTheirKiosk) {
  ForEach([](AllStores& s) {
    auto& c = *s.fleet.commands;
    const auto first = c.AddCommand({0, "K1", "restart", "{}", "", "op", 10, 0, ""}).Value();
    const auto second = c.AddCommand({0, "K1", "upload_logs", "{}", "", "op", 11, 0, ""}).Value();
    CHECK(second > first);
    auto taken = c.TakeCommands("K1").Value();
    LONGS_EQUAL(2, taken.size());
    LONGS_EQUAL(first, taken[0].id);
    CHECK(c.TakeCommands("K1").Value().empty());
    STRCMP_EQUAL("sent", c.FindCommand(first).Value()->state.c_str());
    CHECK_FALSE(c.FinishCommand("K2", first, true, "x", 20).Value());
    CHECK(c.FinishCommand("K1", first, false, "no power", 20).Value());
    CHECK_FALSE(c.FinishCommand("K1", first, true, "again", 21).Value());
    auto finished = c.FindCommand(first).Value();
    STRCMP_EQUAL("failed", finished->state.c_str());
    STRCMP_EQUAL("no power", finished->result.c_str());
    LONGS_EQUAL(20, finished->finished_at);
    LONGS_EQUAL(second, c.Commands("K1", 10).Value().front().id);  // the newest first
    CHECK(c.StoreLog(second, "one").HasValue());
    CHECK(c.StoreLog(second, "two").HasValue());
    STRCMP_EQUAL("two", c.FindLog(second).Value()->c_str());
    CHECK_FALSE(c.FindLog(first).Value().has_value());
    CHECK_FALSE(c.FindCommand(second + 100).Value().has_value());
  });
}

TEST(StoreContract, SessionsExpireAndEventsComeNewestFirst) {
  ForEach([](AllStores& s) {
    auto& o = *s.fleet.operators;
    CHECK(o.SetOperator("alice", "hash1").HasValue());
    CHECK(o.SetOperator("alice", "hash2").HasValue());
    STRCMP_EQUAL("hash2", o.OperatorHash("alice").Value()->c_str());
    CHECK_FALSE(o.OperatorHash("bob").Value().has_value());
    CHECK(o.AddSession("s1", {"alice", "csrf", 100}).HasValue());
    CHECK(o.AddSession("s2", {"alice", "csrf2", 300}).HasValue());
    STRCMP_EQUAL("csrf", o.FindSession("s1", 99).Value()->csrf_token.c_str());
    CHECK_FALSE(o.FindSession("s1", 100).Value().has_value());
    CHECK(o.DeleteExpiredSessions(200).HasValue());
    CHECK(o.FindSession("s2", 200).Value().has_value());
    CHECK(o.DeleteSession("s2").HasValue());
    CHECK_FALSE(o.FindSession("s2", 200).Value().has_value());
    auto& e = *s.fleet.events;
    CHECK(e.AddEvent({10, "reenrolled", "K1", ""}).HasValue());
    CHECK(e.AddEvent({20, "login_locked", "alice", "5 tries"}).HasValue());
    auto events = e.Events(0, 10).Value();
    LONGS_EQUAL(2, events.size());
    STRCMP_EQUAL("login_locked", events[0].kind.c_str());
    LONGS_EQUAL(1, e.Events(15, 10).Value().size());
  });
}

TEST(StoreContract, RolloutsKeepTheirBundleAndEachKiosksLastReport) {
  ForEach([](AllStores& s) {
    auto& r = *s.rollouts;
    const std::string sha(64, 'a'), other = std::string(63, 'a') + "b";
    CHECK(r.AddBundle({sha, "1.2.0", "kiosk-cm4", 100, 1, "op"}).HasValue());
    CHECK(r.AddBundle({sha, "9.9.9", "x", 1, 2, "op"}).HasValue());  // known: unchanged
    CHECK(r.AddBundle({other, "1.3.0", "kiosk-cm4", 200, 3, "op"}).HasValue());
    STRCMP_EQUAL("1.2.0", r.FindBundle(sha).Value()->version.c_str());
    LONGS_EQUAL(2, r.BundlesStartingWith("aaaaaaaa").Value().size());
    LONGS_EQUAL(1, r.BundlesStartingWith(other).Value().size());
    STRCMP_EQUAL("1.3.0", r.Bundles().Value().front().version.c_str());  // the newest first
    RolloutRecord rollout;
    rollout.bundle.sha256 = sha;
    rollout.percent = 10;
    rollout.communes = {"20314", "20317"};
    rollout.created_at = 5;
    rollout.created_by = "op";
    const auto id = r.AddRollout(rollout).Value();
    CHECK(r.SetPercent(id, 50).Value());
    CHECK(r.SetState(id, "paused").Value());
    CHECK_FALSE(r.SetPercent(id + 1, 50).Value());
    auto listed = r.Rollouts().Value();
    LONGS_EQUAL(1, listed.size());
    LONGS_EQUAL(50, listed[0].percent);
    STRCMP_EQUAL("paused", listed[0].state.c_str());
    LONGS_EQUAL(2, listed[0].communes.size());
    STRCMP_EQUAL("20317", listed[0].communes[1].c_str());
    STRCMP_EQUAL("1.2.0", listed[0].bundle.version.c_str());
    CHECK_FALSE(r.RecordUpdate("K1", {id + 1, "", "downloading", "", 0, "", 10}).Value());
    CHECK(r.RecordUpdate("K1", {id, "", "downloading", "", 40, "", 10}).Value());
    CHECK(r.RecordUpdate("K1", {id, "", "good", "", 100, "B", 20}).Value());
    CHECK(r.RecordUpdate("K2", {id, "", "failed", "no space", 0, "", 30}).Value());
    auto counts = r.StateCounts(id).Value();
    LONGS_EQUAL(1, counts["good"]);
    LONGS_EQUAL(1, counts["failed"]);
    LONGS_EQUAL(0, counts.count("downloading"));
    STRCMP_EQUAL("good", r.KioskState("K1", id).Value()->c_str());
    CHECK_FALSE(r.KioskState("K3", id).Value().has_value());
    auto last = r.LastUpdate("K1").Value();
    STRCMP_EQUAL("1.2.0", last->version.c_str());
    STRCMP_EQUAL("B", last->slot.c_str());
    LONGS_EQUAL(100, last->progress);
    CHECK_FALSE(r.LastUpdate("K3").Value().has_value());
  });
}

TEST(StoreContract, CallsForAnOfficerAndTheStaffWhoMayAnswerThem) {
  ForEach([](AllStores& s) {
    auto& h = *s.fleet.help;
    HelpCallRecord call;
    call.id = "call-1";
    call.kiosk_id = "K1";
    call.commune = "20314";
    call.screen = "identify";
    call.language = "vi";
    call.opened_at = 100;
    auto opened = h.OpenCall(call).Value();
    STRCMP_EQUAL("open", opened.state.c_str());
    call.screen = "form";
    STRCMP_EQUAL("form", h.OpenCall(call).Value().screen.c_str());  // known: the screen moves on
    CHECK(h.AnswerCall("call-1", "Nguyễn Văn An", "CB-000001", 150).Value());
    auto answered = h.FindCall("call-1").Value();
    STRCMP_EQUAL("answered", answered->state.c_str());
    STRCMP_EQUAL("Nguyễn Văn An", answered->answered_by.c_str());
    LONGS_EQUAL(150, answered->answered_at);
    STRCMP_EQUAL("answered", h.OpenCall(call).Value().state.c_str());  // keeps its state
    call.id = "call-2";
    call.opened_at = 120;
    CHECK(h.OpenCall(call).HasValue());
    LONGS_EQUAL(2, h.Waiting(0).Value().size());
    STRCMP_EQUAL("call-2", h.Waiting(110).Value().at(0).id.c_str());
    CHECK(h.CloseCall("call-1", 200).HasValue());
    CHECK_FALSE(h.AnswerCall("call-1", "x", "", 210).Value());
    LONGS_EQUAL(200, h.FindCall("call-1").Value()->closed_at);
    LONGS_EQUAL(1, h.Waiting(0).Value().size());
    CHECK_FALSE(h.FindCall("call-9").Value().has_value());

    const auto first =
        h.AddStaff({"", "20314", "Trần Thị Bình", "pin1", "op", 10, 1000, 0}).Value();
    const auto second = h.AddStaff({"", "20317", "Lê Văn Cường", "pin2", "op", 10, 50, 0}).Value();
    STRCMP_EQUAL("CB-", first.substr(0, 3).c_str());
    LONGS_EQUAL(9, first.size());
    CHECK(first != second);
    LONGS_EQUAL(2, h.Staff("", 20).Value().size());
    LONGS_EQUAL(1, h.Staff("", 60).Value().size());  // the second has expired
    auto of_commune = h.Staff("20314", 20).Value();
    LONGS_EQUAL(1, of_commune.size());
    STRCMP_EQUAL("Trần Thị Bình", of_commune[0].name.c_str());
    STRCMP_EQUAL(first.c_str(), of_commune[0].id.c_str());
    CHECK(h.RevokeStaff(first, 30).Value());
    CHECK_FALSE(h.RevokeStaff(first, 31).Value());
    CHECK_FALSE(h.RevokeStaff("CB-99999x", 31).Value());
    CHECK(h.Staff("20314", 40).Value().empty());
  });
}

TEST(StoreContract, TheTallyCountsDossiersByVietnamsDayWithTheirFeesIndicatorsAndRatings) {
  ForEach([](AllStores& s) {
    bool created = false;
    auto paid = Dossier("p", "A", "2026-12-07");
    paid.received_at = "2026-12-07T16:30:00Z";  // 23:30 in Vietnam: still the 7th
    paid.manifest_json =
        R"({"fees_total_vnd":25000,"payment":{"amount_vnd":25000},)"
        R"("indicators_766":{"HoSoCoThanhPhanSoHoa":1,"TaiKhoanDuocXacThucVoiVNeID":1},)"
        R"("assisted_by":{"officer_id":"CB-000001","officer_name":"An"}})";
    auto free = Dossier("f", "A", "2026-12-08");
    free.received_at = "2026-12-07T17:30:00Z";  // 00:30 on the 8th in Vietnam
    free.manifest_json = R"({"fees_total_vnd":0,"indicators_766":{"HoSoCoThanhPhanSoHoa":1,)"
                         R"("TaiKhoanDuocXacThucVoiVNeID":0}})";
    auto old = Dossier("o", "A", "2026-12-01");
    old.received_at = "2026-12-01T08:00:00+07:00";
    auto stored = s.dossiers->Admit(paid, created).Value();
    CHECK(s.dossiers->Admit(free, created).HasValue());
    CHECK(s.dossiers->Admit(old, created).HasValue());

    auto tally = s.dossiers->Tally("2026-12-05T00:00:00+07:00").Value();
    LONGS_EQUAL(2, tally.size());
    STRCMP_EQUAL("2026-12-07", tally[0].day.c_str());
    LONGS_EQUAL(1, tally[0].dossiers);
    LONGS_EQUAL(1, tally[0].with_fee);
    LONGS_EQUAL(1, tally[0].paid_at_kiosk);
    LONGS_EQUAL(25000, tally[0].fees_paid_vnd);
    LONGS_EQUAL(1, tally[0].digitized);
    LONGS_EQUAL(1, tally[0].chip_identity);
    LONGS_EQUAL(1, tally[0].assisted);
    STRCMP_EQUAL("2026-12-08", tally[1].day.c_str());
    LONGS_EQUAL(0, tally[1].with_fee);
    LONGS_EQUAL(0, tally[1].paid_at_kiosk);
    LONGS_EQUAL(1, tally[1].digitized);
    LONGS_EQUAL(0, tally[1].chip_identity);
    LONGS_EQUAL(0, tally[1].assisted);
    // The same moment written with another offset selects the same dossiers.
    LONGS_EQUAL(2, s.dossiers->Tally("2026-12-04T17:00:00Z").Value().size());

    CHECK(s.dossiers->AddRating(stored.code, 3, "2026-12-07T17:00:00Z").Value());
    auto ratings = s.dossiers->Ratings("2026-12-07T00:00:00+07:00").Value();
    LONGS_EQUAL(1, ratings.size());
    STRCMP_EQUAL("QNM-TEST-0001", ratings[0].kiosk_id.c_str());
    LONGS_EQUAL(3, ratings[0].score);
    LONGS_EQUAL(1, ratings[0].count);
    CHECK(s.dossiers->Ratings("2026-12-08T01:00:00+07:00").Value().empty());
  });
}

// Two gateways on one store, admitting at once, each dossier sent to both
// (a kiosk retrying through the other replica): every dossier is stored
// once, and the day's codes run 0001..N with no gap and no repeat.
TEST(StoreContract, TwoGatewaysAdmittingAtOnceKeepCodesUniqueAndGapless) {
  kiosk::test::StopTrackingAllocations();  // stores used from several threads
  ForEachPlace([](const Implementation& impl, const std::string& place) {
    AllStores replicas[2] = {impl.open(place), impl.open(place)};
    constexpr int kThreads = 4, kEach = 15;
    std::mutex mutex;
    std::map<std::string, std::set<std::string>> codes_of;  // dossier id -> codes answered
    int created_count = 0;
    std::vector<std::string> failures;
    std::vector<std::thread> threads;
    // Each stream of dossier ids is sent by two threads at once, one to each
    // gateway, in the same order: the same dossier reaches both together.
    for (int t = 0; t < kThreads; ++t) {
      for (int r = 0; r < 2; ++r) {
        threads.emplace_back([&, t, r] {
          for (int i = 0; i < kEach; ++i) {
            const std::string id = "d-" + std::to_string(t) + "-" + std::to_string(i);
            bool created = false;
            auto stored = replicas[r].dossiers->Admit(Dossier(id, "A", "2026-12-07"), created);
            std::lock_guard lock(mutex);
            if (!stored) {
              failures.push_back(stored.GetError().ToString());
              continue;
            }
            codes_of[id].insert(stored->code);
            created_count += created ? 1 : 0;
          }
        });
      }
    }
    for (auto& thread : threads) thread.join();
    for (const auto& f : failures) UT_PRINT(f.c_str());
    CHECK(failures.empty());
    LONGS_EQUAL(kThreads * kEach, created_count);
    LONGS_EQUAL(kThreads * kEach, codes_of.size());
    std::set<std::string> all;
    for (const auto& [id, codes] : codes_of) {
      LONGS_EQUAL(1, codes.size());
      all.insert(*codes.begin());
    }
    LONGS_EQUAL(kThreads * kEach, all.size());
    for (int n = 1; n <= kThreads * kEach; ++n) {
      const auto code = FormatDossierCode("A", *ParseDay("2026-12-07"), n);
      CHECK_TEXT(all.count(code) == 1, code.c_str());
    }
  });
  kiosk::test::ResumeTrackingAllocations();
}

// Heartbeats arriving together (SQLite writes them in one transaction):
// every one is stored, and each kiosk's latest is the one shown.
TEST(StoreContract, HeartbeatsArrivingTogetherAreEachStored) {
  kiosk::test::StopTrackingAllocations();  // stores used from several threads
  ForEach([](AllStores& s) {
    auto& d = *s.fleet.devices;
    constexpr int kKiosks = 8, kEach = 25;
    for (int k = 0; k < kKiosks; ++k) {
      CHECK(d.RegisterDevice(
                 {"K" + std::to_string(k), "20314", "a", "s" + std::to_string(k), "active", 1})
                .HasValue());
    }
    std::atomic<int> failed{0};
    std::vector<std::thread> kiosks;
    for (int k = 0; k < kKiosks; ++k) {
      kiosks.emplace_back([&, k] {
        for (int i = 1; i <= kEach; ++i) {
          const std::string body = R"({"n":)" + std::to_string(i) + "}";
          if (!d.RecordHeartbeat("K" + std::to_string(k), 1000 + i, body)) ++failed;
        }
      });
    }
    for (auto& t : kiosks) t.join();
    LONGS_EQUAL(0, failed.load());
    for (int k = 0; k < kKiosks; ++k) {
      LONGS_EQUAL(kEach, d.History("K" + std::to_string(k), 100).Value().size());
    }
    const auto fleet = d.Fleet().Value();
    LONGS_EQUAL(kKiosks, fleet.size());
    for (const auto& view : fleet) {
      LONGS_EQUAL(1000 + kEach, view.last->received_at);
      STRCMP_EQUAL(R"({"n":25})", view.last->body.c_str());
    }
  });
  kiosk::test::ResumeTrackingAllocations();
}
