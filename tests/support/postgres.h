#pragma once

// A private PostgreSQL cluster for the tests of the gateway's PostgreSQL
// stores: initdb in a temp dir (as the Debian package's `postgres` user
// when the tests run as root, since the server refuses root), the server
// listening on a Unix socket in that dir only, never on TCP. Trust
// authentication over that socket: nothing else on the machine can reach
// it. Each test takes a fresh schema, so tests share one cluster and never
// see each other's rows.

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace kiosk::test {

class PostgresCluster {
 public:
  // The test program's cluster: started on first use, stopped and removed
  // when the program exits.
  static PostgresCluster& Shared();

  // A cluster of the test's own (stopped and removed when it goes), for
  // a test that kills its server.
  static std::unique_ptr<PostgresCluster> Make();
  // A streaming-replication standby of `primary` (pg_basebackup -R), started,
  // hot: it answers reads, refuses writes until promoted.
  static std::unique_ptr<PostgresCluster> StandbyOf(const PostgresCluster& primary);

  // A libpq connection string to a new, empty schema of the cluster's
  // database "kiosk" (search_path set to it); its name in `name`.
  std::string FreshSchema(std::string* name = nullptr);
  // The database, its public schema.
  std::string Conninfo() const;
  // Runs SQL through psql; its output, unaligned, without headers.
  std::string Sql(const std::string& sql, const std::string& conninfo = "");

  // Fast shutdown (connections closed), and start again on the same data.
  void Stop();
  void Start();
  // As a crash: SIGKILL to the postmaster and its processes; no shutdown.
  void Kill();
  // A standby becomes a primary (pg_ctl promote, waiting for it).
  void Promote();
  // The postmaster's PID, from its pid file; -1 when it is not running.
  int Pid() const;
  const std::filesystem::path& SocketDir() const { return socket_dir_; }
  std::string ServerLog() const;

  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;
  ~PostgresCluster();

 private:
  struct Empty {};  // a root directory, and no data yet
  PostgresCluster();
  explicit PostgresCluster(Empty);
  std::vector<std::string> AsServerUser(std::vector<std::string> argv) const;

  std::filesystem::path root_;
  std::filesystem::path data_;
  std::filesystem::path socket_dir_;
  bool as_postgres_ = false;
  int schemas_ = 0;
};

// "postgresql" when CTest runs the suite against PostgreSQL (it sets
// KIOSK_TEST_DATABASE for the suite's second registration), else "sqlite".
std::string TestDatabase();
// The [storage] lines that put a kiosk-gateway on the suite's database:
// none for SQLite; for PostgreSQL, a fresh schema of the shared cluster.
std::string GatewayStorageLines();

}  // namespace kiosk::test
