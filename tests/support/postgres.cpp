#include "postgres.h"

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>

#include "test_prelude.h"

namespace kiosk::test {

namespace {

std::string Bin(const char* program) { return std::string(KIOSK_PG_BINDIR) + "/" + program; }

std::string Check(const ProcessResult& r, const char* what) {
  if (r.exit_code != 0) {
    FAIL((std::string(what) + " failed: " + r.err + r.out).c_str());
  }
  return r.out;
}

bool Alive(int pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM); }

int ReadPid(const std::filesystem::path& file) {
  std::ifstream in(file);
  int pid = -1;
  return in >> pid ? pid : -1;
}

// A test program that crashed (an abort skips exit handlers) leaves its
// cluster running: stopped here, by the PID its pid file names, once the
// program that made it is gone.
void StopOrphans() {
  std::error_code error;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::temp_directory_path(), error)) {
    const auto name = entry.path().filename().string();
    if (name.rfind("kiosk-pg-", 0) != 0 || Alive(ReadPid(entry.path() / "owner.pid"))) continue;
    const int postmaster = ReadPid(entry.path() / "data" / "postmaster.pid");
    if (Alive(postmaster)) {
      ::kill(postmaster, SIGQUIT);  // immediate shutdown
      for (int i = 0; i < 100 && Alive(postmaster); ++i) ::usleep(50'000);
    }
    std::filesystem::remove_all(entry.path(), error);
  }
}

}  // namespace

PostgresCluster& PostgresCluster::Shared() {
  // Made outside CppUTest's leak tracking: it outlives the test that first
  // asks for it, and is stopped (not freed) when the program exits.
  static PostgresCluster* cluster = [] {
    MemoryLeakWarningPlugin::saveAndDisableNewDeleteOverloads();
    StopOrphans();
    auto* made = new PostgresCluster();
    MemoryLeakWarningPlugin::restoreNewDeleteOverloads();
    return made;
  }();
  static const bool stop_at_exit = [] {
    std::atexit([] {
      Shared().Stop();
      std::error_code ignored;
      std::filesystem::remove_all(Shared().root_, ignored);
    });
    return true;
  }();
  (void)stop_at_exit;
  return *cluster;
}

PostgresCluster::PostgresCluster() : PostgresCluster(Empty{}) {
  Check(RunProcess(AsServerUser({Bin("initdb"), "-D", data_.string(), "-U", "kiosk", "-A", "trust",
                                 "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"}),
                   std::chrono::seconds(120)),
        "initdb");
  Start();
  Sql("CREATE DATABASE kiosk", "host=" + socket_dir_.string() + " dbname=postgres user=kiosk");
}

PostgresCluster::PostgresCluster(Empty) {
  std::string pattern = (std::filesystem::temp_directory_path() / "kiosk-pg-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) FAIL("mkdtemp failed");
  root_ = pattern;
  std::ofstream(root_ / "owner.pid") << ::getpid() << "\n";
  data_ = root_ / "data";
  socket_dir_ = root_;
  as_postgres_ = ::geteuid() == 0;
  if (as_postgres_) {
    const passwd* pg = ::getpwnam("postgres");
    if (pg == nullptr) FAIL("running as root and no `postgres` user: install postgresql");
    if (::chown(root_.c_str(), pg->pw_uid, pg->pw_gid) != 0) FAIL("chown of the cluster dir");
  }
}

// Only a test's own clusters are ever destroyed (Shared() is stopped at exit).
PostgresCluster::~PostgresCluster() {
  Kill();
  std::error_code ignored;
  std::filesystem::remove_all(root_, ignored);
}

std::unique_ptr<PostgresCluster> PostgresCluster::Make() {
  return std::unique_ptr<PostgresCluster>(new PostgresCluster());
}

std::unique_ptr<PostgresCluster> PostgresCluster::StandbyOf(const PostgresCluster& primary) {
  std::unique_ptr<PostgresCluster> standby(new PostgresCluster(Empty{}));
  // -R: standby.signal and primary_conninfo, so it follows the primary.
  Check(RunProcess(standby->AsServerUser({Bin("pg_basebackup"), "-D", standby->data_.string(), "-d",
                                          "host=" + primary.socket_dir_.string() + " user=kiosk",
                                          "-R", "-X", "stream", "-c", "fast", "--no-sync"}),
                   std::chrono::seconds(120)),
        "pg_basebackup");
  standby->Start();
  return standby;
}

void PostgresCluster::Kill() {
  const int postmaster = Pid();
  if (postmaster < 0) return;
  (void)RunProcess({"/usr/bin/pkill", "-KILL", "-P", std::to_string(postmaster)});
  ::kill(postmaster, SIGKILL);
  for (int i = 0; i < 100 && Alive(postmaster); ++i) ::usleep(50'000);
  // Its children, orphaned meanwhile if any, go too.
  (void)RunProcess({"/usr/bin/pkill", "-KILL", "-f", "postgres.*-D " + data_.string()});
  std::error_code ignored;
  std::filesystem::remove(data_ / "postmaster.pid", ignored);
}

void PostgresCluster::Promote() {
  Check(RunProcess(AsServerUser({Bin("pg_ctl"), "-D", data_.string(), "-w", "-t", "60", "promote"}),
                   std::chrono::seconds(90)),
        "pg_ctl promote");
}

std::vector<std::string> PostgresCluster::AsServerUser(std::vector<std::string> argv) const {
  if (!as_postgres_) return argv;
  argv.insert(argv.begin(), {"/usr/sbin/runuser", "-u", "postgres", "--"});
  return argv;
}

void PostgresCluster::Start() {
  // Durable as a province's server is (fsync on); small, as a test needs.
  const std::string options = "-k " + socket_dir_.string() +
                              " -c listen_addresses= -c fsync=on -c max_connections=200"
                              " -c shared_buffers=32MB";
  Check(RunProcess(AsServerUser({Bin("pg_ctl"), "-D", data_.string(), "-l",
                                 (root_ / "server.log").string(), "-o", options, "-w", "-t", "60",
                                 "start"}),
                   std::chrono::seconds(90)),
        "pg_ctl start");
}

void PostgresCluster::Stop() {
  if (Pid() < 0) return;
  (void)RunProcess(
      AsServerUser({Bin("pg_ctl"), "-D", data_.string(), "-m", "fast", "-w", "-t", "60", "stop"}),
      std::chrono::seconds(90));
}

int PostgresCluster::Pid() const {
  const int pid = ReadPid(data_ / "postmaster.pid");
  return Alive(pid) ? pid : -1;
}

std::string PostgresCluster::ServerLog() const {
  std::ifstream in(root_ / "server.log");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string PostgresCluster::Conninfo() const {
  return "host=" + socket_dir_.string() + " dbname=kiosk user=kiosk";
}

std::string PostgresCluster::FreshSchema(std::string* name) {
  const std::string schema =
      "test_" + std::to_string(::getpid()) + "_" + std::to_string(++schemas_);
  if (name != nullptr) *name = schema;
  Sql("CREATE SCHEMA " + schema);
  return Conninfo() + " options='-c search_path=" + schema + "'";
}

std::string PostgresCluster::Sql(const std::string& sql, const std::string& conninfo) {
  return Check(RunProcess({Bin("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d",
                           conninfo.empty() ? Conninfo() : conninfo, "-c", sql}),
               "psql");
}

std::string TestDatabase() {
  const char* chosen = std::getenv("KIOSK_TEST_DATABASE");
  return chosen != nullptr && std::string(chosen) == "postgresql" ? "postgresql" : "sqlite";
}

std::string GatewayStorageLines() {
  if (TestDatabase() != "postgresql") return "";
  return "database = \"postgresql\"\npostgresql = \"" + PostgresCluster::Shared().FreshSchema() +
         "\"\n";
}

}  // namespace kiosk::test
