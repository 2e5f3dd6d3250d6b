// gateway-load: many kiosks at once against a real kiosk-gateway, started
// here on loopback with a development PKI.
//
//   gateway-load [--postgresql CONNINFO [--replicas N]] [--no-keep-alive] [KIOSKS=16]
//                [DOSSIERS PER KIOSK=25]
//       each kiosk (its own device certificate) submits dossiers on the one
//       connection it keeps open, as kiosk-agent does (--no-keep-alive: a new
//       connection and full handshake for each); dossiers/s and latency
//       percentiles. On SQLite files by default; with
//       --postgresql, on a fresh schema of that database (scripts/pg-cluster
//       starts one), and with N replicas behind HAProxy in TCP mode
//   gateway-load [--postgresql CONNINFO [--replicas N]] [--kept-only] heartbeats
//                [KIOSKS=5000] [SECONDS=60] [INTERVAL_S=60]
//       the kiosks enroll with one-time tokens, then send heartbeats on
//       schedule (KIOSKS/INTERVAL_S a second, spread evenly) for SECONDS;
//       then as fast as 32 connections can for 20 s; then the dashboard's
//       fleet page and /metrics with that fleet. Three ways each: a full
//       handshake per heartbeat, a resumed session, a kept connection
//       (--kept-only: that last one alone)

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "gateway_load.h"
#include "kiosk/core/http.h"
#include "kiosk/core/log.h"
#include "kiosk/core/random.h"
#include "kiosk/core/uuid.h"
#include "kiosk/dossier/package.h"
#include "kiosk/dossier/upload.h"

namespace core = kiosk::core;
namespace dossier = kiosk::dossier;
namespace fs = std::filesystem;

namespace {

std::string ReadText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

}  // namespace

pid_t StartHaproxy(const fs::path& dir, std::uint16_t port,
                   const std::vector<std::uint16_t>& backends) {
  std::ofstream cfg(dir / "haproxy.cfg");
  cfg << "global\n  maxconn 8192\ndefaults\n  mode tcp\n  timeout connect 1s\n"
      << "  timeout client 150s\n  timeout server 150s\n"
      << "frontend kiosks\n  bind 127.0.0.1:" << port << "\n  default_backend gateways\n"
      << "backend gateways\n  balance leastconn\n";
  for (std::size_t r = 0; r < backends.size(); ++r) {
    cfg << "  server g" << r << " 127.0.0.1:" << backends[r] << "\n";
  }
  cfg.close();
  const pid_t proxy = fork();
  if (proxy == 0) {
    execl("/usr/sbin/haproxy", "haproxy", "-db", "-q", "-f", (dir / "haproxy.cfg").c_str(),
          nullptr);
    _exit(127);
  }
  return proxy;
}

std::string StorageLines(const std::string& postgresql) {
  if (postgresql.empty()) return "";
  static int runs = 0;
  const std::string schema = "load_" + std::to_string(::getpid()) + "_" + std::to_string(++runs);
  const std::string create = "psql -X -q -d '" + postgresql + "' -c 'CREATE SCHEMA " + schema + "'";
  if (std::system(create.c_str()) != 0) {
    std::fprintf(stderr, "gateway-load: cannot create schema %s\n", schema.c_str());
    std::exit(1);
  }
  return "database = \"postgresql\"\npostgresql = \"" + postgresql +
         " options='-c search_path=" + schema + "'\"\npool_size = 8\n";
}

int main(int argc, char** argv) {
  // Options first, then the positional figures.
  std::string postgresql;
  int replicas = 1;
  bool keep_alive = true;
  bool kept_only = false;
  while (argc > 1 && std::string(argv[1]).rfind("--", 0) == 0) {
    const std::string flag = argv[1];
    if (flag == "--no-keep-alive") {
      keep_alive = false;
      argv += 1;
      argc -= 1;
      continue;
    }
    if (flag == "--kept-only") {
      kept_only = true;
      argv += 1;
      argc -= 1;
      continue;
    }
    if (argc < 3) break;
    if (flag == "--postgresql") {
      postgresql = argv[2];
    } else if (flag == "--replicas") {
      replicas = std::max(1, std::stoi(argv[2]));
    } else {
      break;
    }
    argv += 2;
    argc -= 2;
  }
  if (replicas > 1 && postgresql.empty()) {
    std::fprintf(stderr, "gateway-load: --replicas needs --postgresql\n");
    return 2;
  }
  if (argc > 1 && std::string(argv[1]) == "heartbeats") {
    return Heartbeats(argc > 2 ? std::stoi(argv[2]) : 5000, argc > 3 ? std::stoi(argv[3]) : 60,
                      argc > 4 ? std::stoi(argv[4]) : 60, postgresql, kept_only, replicas);
  }
  if (argc > 1 && (argv[1][0] < '0' || argv[1][0] > '9')) {
    std::fprintf(stderr,
                 "usage: gateway-load [--postgresql CONNINFO [--replicas N]] [--no-keep-alive] "
                 "[KIOSKS] [DOSSIERS]\n"
                 "       gateway-load [--postgresql CONNINFO [--replicas N]] [--kept-only] "
                 "heartbeats [KIOSKS] "
                 "[SECONDS] [INTERVAL_S]\n");
    return 2;
  }
  const int kiosks = argc > 1 ? std::stoi(argv[1]) : 16;
  const int per_kiosk = argc > 2 ? std::stoi(argv[2]) : 25;
  core::log::Install(std::make_unique<core::log::Logger>(std::make_unique<core::log::StderrSink>(),
                                                         core::log::Level::kError));
  char tmpl[] = "/tmp/kiosk-gateway-load-XXXXXX";
  const fs::path dir = mkdtemp(tmpl);
  const fs::path pki = dir / "pki";
  if (std::system((std::string(KIOSK_DEVCA_BIN) + " init " + pki.string()).c_str()) != 0) return 1;
  // Each replica on its own port; with several, HAProxy's port in front.
  const std::uint16_t first_port = 19443;
  const std::uint16_t port = replicas > 1 ? 19440 : first_port;
  std::string storage_lines;
  if (!postgresql.empty()) {
    const std::string schema = "load_" + std::to_string(::getpid());
    const std::string create =
        "psql -X -q -d '" + postgresql + "' -c 'CREATE SCHEMA " + schema + "'";
    if (std::system(create.c_str()) != 0) return 1;
    storage_lines = "database = \"postgresql\"\npostgresql = \"" + postgresql +
                    " options='-c search_path=" + schema + "'\"\npool_size = 8\nshared_dir = \"" +
                    (dir / "shared").string() + "\"\n";
  }
  std::vector<pid_t> gateways;
  for (int r = 0; r < replicas; ++r) {
    const fs::path config = dir / ("gateway-" + std::to_string(r) + ".toml");
    std::ofstream(config) << "[listen]\naddress = \"127.0.0.1\"\nport = " << first_port + r
                          << "\nmax_connections = 256\n"
                          << "max_connections_per_address = 256\n"  // every kiosk here is 127.0.0.1
                          << "[tls]\ncertificate = \"" << (pki / "gateway.pem").string() << "\"\n"
                          << "key = \"" << (pki / "gateway-key.pem").string() << "\"\n"
                          << "device_ca = \"" << (pki / "device-ca.pem").string() << "\"\n"
                          << "[storage]\ndir = \""
                          << (dir / ("state-" + std::to_string(r))).string() << "\"\n"
                          << storage_lines
                          << "[procedures]\n\"1.001612\" = 3\n[log]\nlevel = \"error\"\n";
    const pid_t gateway = fork();
    if (gateway == 0) {
      execl(KIOSK_GATEWAY_BIN, KIOSK_GATEWAY_BIN, "--config", config.c_str(), nullptr);
      _exit(127);
    }
    gateways.push_back(gateway);
  }
  if (replicas > 1) {
    std::vector<std::uint16_t> backends;
    for (int r = 0; r < replicas; ++r)
      backends.push_back(static_cast<std::uint16_t>(first_port + r));
    gateways.push_back(StartHaproxy(dir, port, backends));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));

  auto random = core::Drbg::Create();
  auto ca_key = core::PrivateKey::FromPem(
      core::SecretBytes(core::AsBytes(ReadText(pki / "device-ca-key.pem"))));
  auto gateway_ca = core::Certificate::FromPem(ReadText(pki / "gateway-ca.pem"));
  const auto now = core::SystemClock().Now();

  // Each kiosk: a key, a certificate, and its uploads prepared in advance.
  struct Kiosk {
    std::optional<core::PrivateKey> key;
    std::optional<core::Certificate> cert;
    std::vector<std::string> bodies;
  };
  std::vector<Kiosk> fleet(static_cast<std::size_t>(kiosks));
  auto storage_key = dossier::LoadOrCreateStorageKey(dir / "storage.key", **random);
  core::UuidV7Generator ids(core::SystemClock(), **random);
  const fs::path scan = dir / "scan.pdf";
  std::ofstream(scan) << std::string(200 * 1024, 's');  // a 200 KiB scanned page
  for (int k = 0; k < kiosks; ++k) {
    Kiosk& kiosk = fleet[static_cast<std::size_t>(k)];
    char id[32];
    std::snprintf(id, sizeof id, "LOAD-%04d", k);
    kiosk.key.emplace(*core::PrivateKey::GenerateP256(**random));
    core::CertificateSpec spec{
        std::string("C=VN,O=Kiosk Development,CN=") + id,
        "C=VN,O=Kiosk Development,CN=Kiosk Dev Device CA",
        {0x10, static_cast<std::uint8_t>(k >> 8), static_cast<std::uint8_t>(k)},
        now - std::chrono::hours(1),
        now + std::chrono::hours(24),
        false,
        -1,
        core::kKeyUsageDigitalSignature};
    kiosk.cert.emplace(*core::IssueCertificate(spec, *kiosk.key->Public(), *ca_key, **random));
    for (int i = 0; i < per_kiosk; ++i) {
      dossier::Dossier d;
      d.id = *ids.Next();
      d.procedure_code = "1.001612";
      d.receiving_agency = "000.17.22.H56";
      d.kiosk_id = id;
      d.applicant.source = dossier::IdentitySource::kChipVerified;
      d.consent = {"consent-vi-2026.1", now};
      d.started_at = now - std::chrono::minutes(5);
      d.submitted_at = now;
      dossier::Attachment a;
      a.name = "attachment-01.pdf";
      a.source = scan;
      d.attachments.push_back(a);
      const fs::path path = dir / "package.kpkg";
      (void)dossier::WritePackage(path, d, *kiosk.key, id, *storage_key, **random);
      auto reader = dossier::PackageReader::Open(path, *storage_key);
      kiosk.bodies.push_back(*dossier::BuildUploadBody(*reader));
    }
  }

  std::mutex mutex;
  std::vector<double> latencies;
  std::vector<double> kept;  // requests after each kiosk's first: on its open connection
  std::atomic<int> failures{0};
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (auto& kiosk : fleet) {
    threads.emplace_back([&] {
      core::TlsOptions tls;
      tls.trusted = {*gateway_ca};
      tls.identity = core::TlsIdentity{{*kiosk.cert}, &*kiosk.key};
      tls.server_name = "localhost";
      if (keep_alive) {
        tls.session_cache = std::make_shared<core::TlsSessionCache>();
        tls.connection_cache = std::make_shared<core::TlsConnectionCache>();
      }
      for (const auto& body : kiosk.bodies) {
        const bool first = &body == &kiosk.bodies.front();
        const auto t0 = std::chrono::steady_clock::now();
        auto r = core::HttpsRequest(
            "127.0.0.1", port, tls,
            {"POST", "/v1/dossiers", {{"Content-Type", dossier::kUploadContentType}}, body});
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count();
        if (!r || r->status != 201) {
          if (failures++ == 0) {
            std::fprintf(stderr, "gateway-load: first failure: %s\n",
                         r ? (std::to_string(r->status) + " " + r->body).c_str()
                           : r.GetError().ToString().c_str());
          }
        }
        std::lock_guard lock(mutex);
        latencies.push_back(ms);
        if (!first) kept.push_back(ms);
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  for (const pid_t child : gateways) kill(child, SIGTERM);
  for (const pid_t child : gateways) waitpid(child, nullptr, 0);
  fs::remove_all(dir);

  std::sort(latencies.begin(), latencies.end());
  std::sort(kept.begin(), kept.end());
  auto pct_of = [](const std::vector<double>& v, double p) {
    return v.empty() ? 0.0 : v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
  };
  auto pct = [&](double p) { return pct_of(latencies, p); };
  std::printf("gateway-load: %d kiosks x %d dossiers (200 KiB attachment each), %d failed; %s\n",
              kiosks, per_kiosk, failures.load(),
              postgresql.empty() ? "SQLite, 1 gateway"
                                 : ("PostgreSQL, " + std::to_string(replicas) +
                                    (replicas > 1 ? " gateways behind HAProxy" : " gateway"))
                                       .c_str());
  std::printf("  %.1f dossiers/s  p50 %.1f ms  p90 %.1f ms  p99 %.1f ms  max %.1f ms\n",
              static_cast<double>(latencies.size()) / seconds, pct(0.5), pct(0.9), pct(0.99),
              latencies.back());
  if (keep_alive && !kept.empty()) {
    // Without each kiosk's first request: the connection it opens (a full
    // handshake, every kiosk at once at the start) is not in these.
    std::printf("  on kept connections (%zu requests): p50 %.1f ms  p90 %.1f ms  p99 %.1f ms\n",
                kept.size(), pct_of(kept, 0.5), pct_of(kept, 0.9), pct_of(kept, 0.99));
  }
  std::printf(keep_alive
                  ? "  (each kiosk: one TLS connection kept open; each request: JWS and\n"
                  : "  (each request: new TLS 1.2 handshake with client certificate, JWS and\n"
                    "   SHA-256 checks, attachment fsync, a commit: SQLite synchronous=FULL or\n"
                    "   PostgreSQL synchronous_commit=on)\n");
  return failures == 0 ? 0 : 1;
}
