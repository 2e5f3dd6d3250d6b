#include "test_prelude.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sstream>

#include "../../unit/firmware/dossier/sample_dossier.h"
#include "kiosk/core/log.h"
#include "kiosk/core/random.h"
#include "kiosk/dossier/outbox.h"
#include "kiosk/dossier/package.h"
#include "postgres.h"

using kiosk::test::BackgroundProcess;
using kiosk::test::FreePort;
using kiosk::test::RunProcess;
using kiosk::test::TempDir;
namespace dossier = kiosk::dossier;
namespace core = kiosk::core;

namespace {

std::string ReadText(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// Rows of the gateway's database, on SQLite (its file) or PostgreSQL (the
// suite's schema): dossier id -> code.
std::map<std::string, std::string> GatewayDossiers(const std::filesystem::path& db_path,
                                                   const std::string& conninfo) {
  std::map<std::string, std::string> out;
  if (!conninfo.empty()) {
    std::istringstream rows(kiosk::test::PostgresCluster::Shared().Sql(
        "SELECT dossier_id || ' ' || code FROM dossiers", conninfo));
    for (std::string id, code; rows >> id >> code;) out[id] = code;
    return out;
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return out;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT dossier_id, code FROM dossiers", -1, &st, nullptr) ==
      SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW) {
      out[reinterpret_cast<const char*>(sqlite3_column_text(st, 0))] =
          reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
    }
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

}  // namespace

TEST_GROUP(Submission) {
  kiosk::core::log::ScopedCapture quiet{kiosk::core::log::Level::kError};
  TempDir dir;
  std::filesystem::path pki, state, outbox_dir, storage_key_path, gateway_state;
  std::uint16_t port = 0;
  std::unique_ptr<BackgroundProcess> gateway;
  std::unique_ptr<BackgroundProcess> agent;
  std::unique_ptr<core::Drbg> random;
  std::optional<core::PrivateKey> device_key;
  core::SecretBytes storage_key;
  int gateway_starts = 0;
  int agent_starts = 0;
  std::string conninfo;  // the gateway's PostgreSQL schema, when the suite runs on it

  std::map<std::string, std::string> GatewayDossiers() {
    return ::GatewayDossiers(gateway_state / "gateway.db", conninfo);
  }

  void setup() override {
    pki = dir.Path() / "pki";
    state = dir.Path() / "kiosk";
    outbox_dir = state / "outbox";
    storage_key_path = state / "storage.key";
    gateway_state = dir.Path() / "gateway";
    std::filesystem::create_directories(state);
    auto init = RunProcess({KIOSK_DEVCA_BIN, "init", pki.string()});
    LONGS_EQUAL_TEXT(0, init.exit_code, init.err.c_str());
    auto device = RunProcess({KIOSK_DEVCA_BIN, "device", pki.string(), "QNM-TAMKY-0001"});
    LONGS_EQUAL_TEXT(0, device.exit_code, device.err.c_str());
    auto expired =
        RunProcess({KIOSK_DEVCA_BIN, "device", pki.string(), "QNM-TAMKY-0009", "--expired"});
    LONGS_EQUAL_TEXT(0, expired.exit_code, expired.err.c_str());
    random = std::move(*core::Drbg::Create());
    const std::string key_pem = ReadText(pki / "devices/QNM-TAMKY-0001/device-key.pem");
    device_key.emplace(*core::PrivateKey::FromPem(core::SecretBytes(core::AsBytes(key_pem))));
    storage_key = *dossier::LoadOrCreateStorageKey(storage_key_path, *random);
    port = FreePort();
    if (kiosk::test::TestDatabase() == "postgresql") {
      conninfo = kiosk::test::PostgresCluster::Shared().FreshSchema();
    }
    std::ofstream(dir.Path() / "gateway.toml")
        << "[listen]\naddress = \"127.0.0.1\"\nport = " << port << "\n"
        << "[tls]\ncertificate = \"" << (pki / "gateway.pem").string() << "\"\n"
        << "key = \"" << (pki / "gateway-key.pem").string() << "\"\n"
        << "device_ca = \"" << (pki / "device-ca.pem").string() << "\"\n"
        << "[storage]\ndir = \"" << gateway_state.string() << "\"\n"
        << (conninfo.empty() ? ""
                             : "database = \"postgresql\"\npostgresql = \"" + conninfo + "\"\n")
        << "[procedures]\n\"1.001612\" = 3\n"
        << "[calendar]\nholidays = [\"2026-09-02\"]\n";
    WriteAgentConfig("QNM-TAMKY-0001");
  }

  void teardown() override {
    agent.reset();
    gateway.reset();
  }

  void WriteAgentConfig(const std::string& kiosk) {
    std::ofstream(dir.Path() / "agent.toml")
        << "[device]\nkiosk_id = \"" << kiosk << "\"\n"
        << "[outbox]\ndir = \"" << outbox_dir.string() << "\"\n"
        << "storage_key = \"" << storage_key_path.string() << "\"\n"
        << "[gateway]\nhost = \"127.0.0.1\"\nport = " << port << "\n"
        << "ca = \"" << (pki / "gateway-ca.pem").string() << "\"\n"
        << "[tls]\ncertificate = \"" << (pki / "devices" / kiosk / "device.pem").string() << "\"\n"
        << "key = \"" << (pki / "devices" / kiosk / "device-key.pem").string() << "\"\n"
        << "[upload]\nbackoff_first_ms = 50\nbackoff_max_ms = 400\nidle_poll_ms = 20\n";
  }

  void StartGateway() {
    gateway = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{KIOSK_GATEWAY_BIN, "--config",
                                 (dir.Path() / "gateway.toml").string()},
        dir.Path() / ("gateway-" + std::to_string(gateway_starts++) + ".log"));
    if (!gateway->WaitForLog("listening on", std::chrono::seconds(10))) {
      FAIL(("gateway did not start:\n" + gateway->Log()).c_str());
    }
  }

  void StartAgent() {
    agent = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{KIOSK_AGENT_BIN, "--config", (dir.Path() / "agent.toml").string()},
        dir.Path() / ("agent-" + std::to_string(agent_starts++) + ".log"));
  }

  std::vector<core::Uuid> SealDossiers(int count) {
    auto outbox = dossier::Outbox::Open(outbox_dir, core::SystemClock());
    core::UuidV7Generator ids(core::SystemClock(), *random);
    std::vector<core::Uuid> sealed;
    for (int i = 0; i < count; ++i) {
      dossier::Dossier d = kiosk::test::SampleDossier(ids, core::SystemClock());
      d.attachments[0].source = dir.Path() / "scan.pdf";
      std::ofstream(d.attachments[0].source)
          << std::string(20'000 + static_cast<std::size_t>(i), 'p');
      auto entry = outbox->Seal(d, *device_key, "QNM-TAMKY-0001", storage_key, *random);
      if (!entry) FAIL(entry.GetError().ToString().c_str());
      sealed.push_back(d.id);
    }
    return sealed;
  }

  // Polls the outbox until `count` dossiers are purged, or the deadline.
  bool WaitForPurged(int count, std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto outbox = dossier::Outbox::Open(outbox_dir, core::SystemClock());
      auto counts = outbox->CountByState();
      if (counts && (*counts)[dossier::OutboxState::kPurged] >= count) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  std::map<std::string, std::string> KioskCodes() {
    auto outbox = dossier::Outbox::Open(outbox_dir, core::SystemClock());
    std::map<std::string, std::string> codes;
    sqlite3* db = nullptr;
    sqlite3_open_v2((outbox_dir / "outbox.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT id, dossier_code FROM dossiers", -1, &st, nullptr);
    while (sqlite3_step(st) == SQLITE_ROW) {
      codes[reinterpret_cast<const char*>(sqlite3_column_text(st, 0))] =
          reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return codes;
  }
};

TEST(Submission, DossiersFlowToTheGatewayAndComeBackWithCodes) {
  StartGateway();
  SealDossiers(5);
  StartAgent();
  CHECK_TEXT(WaitForPurged(5, std::chrono::seconds(60)), agent->Log().c_str());
  const auto kiosk = KioskCodes();
  const auto at_gateway = GatewayDossiers();
  LONGS_EQUAL(5, at_gateway.size());
  std::set<std::string> codes;
  for (const auto& [id, code] : kiosk) {
    STRCMP_EQUAL(at_gateway.at(id).c_str(), code.c_str());
    CHECK(code.rfind("000.17.22.H56-", 0) == 0);
    codes.insert(code);
  }
  LONGS_EQUAL(5, codes.size());
  // Packages are gone once acknowledged.
  CHECK(std::filesystem::is_empty(outbox_dir / "packages"));
}

TEST(Submission, GatewayDownThenUpTheQueueDrainsByItself) {
  SealDossiers(3);
  StartAgent();
  CHECK_FALSE(WaitForPurged(1, std::chrono::seconds(2)));
  StartGateway();
  CHECK_TEXT(WaitForPurged(3, std::chrono::seconds(60)), agent->Log().c_str());
  CHECK(agent->Log().find("agent.retry") != std::string::npos);
}

TEST(Submission, ExpiredDeviceCertificateIsRefusedAtTheHandshake) {
  StartGateway();
  WriteAgentConfig("QNM-TAMKY-0009");
  SealDossiers(1);
  StartAgent();
  CHECK(gateway->WaitForLog("gateway.handshake_refused", std::chrono::seconds(30)));
  CHECK(gateway->Log().find("expired") != std::string::npos);
  CHECK(GatewayDossiers().empty());
}

TEST(Submission, AlteredPackageIsQuarantinedNotSent) {
  StartGateway();
  const auto ids = SealDossiers(1);
  const auto package = outbox_dir / "packages" / (ids[0].ToString() + ".kpkg");
  {
    std::fstream f(package, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(-40, std::ios::end);
    f.put('\x5A');
  }
  StartAgent();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  bool quarantined = false;
  while (!quarantined && std::chrono::steady_clock::now() < deadline) {
    auto outbox = dossier::Outbox::Open(outbox_dir, core::SystemClock());
    quarantined = outbox->Get(ids[0])->state == dossier::OutboxState::kQuarantined;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK_TEXT(quarantined, agent->Log().c_str());
  CHECK(agent->Log().find("outbox.quarantined") != std::string::npos);
  CHECK(GatewayDossiers().empty());
}

// kill -9 the agent and the gateway at seeded random moments while 200
// dossiers flow: in the end each is acknowledged exactly once, with one code.
TEST(Submission, KilledAtRandomMomentsEveryDossierArrivesExactlyOnce) {
  constexpr int kDossiers = 200;
  SealDossiers(kDossiers);
  StartGateway();
  StartAgent();
  std::mt19937 schedule(20261129);
  for (int round = 0; round < 8; ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + schedule() % 400));
    if (schedule() % 2 == 0) {
      agent->Signal(SIGKILL);
      agent->Stop();
      StartAgent();
    } else {
      gateway->Signal(SIGKILL);
      gateway->Stop();
      StartGateway();
    }
  }
  CHECK_TEXT(WaitForPurged(kDossiers, std::chrono::seconds(120)), agent->Log().c_str());
  const auto kiosk = KioskCodes();
  const auto at_gateway = GatewayDossiers();
  LONGS_EQUAL(kDossiers, kiosk.size());
  LONGS_EQUAL(kDossiers, at_gateway.size());
  std::set<std::string> codes;
  for (const auto& [id, code] : kiosk) {
    STRCMP_EQUAL(at_gateway.at(id).c_str(), code.c_str());
    codes.insert(code);
  }
  LONGS_EQUAL(kDossiers, codes.size());
}
