// kiosk-agent's pieces without a network: the heartbeat document, log
// scrubbing, the command runner's journal, the payment relay and the help relay.
#include "test_prelude.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "kiosk/agent/commands.h"
#include "kiosk/agent/heartbeat.h"
#include "kiosk/agent/help_relay.h"
#include "kiosk/agent/payment_relay.h"
#include "kiosk/agent/rating_sender.h"
#include "kiosk/core/files.h"
#include "kiosk/core/jws.h"
#include "kiosk/core/log.h"
#include "kiosk/gateway/help.h"
#include "kiosk/gateway/store/sqlite.h"
#include "kiosk/link/app_status.h"
#include "kiosk/link/help_call.h"
#include "kiosk/link/remote_settings.h"

namespace core = kiosk::core;
using namespace kiosk::agent;  // NOLINT(google-build-using-namespace): test file
using namespace kiosk::link;   // NOLINT(google-build-using-namespace): test file
using nlohmann::json;

TEST_GROUP(Heartbeat) {
  kiosk::test::TempDir dir;
  core::FakeClock clock{core::WallTime{std::chrono::seconds(1'795'000'000)}};
};

TEST(Heartbeat, CarriesHealthAndNothingElse) {
  HealthSources sources;
  sources.kiosk_id = "QNM-TAMKY-0001";
  sources.app_status_file = dir.Path() / "status.json";
  sources.disk_path = dir.Path();
  sources.uptime_file = dir.Path() / "uptime";
  sources.thermal_zones = {dir.Path() / "absent", dir.Path() / "temp"};
  sources.os_version = "debian-12";
  std::ofstream(dir.Path() / "uptime") << "12345.67 890.12\n";
  std::ofstream(dir.Path() / "temp") << "51234\n";
  // No status from the app yet.
  auto first = json::parse(BuildHeartbeat(sources, 1, false, clock).Value());
  STRCMP_EQUAL("QNM-TAMKY-0001", first["kiosk_id"].get<std::string>().c_str());
  LONGS_EQUAL(12345, first["uptime_s"].get<int>());
  DOUBLES_EQUAL(51.2, first["temperature_c"].get<double>(), 0.001);
  STRCMP_EQUAL("debian-12", first["versions"]["os"].get<std::string>().c_str());
  STRCMP_EQUAL("app.no_status", first["errors"][0].get<std::string>().c_str());
  CHECK(first["disk"]["total_mb"].get<std::int64_t>() > 0);
  AppStatus app;
  app.version = "0.8.0";
  app.peripherals = {{"printer", "paper_out"}};
  app.counters = {{"journeys_started", 2}};
  app.errors = {"printer.paper_out"};
  app.written_at = clock.Now();
  CHECK(WriteAppStatus(sources.app_status_file, app).HasValue());
  auto second = json::parse(BuildHeartbeat(sources, 2, true, clock).Value());
  STRCMP_EQUAL("paper_out", second["peripherals"]["printer"].get<std::string>().c_str());
  LONGS_EQUAL(2, second["counters"]["journeys_started"].get<int>());
  STRCMP_EQUAL("0.8.0", second["versions"]["app"].get<std::string>().c_str());
  CHECK(second["maintenance"].get<bool>());
  // An app that stopped writing is reported silent, its old states dropped.
  clock.Advance(std::chrono::minutes(5));
  auto third = json::parse(BuildHeartbeat(sources, 3, false, clock).Value());
  STRCMP_EQUAL("app.silent", third["errors"][0].get<std::string>().c_str());
  CHECK(third["peripherals"].empty());
}

TEST_GROUP(Scrub){};

TEST(Scrub, IdentifyingTokensAreRedacted) {
  const std::string out = ScrubLog(
      "2026-11-30T03:55:53.271Z INFO card.read kiosk=QNM-TAMKY-0001 owner=Nguyễn Văn An "
      "id=001203004567 phone=0912345678 mail=an.nguyen@example.vn took=812ms\n");
  CHECK(out.find("2026-11-30T03:55:53.271Z INFO card.read kiosk=QNM-TAMKY-0001") == 0);
  CHECK(out.find("took=812ms\n") != std::string::npos);
  CHECK(out.find("Nguyễn") == std::string::npos);
  CHECK(out.find("Văn") == std::string::npos);
  CHECK(out.find("001203004567") == std::string::npos);
  CHECK(out.find("0912345678") == std::string::npos);
  CHECK(out.find("example.vn") == std::string::npos);
  CHECK(out.find("[redacted]") != std::string::npos);
}

// clang-format off
TEST_GROUP(Commands) {
  core::log::ScopedCapture capture;
  kiosk::test::TempDir dir;
  core::FakeClock clock{core::WallTime{std::chrono::seconds(1'795'000'000)}};
  core::DeterministicRandom random{5};
  std::optional<core::PrivateKey> signer;
  CommandSettings settings;

  void setup() override {
    signer.emplace(core::PrivateKey::GenerateP256(random).Value());
    settings.kiosk_id = "QNM-TAMKY-0001";
    settings.self_test = "echo checked; exit 0";
    settings.reboot = "exit 4";
    settings.maintenance_file = dir.Path() / "maintenance";
    settings.remote_config_file = dir.Path() / "remote-config.json";
    settings.journal = dir.Path() / "commands.json";
    settings.config_signer = *signer->Public();
    settings.log_files = {dir.Path() / "app.log"};
    settings.log_tail_bytes = 40;
  }

  std::string Signed(const json& doc, const core::PrivateKey& key) {
    return core::SignJwsEs256(core::AsBytes(doc.dump()), key, "config", "kiosk-config+jws", random)
        .Value();
  }
  CommandOutcome Run(CommandRunner& runner, std::int64_t id, const std::string& kind,
                     const json& args = json::object()) {
    return runner.Run({id, kind, args.dump()}, nullptr).Value();
  }
};
// clang-format on

TEST(Commands, ShellCommandsReportTheirExitAndOutput) {
  CommandRunner runner(settings, clock);
  auto ok = Run(runner, 1, "self_test");
  CHECK(ok.ok);
  STRCMP_EQUAL("exit 0: checked\n", ok.detail.c_str());
  auto bad = Run(runner, 2, "reboot");
  CHECK_FALSE(bad.ok);
  STRCMP_EQUAL("exit 4", bad.detail.c_str());
  CHECK_FALSE(Run(runner, 3, "restart_app").ok);  // not configured here
  CHECK_FALSE(Run(runner, 4, "format_disk").ok);
}

TEST(Commands, TheJournalNeverRunsACommandTwiceAndKeepsResultsUntilTaken) {
  settings.self_test = "echo x >> " + (dir.Path() / "runs").string();
  CommandRunner runner(settings, clock);
  Run(runner, 7, "self_test");
  Run(runner, 7, "self_test");  // the same command again
  STRCMP_EQUAL("x\n", core::ReadSmallFile(dir.Path() / "runs").Value().c_str());
  auto pending = runner.Pending().Value();
  LONGS_EQUAL(1, pending.size());
  CHECK(runner.Acknowledged(7).HasValue());
  LONGS_EQUAL(0, runner.Pending().Value().size());
  // A command a crash interrupted is reported as such after the restart.
  CHECK(core::WriteFileAtomically(
            settings.journal, core::AsBytes(R"({"9":{"kind":"upload_logs","state":"running"}})"))
            .HasValue());
  CommandRunner restarted(settings, clock);
  auto after = restarted.Pending().Value();
  LONGS_EQUAL(1, after.size());
  CHECK_FALSE(after[0].ok);
  CHECK(after[0].detail.find("interrupted") != std::string::npos);
}

TEST(Commands, MaintenanceModeIsAFlagFile) {
  CommandRunner runner(settings, clock);
  CHECK(Run(runner, 1, "maintenance_on").ok);
  CHECK(runner.Maintenance());
  CHECK(Run(runner, 2, "maintenance_off").ok);
  CHECK_FALSE(runner.Maintenance());
}

TEST(Commands, LogsAreUploadedScrubbedAndTailed) {
  std::ofstream(dir.Path() / "app.log") << std::string(100, '-') << "\nid=001203004567 ok\n";
  CommandRunner runner(settings, clock);
  auto out = Run(runner, 1, "upload_logs");
  CHECK(out.ok);
  CHECK(out.upload.find("[redacted] ok") != std::string::npos);
  CHECK(out.upload.find("001203004567") == std::string::npos);
  CHECK(out.upload.find(std::string(60, '-')) == std::string::npos);  // the tail only
  // Not yet taken by the gateway: after a restart the scrubbed text is still there.
  CommandRunner restarted(settings, clock);
  auto pending = restarted.Pending().Value();
  LONGS_EQUAL(1, pending.size());
  STRCMP_EQUAL(out.upload.c_str(), pending[0].upload.c_str());
  CHECK(restarted.Acknowledged(1).HasValue());
  CHECK(restarted.Pending().Value().empty());
  CHECK_FALSE(std::filesystem::exists(settings.journal.string() + ".1.upload"));
  settings.log_files = {dir.Path() / "none.log"};
  CommandRunner empty(settings, clock);
  CHECK_FALSE(Run(empty, 2, "upload_logs").ok);
}

TEST(Commands, ConfigMustBeSignedForThisKioskAndNewer) {
  CommandRunner runner(settings, clock);
  const json doc = {
      {"kiosk_id", "QNM-TAMKY-0001"},
      {"issued_at", 1000},
      {"settings", {{"heartbeat_interval_s", 30}, {"enabled_procedures", {"1.001193"}}}}};
  auto applied = Run(runner, 1, "config", {{"jws", Signed(doc, *signer)}});
  CHECK_TEXT(applied.ok, applied.detail.c_str());
  LONGS_EQUAL(30, *runner.HeartbeatInterval());
  auto stored = ReadRemoteSettings(settings.remote_config_file);
  CHECK_TEXT(stored.HasValue(), "the verified settings are stored for kiosk-app");
  CHECK(stored->enabled_procedures.has_value());
  STRCMP_EQUAL("1.001193", stored->enabled_procedures->front().c_str());
  // Replayed (same age), another kiosk's, another key's, unknown settings, bad values.
  CHECK_FALSE(Run(runner, 2, "config", {{"jws", Signed(doc, *signer)}}).ok);
  json other = doc;
  other["issued_at"] = 2000;
  other["kiosk_id"] = "QNM-TAMKY-0002";
  CHECK_FALSE(Run(runner, 3, "config", {{"jws", Signed(other, *signer)}}).ok);
  auto stranger = core::PrivateKey::GenerateP256(random).Value();
  json newer = doc;
  newer["issued_at"] = 3000;
  CHECK_FALSE(Run(runner, 4, "config", {{"jws", Signed(newer, stranger)}}).ok);
  newer["settings"] = {{"shell", "rm -rf /"}};
  CHECK_FALSE(Run(runner, 5, "config", {{"jws", Signed(newer, *signer)}}).ok);
  newer["settings"] = {{"heartbeat_interval_s", 1}};
  CHECK_FALSE(Run(runner, 6, "config", {{"jws", Signed(newer, *signer)}}).ok);
  CHECK_FALSE(Run(runner, 7, "config", {{"nothing", 1}}).ok);
  LONGS_EQUAL(30, *runner.HeartbeatInterval());
  // A newer one applies, and a restarted runner remembers it.
  newer["settings"] = {{"heartbeat_interval_s", 45}};
  CHECK(Run(runner, 8, "config", {{"jws", Signed(newer, *signer)}}).ok);
  CommandRunner restarted(settings, clock);
  LONGS_EQUAL(45, *restarted.HeartbeatInterval());
}

// ---- the payment relay: kiosk-app's asks carried to a gateway ----

namespace {

// A gateway that records what it was sent; a payment turns "paid" after
// `pay_after` questions about it.
struct FakePaymentGateway {
  int puts = 0, gets = 0, pay_after = 2;
  bool reachable = true;
  std::map<std::string, std::int64_t> expected;
  core::Expected<core::HttpResponse> operator()(const core::HttpRequest& r) {
    if (!reachable) return core::Error::Retryable("tls.connect", "refused");
    const std::string reference = r.target.substr(std::string("/v1/payments/").size());
    core::HttpResponse out;
    if (r.method == "PUT") {
      ++puts;
      expected[reference] = json::parse(r.body)["amount_vnd"].get<std::int64_t>();
      out.status = 201;
      return out;
    }
    ++gets;
    if (!expected.count(reference)) {
      out.status = 404;
      return out;
    }
    out.status = 200;
    out.body = gets >= pay_after ? json{{"status", "paid"},
                                        {"bank_transaction_id", "FT-1"},
                                        {"amount_vnd", expected[reference]},
                                        {"paid_at", "2026-12-06T10:00:00+07:00"}}
                                       .dump()
                                 : json{{"status", "pending"}}.dump();
    return out;
  }
};

}  // namespace

TEST_GROUP(PaymentRelay) {
  kiosk::test::TempDir dir;
  FakePaymentGateway gateway;
  PaymentRelay::Send Send() {
    return [this](const core::HttpRequest& r) { return gateway(r); };
  }
};

TEST(PaymentRelay, RegistersOnceThenAsksEachIntervalUntilPaid) {
  PaymentMailbox app(dir.Path());
  PaymentRelay relay(PaymentMailbox(dir.Path()), Send(), std::chrono::milliseconds(1000));
  CHECK(app.Post({"a1", "REF-1", AskKind::kExpect, 10'000, "000201"}).HasValue());
  auto t = PaymentRelay::Steady::time_point{} + std::chrono::hours(1);
  LONGS_EQUAL(1, relay.Step(t).Value());
  LONGS_EQUAL(1, gateway.puts);
  STRCMP_EQUAL("registered", (*app.AnswerTo("REF-1", "a1"))->state.c_str());
  LONGS_EQUAL(0, relay.Step(t + std::chrono::milliseconds(500)).Value());  // not due yet
  CHECK(relay.Step(t + std::chrono::seconds(1)).HasValue());
  STRCMP_EQUAL("pending", (*app.AnswerTo("REF-1", "a1"))->state.c_str());
  CHECK(relay.Step(t + std::chrono::seconds(2)).HasValue());
  auto paid = *app.AnswerTo("REF-1", "a1");
  STRCMP_EQUAL("paid", paid->state.c_str());
  STRCMP_EQUAL("FT-1", paid->bank_transaction_id.c_str());
  LONGS_EQUAL(10'000, paid->amount_vnd);
  // Settled: nothing more is asked, and a withdrawn ask's answer is swept.
  LONGS_EQUAL(0, relay.Step(t + std::chrono::seconds(10)).Value());
  LONGS_EQUAL(1, gateway.puts);
  CHECK(app.Withdraw("REF-1").HasValue());
  CHECK(relay.Step(t + std::chrono::seconds(11)).HasValue());
  CHECK_FALSE(std::filesystem::exists(dir.Path() / "REF-1.answer.json"));
}

TEST(PaymentRelay, AnUnreachableGatewayIsAnsweredOfflineAndAQueryOnce) {
  PaymentMailbox app(dir.Path());
  PaymentRelay relay(PaymentMailbox(dir.Path()), Send());
  gateway.reachable = false;
  CHECK(app.Post({"a1", "REF-1", AskKind::kExpect, 10'000, "000201"}).HasValue());
  CHECK(relay.Step(PaymentRelay::Steady::now()).HasValue());
  auto offline = *app.AnswerTo("REF-1", "a1");
  STRCMP_EQUAL("offline", offline->state.c_str());
  STRCMP_EQUAL("tls.connect", offline->detail.c_str());
  gateway.reachable = true;
  CHECK(app.Post({"q1", "REF-2", AskKind::kQuery, 0, ""}).HasValue());
  CHECK(relay.Step(PaymentRelay::Steady::now() + std::chrono::hours(1)).HasValue());
  STRCMP_EQUAL("unknown", (*app.AnswerTo("REF-2", "q1"))->state.c_str());
  const int asked = gateway.gets;
  CHECK(relay.Step(PaymentRelay::Steady::now() + std::chrono::hours(2)).HasValue());
  LONGS_EQUAL(asked, gateway.gets);  // a query is answered once
}

TEST(PaymentRelay, TheGatewaysRecordIsCheckedBeforeItIsPassedOn) {
  CHECK_FALSE(ParseGatewayPayment(R"({"status":"paid"})").HasValue());
  CHECK_FALSE(ParseGatewayPayment(R"({"status":"refunded"})").HasValue());
  CHECK_FALSE(ParseGatewayPayment("<html>").HasValue());
  CHECK(ParseGatewayPayment(R"({"status":"pending"})").HasValue());
}

// The help relay against the gateway's own help desk (in memory, no TLS).
TEST_GROUP(RatingSender) {
  kiosk::core::log::ScopedCapture capture;
  kiosk::test::TempDir dir;
  std::vector<int> answers;  // the gateway's statuses, in turn; 0: unreachable
  std::vector<std::string> targets;

  kiosk::agent::RatingSender::Send Send() {
    return
        [this](
            const kiosk::core::HttpRequest& r) -> kiosk::core::Expected<kiosk::core::HttpResponse> {
          targets.push_back(r.method + " " + r.target);
          const int status = answers.empty() ? 0 : answers.front();
          if (!answers.empty()) answers.erase(answers.begin());
          if (status == 0) return kiosk::core::Error::Retryable("tls.connect", "unreachable");
          return kiosk::core::HttpResponse{status, {}, "{}"};
        };
  }
};

TEST(RatingSender, ARatingLeavesOnceTheGatewayHasItsDossier) {
  using namespace std::chrono_literals;
  const std::string a = "0192f1a0-7b3c-7d2e-8f00-00000000000a";
  const std::string b = "0192f1a0-7b3c-7d2e-8f00-00000000000b";
  kiosk::link::RatingOutbox outbox(dir.Path() / "ratings");
  CHECK(outbox.Put({a, 3, "2026-11-30T02:05:00.000Z"}).HasValue());
  kiosk::agent::RatingSender sender(outbox, Send(), 30s);
  const auto t0 = kiosk::agent::RatingSender::Steady::now();
  // The dossier has not arrived: kept, and not asked again before the retry.
  answers = {404};
  LONGS_EQUAL(0, sender.Step(t0).Value());
  LONGS_EQUAL(1, outbox.Pending().Value().size());
  LONGS_EQUAL(0, sender.Step(t0 + 10s).Value());
  LONGS_EQUAL(1, targets.size());
  STRCMP_EQUAL(("PUT /v1/dossiers/" + a + "/rating").c_str(), targets[0].c_str());
  // The gateway unreachable: the same.
  answers = {0};
  LONGS_EQUAL(0, sender.Step(t0 + 31s).Value());
  LONGS_EQUAL(1, outbox.Pending().Value().size());
  // Taken (or rated already): gone from the kiosk. A malformed one is dropped.
  CHECK(outbox.Put({b, 1, "2026-11-30T02:06:00.000Z"}).HasValue());
  answers = {201, 400};
  LONGS_EQUAL(1, sender.Step(t0 + 62s).Value());
  CHECK(outbox.Pending().Value().empty());
}

TEST_GROUP(HelpRelay) {
  core::log::ScopedCapture capture;
  kiosk::test::TempDir dir;
  core::FakeClock clock{core::WallTime{std::chrono::seconds(1'795'000'000)}};
  core::DeterministicRandom random{5};
  kiosk::gateway::FleetStores stores;
  std::unique_ptr<kiosk::gateway::HelpDesk> desk;
  bool reachable = true;
  int requests = 0;

  void setup() override {
    stores = kiosk::gateway::sqlite::OpenFleet(dir.Path() / "fleet.db").Value();
    kiosk::gateway::DeviceRecord d;
    d.kiosk_id = "QNM-A-0001";
    d.commune = "20314";
    d.state = "active";
    CHECK(stores.devices->RegisterDevice(d).HasValue());
    desk = std::make_unique<kiosk::gateway::HelpDesk>(*stores.help, *stores.devices, random, clock);
  }
  HelpRelay::Send Send() {
    return [this](const core::HttpRequest& r) -> core::Expected<core::HttpResponse> {
      ++requests;
      if (!reachable) return core::Error::Retryable("tls.connect", "unreachable");
      return *desk->HandleDevice(r, "QNM-A-0001");
    };
  }
  HelpCall Call(const std::string& id) {
    HelpCall c;
    c.id = id;
    c.screen = "fees";
    c.language = "vi";
    return c;
  }
};

TEST(HelpRelay, TheCallReachesTheOfficersAndTheAnswerComesBack) {
  HelpMailbox app(dir.Path() / "help");
  HelpRelay relay(HelpMailbox(dir.Path() / "help"), Send(), std::chrono::milliseconds(1000));
  auto t = HelpRelay::Steady::time_point{} + std::chrono::hours(1);
  LONGS_EQUAL(0, relay.Step(t).Value());  // nothing to carry
  CHECK_FALSE(relay.Called());
  CHECK(app.Call(Call("help-1")).HasValue());
  LONGS_EQUAL(1, relay.Step(t).Value());
  CHECK(relay.Called());  // the lamp is lit
  STRCMP_EQUAL("open", (*app.AnswerTo("help-1"))->state.c_str());
  LONGS_EQUAL(0, relay.Step(t + std::chrono::milliseconds(500)).Value());  // not due yet
  CHECK(desk->Answer("help-1", "Trần Thị Bình").Value());
  CHECK(relay.Step(t + std::chrono::seconds(1)).HasValue());
  auto answered = *app.AnswerTo("help-1");
  STRCMP_EQUAL("answered", answered->state.c_str());
  STRCMP_EQUAL("Trần Thị Bình", answered->officer_name.c_str());
  // Withdrawn: the gateway closes it, the lamp goes out, the answer is swept.
  CHECK(app.Withdraw().HasValue());
  LONGS_EQUAL(1, relay.Step(t + std::chrono::seconds(2)).Value());
  CHECK_FALSE(relay.Called());
  STRCMP_EQUAL("closed", stores.help->FindCall("help-1").Value()->state.c_str());
  CHECK_FALSE(app.AnswerTo("help-1").Value().has_value());
}

TEST(HelpRelay, APinIsCheckedOnceAndAnUnreachableGatewayIsSaid) {
  const auto issued = desk->IssueStaff("20314", "Lê Văn Cường", 30, "op").Value();
  HelpMailbox app(dir.Path() / "help");
  HelpRelay relay(HelpMailbox(dir.Path() / "help"), Send(), std::chrono::milliseconds(1000));
  auto t = HelpRelay::Steady::time_point{} + std::chrono::hours(1);
  reachable = false;
  CHECK(app.Call(Call("help-1")).HasValue());
  CHECK(relay.Step(t).HasValue());
  auto offline = *app.AnswerTo("help-1");
  STRCMP_EQUAL("offline", offline->state.c_str());
  STRCMP_EQUAL("tls.connect", offline->detail.c_str());
  reachable = true;
  CHECK(relay.Step(t + std::chrono::seconds(1)).HasValue());
  STRCMP_EQUAL("open", (*app.AnswerTo("help-1"))->state.c_str());
  // A wrong PIN, then the right one: each checked once.
  auto c = Call("help-1");
  c.attempt = "try-1";
  c.pin = "000000";
  CHECK(app.Call(c).HasValue());
  CHECK(relay.Step(t + std::chrono::milliseconds(1100)).HasValue());
  auto refused = *app.AnswerTo("help-1");
  STRCMP_EQUAL("try-1", refused->attempt.c_str());
  STRCMP_EQUAL("refused", refused->credential.c_str());
  const int before = requests;
  CHECK(relay.Step(t + std::chrono::milliseconds(1200)).HasValue());
  LONGS_EQUAL(before, requests);  // not checked again, not due
  c.attempt = "try-2";
  c.pin = issued.pin;
  CHECK(app.Call(c).HasValue());
  CHECK(relay.Step(t + std::chrono::milliseconds(1300)).HasValue());
  auto accepted = *app.AnswerTo("help-1");
  STRCMP_EQUAL("accepted", accepted->credential.c_str());
  STRCMP_EQUAL(issued.id.c_str(), accepted->officer_id.c_str());
  STRCMP_EQUAL("Lê Văn Cường", accepted->officer_name.c_str());
  // The next poll keeps what the check said.
  CHECK(relay.Step(t + std::chrono::seconds(3)).HasValue());
  STRCMP_EQUAL("accepted", (*app.AnswerTo("help-1"))->credential.c_str());
  STRCMP_EQUAL("answered", (*app.AnswerTo("help-1"))->state.c_str());
}
