// Two kiosk-gateway replicas on one PostgreSQL behind HAProxy in TCP mode
// (mutual TLS ends at the gateway), as docs/deployment.md runs them: real
// processes on loopback, a private cluster (tests/support/postgres.h).
//
// - A replica killed with SIGKILL at random moments while kiosks upload
//   dossiers and send heartbeats: every dossier is acknowledged, under one
//   code, the day's codes run 0001..N with no gap; every kiosk is heard
//   from after the last kill.
// - PostgreSQL stopped for a minute mid-load: the replicas answer 503 at
//   once, the kiosks wait and retry, everything is stored once it is back.
// - The primary killed, its synchronous standby promoted: the replicas
//   find the new primary (target_session_attrs=read-write), and every
//   dossier acknowledged before the kill is there.

#include "test_prelude.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "gateway_config.h"
#include "kiosk/core/clock.h"
#include "kiosk/core/http.h"
#include "kiosk/core/log.h"
#include "kiosk/core/random.h"
#include "kiosk/core/uuid.h"
#include "kiosk/dossier/upload.h"
#include "postgres.h"
#include "sealed_upload.h"

namespace core = kiosk::core;
namespace dossier = kiosk::dossier;
namespace gw = kiosk::gateway;
namespace fs = std::filesystem;
using kiosk::test::BackgroundProcess;
using kiosk::test::PostgresCluster;
using kiosk::test::RunProcess;
using kiosk::test::TempDir;

namespace {

constexpr const char* kAgency = "000.17.22.H56";

std::string ReadText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// A kiosk of the load: its own key and certificate, enrolled in the
// registry, and its dossiers' upload bodies made ahead.
struct Kiosk {
  std::string id;
  std::optional<core::PrivateKey> key;
  std::optional<core::Certificate> cert;
  std::vector<std::pair<std::string, std::string>> uploads;  // dossier id, body
};

// A file of docs/ with each @NAME@ replaced; fails on a name left over.
void Fill(const std::string& source, const fs::path& out,
          const std::map<std::string, std::string>& values) {
  std::string text = ReadText(kiosk::test::SourcePath(source));
  for (const auto& [name, value] : values) {
    const std::string mark = "@" + name + "@";
    for (auto at = text.find(mark); at != std::string::npos; at = text.find(mark, at)) {
      text.replace(at, mark.size(), value);
      at += value.size();
    }
  }
  const auto left = text.find('@');
  CHECK_TEXT(left == std::string::npos,
             text.substr(left == std::string::npos ? 0 : left, 40).c_str());
  std::ofstream(out) << text;
}

bool Accepts(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

bool WaitAccepts(std::uint16_t port) {
  for (int i = 0; i < 200; ++i) {
    if (Accepts(port)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace

// clang-format off
TEST_GROUP(Replicas) {
  std::optional<core::log::ScopedCapture> quiet;
  TempDir dir;
  fs::path pki;
  std::string conninfo;
  std::uint16_t front = 0;
  std::uint16_t device_ports[2] = {0, 0}, operator_ports[2] = {0, 0};
  std::unique_ptr<BackgroundProcess> replicas[2];
  std::unique_ptr<BackgroundProcess> haproxy;
  std::optional<core::Certificate> gateway_ca;

  void setup() override {
    // Client threads allocate at once: CppUTest's tracking is not made for
    // that. Everything made from here on goes in teardown, before it resumes.
    kiosk::test::StopTrackingAllocations();
    quiet.emplace(core::log::Level::kError);
    pki = dir.Path() / "pki";
    LONGS_EQUAL(0, RunProcess({KIOSK_DEVCA_BIN, "init", pki.string()}).exit_code);
    gateway_ca.emplace(core::Certificate::FromPem(ReadText(pki / "gateway-ca.pem")).Value());
    conninfo = PostgresCluster::Shared().FreshSchema();
    std::ofstream(dir.Path() / "ticket.key") << "a province's ticket secret, 32 bytes or more";
    for (int r = 0; r < 2; ++r) {
      device_ports[r] = kiosk::test::FreePort();
      operator_ports[r] = kiosk::test::FreePort();
      WriteConfig(r);
      Start(r);
    }
    front = kiosk::test::FreePort();
    Fill("docs/deployment/haproxy.cfg", dir.Path() / "haproxy.cfg",
         {{"FRONT_ADDRESS", "127.0.0.1"},
          {"FRONT_PORT", std::to_string(front)},
          {"DEVICE_PORT_1", std::to_string(device_ports[0])},
          {"OPERATOR_PORT_1", std::to_string(operator_ports[0])},
          {"DEVICE_PORT_2", std::to_string(device_ports[1])},
          {"OPERATOR_PORT_2", std::to_string(operator_ports[1])}});
    haproxy = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{"/usr/sbin/haproxy", "-db", "-f", (dir.Path() / "haproxy.cfg").string()},
        dir.Path() / "haproxy.log");
    CHECK_TEXT(WaitAccepts(front), haproxy->Log().c_str());
  }

  void teardown() override {
    haproxy.reset();
    for (auto& r : replicas) r.reset();
    gateway_ca.reset();
    fs::path().swap(pki);
    std::string().swap(conninfo);
    quiet.reset();
    kiosk::test::ResumeTrackingAllocations();
  }

  fs::path ConfigOf(int r) const { return dir.Path() / ("gateway-" + std::to_string(r) + ".toml"); }

  // The example config of docs/deployment/, filled in for replica `r`.
  void WriteConfig(int r) {
    Fill("docs/deployment/gateway-replica.toml", ConfigOf(r),
         {{"DEVICE_PORT", std::to_string(device_ports[r])},
          {"OPERATOR_PORT", std::to_string(operator_ports[r])},
          {"SECRETS", dir.Path().string()},
          {"PKI", pki.string()},
          {"STATE", (dir.Path() / ("state-" + std::to_string(r))).string()},
          {"SHARED", (dir.Path() / "shared").string()},
          {"POSTGRESQL", conninfo}});
  }

  void Start(int r) {
    replicas[r] = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{KIOSK_GATEWAY_BIN, "--config", ConfigOf(r).string()},
        dir.Path() / ("gateway-" + std::to_string(r) + ".log"));
    CHECK_TEXT(WaitAccepts(device_ports[r]), replicas[r]->Log().c_str());
  }

  // `count` kiosks, enrolled in the shared registry, with `dossiers` each.
  std::vector<Kiosk> MakeKiosks(int count, int dossiers) {
    auto random = core::Drbg::Create().Value();
    auto ca_key = core::PrivateKey::FromPem(
        core::SecretBytes(core::AsBytes(ReadText(pki / "device-ca-key.pem")))).Value();
    auto config = gw::ReadGatewayConfig(ConfigOf(0).string()).Value();
    auto stores = gw::OpenStores(config).Value();
    const auto now = core::SystemClock().Now();
    std::vector<Kiosk> fleet(static_cast<std::size_t>(count));
    for (int k = 0; k < count; ++k) {
      Kiosk& kiosk = fleet[static_cast<std::size_t>(k)];
      char id[32];
      std::snprintf(id, sizeof id, "QNM-LOAD-%04d", k);
      kiosk.id = id;
      kiosk.key.emplace(core::PrivateKey::GenerateP256(*random).Value());
      core::CertificateSpec spec{std::string("C=VN,O=Kiosk Development,CN=") + id,
                                 "C=VN,O=Kiosk Development,CN=Kiosk Dev Device CA",
                                 {0x20, static_cast<std::uint8_t>(k >> 8), static_cast<std::uint8_t>(k)},
                                 now - std::chrono::hours(1), now + std::chrono::hours(24), false, -1,
                                 core::kKeyUsageDigitalSignature};
      kiosk.cert.emplace(
          core::IssueCertificate(spec, *kiosk.key->Public(), ca_key, *random).Value());
      CHECK(stores.fleet->devices
                ->RegisterDevice({id, "20314", kAgency, kiosk.cert->SerialHex(), "active", 1})
                .HasValue());
      for (int i = 0; i < dossiers; ++i) {
        auto upload = kiosk::test::MakeSealedUpload(dir.Path(), *kiosk.key, id, 8 * 1024,
                                                    static_cast<std::uint64_t>(k * 1000 + i + 1));
        kiosk.uploads.emplace_back(upload.Value().dossier_id, std::move(upload.Value().body));
      }
    }
    return fleet;
  }

  core::TlsOptions TlsOf(const Kiosk& kiosk) {
    core::TlsOptions tls;
    tls.trusted = {*gateway_ca};
    tls.identity = core::TlsIdentity{{*kiosk.cert}, &*kiosk.key};
    tls.server_name = "localhost";
    tls.io_timeout = std::chrono::seconds(10);
    return tls;
  }

  // What the kiosks were told, by dossier id, and how often each was refused.
  struct Outcome {
    std::mutex mutex;
    std::map<std::string, std::set<std::string>> codes;
    std::map<int, int> refusals;  // HTTP status (0: no answer) -> count
    std::set<std::string> heard;  // kiosks whose heartbeat was answered 200 since `mark`
    std::vector<double> refused_ms;  // how long each 503 took to come
  };

  // Each kiosk uploads its dossiers through HAProxy, trying again after any
  // failure as the agent's outbox does, and sends heartbeats between them.
  void RunLoad(std::vector<Kiosk>& fleet, Outcome& outcome, int threads) {
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&] {
        for (std::size_t k = next++; k < fleet.size(); k = next++) {
          auto& kiosk = fleet[k];
          const auto tls = TlsOf(kiosk);
          int sequence = 0;
          for (const auto& [dossier_id, body] : kiosk.uploads) {
            for (;;) {
              const auto sent = std::chrono::steady_clock::now();
              auto r = core::HttpsRequest(
                  "127.0.0.1", front, tls,
                  {"POST", "/v1/dossiers", {{"Content-Type", dossier::kUploadContentType}}, body});
              const std::chrono::duration<double, std::milli> took =
                  std::chrono::steady_clock::now() - sent;
              std::lock_guard lock(outcome.mutex);
              if (r && r->status == 503) outcome.refused_ms.push_back(took.count());
              if (r && (r->status == 201 || r->status == 200)) {
                outcome.codes[dossier_id].insert(
                    nlohmann::json::parse(r->body).at("dossier_code").get<std::string>());
                break;
              }
              ++outcome.refusals[r ? r->status : 0];
              std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
            const nlohmann::json beat = {{"kiosk_id", kiosk.id}, {"sequence", ++sequence}};
            (void)core::HttpsRequest("127.0.0.1", front, tls,
                                     {"POST", "/v1/heartbeat", {}, beat.dump()});
          }
        }
      });
    }
    for (auto& w : workers) w.join();
  }

  // Every kiosk's heartbeat answered, each tried until it is.
  void EveryKioskHeard(std::vector<Kiosk>& fleet, Outcome& outcome) {
    for (const auto& kiosk : fleet) {
      const auto tls = TlsOf(kiosk);
      const nlohmann::json beat = {{"kiosk_id", kiosk.id}, {"sequence", 1000}};
      for (int attempt = 0; attempt < 50; ++attempt) {
        auto r = core::HttpsRequest("127.0.0.1", front, tls,
                                    {"POST", "/v1/heartbeat", {}, beat.dump()});
        if (r && r->status == 200) {
          outcome.heard.insert(kiosk.id);
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  }

  // The day's codes as PostgreSQL holds them: count, distinct, highest.
  std::string CodeFigures() {
    return PostgresCluster::Shared().Sql(
        "SELECT COUNT(*) || ' ' || COUNT(DISTINCT code) || ' ' || "
        "MAX(split_part(code, '-', 3)::int) FROM dossiers",
        conninfo);
  }

  void CheckEveryDossierOnce(std::vector<Kiosk>& fleet, Outcome& outcome) {
    std::size_t total = 0;
    std::set<std::string> all_codes;
    for (const auto& kiosk : fleet) {
      for (const auto& [dossier_id, body] : kiosk.uploads) {
        ++total;
        const auto& codes = outcome.codes[dossier_id];
        LONGS_EQUAL_TEXT(1, codes.size(), dossier_id.c_str());
        all_codes.insert(codes.begin(), codes.end());
      }
    }
    LONGS_EQUAL(total, all_codes.size());
    const std::string n = std::to_string(total);
    STRCMP_EQUAL((n + " " + n + " " + n + "\n").c_str(), CodeFigures().c_str());
  }
};
// clang-format on

TEST(Replicas, AReplicaKilledAtRandomLosesNoDossierAndLeavesNoGap) {
  auto fleet = MakeKiosks(200, 3);  // 600 dossiers, a heartbeat after each
  Outcome outcome;
  std::atomic<bool> done{false};
  int kills = 0;
  std::thread killer([&] {
    std::mt19937 pick(20261207);
    while (!done) {
      std::this_thread::sleep_for(std::chrono::milliseconds(700 + pick() % 800));
      if (done) break;
      const int r = static_cast<int>(pick() % 2);
      replicas[r]->Signal(SIGKILL);
      ++kills;
      std::this_thread::sleep_for(std::chrono::milliseconds(200 + pick() % 600));
      Start(r);
    }
  });
  RunLoad(fleet, outcome, 16);
  done = true;
  killer.join();
  EveryKioskHeard(fleet, outcome);
  UT_PRINT(("replicas killed: " + std::to_string(kills) +
            ", refused or unanswered: " + std::to_string(outcome.refusals[0]) + " no answer, " +
            std::to_string(outcome.refusals[503]) + " 503")
               .c_str());
  CHECK(kills >= 2);
  CheckEveryDossierOnce(fleet, outcome);
  LONGS_EQUAL(fleet.size(), outcome.heard.size());
}

TEST(Replicas, PostgreSqlStoppedMidLoadIsA503UntilItIsBackAndNothingIsLost) {
  auto fleet = MakeKiosks(16, 10);
  Outcome outcome;
  auto& cluster = PostgresCluster::Shared();
  std::thread outage([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    cluster.Stop();
    std::this_thread::sleep_for(std::chrono::seconds(60));
    cluster.Start();
  });
  RunLoad(fleet, outcome, 8);
  outage.join();
  EveryKioskHeard(fleet, outcome);
  auto& ms = outcome.refused_ms;
  std::sort(ms.begin(), ms.end());
  const auto at = [&](double p) {
    return ms.empty() ? 0.0 : ms[static_cast<std::size_t>(p * static_cast<double>(ms.size() - 1))];
  };
  char took[96];
  std::snprintf(took, sizeof took, "; each 503 came in p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                at(0.5), at(0.99), ms.empty() ? 0.0 : ms.back());
  UT_PRINT(("503 answers while PostgreSQL was down: " + std::to_string(outcome.refusals[503]) +
            ", no answer: " + std::to_string(outcome.refusals[0]) + took)
               .c_str());
  CHECK(outcome.refusals[503] > 0);
  // Every request had an answer: the replicas kept serving, and said why.
  LONGS_EQUAL(0, outcome.refusals[0]);
  CHECK(replicas[0]->Running());
  CHECK(replicas[1]->Running());
  CheckEveryDossierOnce(fleet, outcome);
  LONGS_EQUAL(fleet.size(), outcome.heard.size());
}

TEST(Replicas, AStandbyPromotedAfterThePrimaryIsKilledHoldsEveryAcknowledgedDossier) {
  auto primary = PostgresCluster::Make();
  auto standby = PostgresCluster::StandbyOf(*primary);
  // Synchronous: a commit is acknowledged once the standby has it on disk.
  primary->Sql("ALTER SYSTEM SET synchronous_standby_names = '*'");
  primary->Sql("SELECT pg_reload_conf()");
  for (int i = 0; i < 200; ++i) {
    if (primary->Sql("SELECT sync_state FROM pg_stat_replication") == "sync\n") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  STRCMP_EQUAL("sync\n", primary->Sql("SELECT sync_state FROM pg_stat_replication").c_str());
  std::string schema;
  (void)primary->FreshSchema(&schema);
  // Both servers named; libpq takes the one that accepts writes.
  conninfo = "host=" + primary->SocketDir().string() + "," + standby->SocketDir().string() +
             " dbname=kiosk user=kiosk target_session_attrs=read-write connect_timeout=2"
             " options='-c search_path=" +
             schema + "'";
  for (int r = 0; r < 2; ++r) {
    replicas[r].reset();
    WriteConfig(r);
    Start(r);
  }
  auto fleet = MakeKiosks(16, 10);
  Outcome outcome;
  std::thread failover([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    primary->Kill();
    std::this_thread::sleep_for(std::chrono::seconds(3));  // an operator notices
    standby->Promote();
  });
  RunLoad(fleet, outcome, 8);
  failover.join();
  EveryKioskHeard(fleet, outcome);
  UT_PRINT(("failover: " + std::to_string(outcome.refusals[503]) + " answers of 503, " +
            std::to_string(outcome.refusals[0]) + " unanswered")
               .c_str());
  CHECK(primary->Pid() < 0);
  STRCMP_EQUAL("f\n", standby->Sql("SELECT pg_is_in_recovery()").c_str());
  CHECK(replicas[0]->Running());
  CHECK(replicas[1]->Running());
  CheckEveryDossierOnce(fleet, outcome);
  LONGS_EQUAL(fleet.size(), outcome.heard.size());
  for (auto& r : replicas) r.reset();  // before the clusters go
}
