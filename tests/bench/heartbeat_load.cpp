// gateway-load heartbeats: a fleet of simulated kiosks against a real
// kiosk-gateway. Each kiosk enrolls (its own key, a CSR, a one-time token),
// then heartbeats arrive on schedule, each over a new mutual-TLS connection
// as kiosk-agent sends them. Latency is measured from the moment a heartbeat
// was due, so a gateway falling behind shows in the figures.

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
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "gateway_config.h"
#include "gateway_load.h"
#include "kiosk/core/csr.h"
#include "kiosk/core/encoding.h"
#include "kiosk/core/http.h"
#include "kiosk/core/random.h"
#include "kiosk/gateway/dashboard.h"
#include "kiosk/gateway/fleet.h"

namespace core = kiosk::core;
namespace gw = kiosk::gateway;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct Stats {
  std::mutex mutex;
  std::vector<double> ms;
  std::atomic<int> failures{0};
  void Add(double v) {
    std::lock_guard lock(mutex);
    ms.push_back(v);
  }
  void Fail(const std::string& why) {
    if (failures++ == 0) std::fprintf(stderr, "gateway-load: first failure: %s\n", why.c_str());
  }
  std::string Summary() {
    std::lock_guard lock(mutex);
    if (ms.empty()) return "no samples";
    std::sort(ms.begin(), ms.end());
    auto pct = [&](double p) { return ms[static_cast<std::size_t>(p * double(ms.size() - 1))]; };
    char buf[160];
    std::snprintf(buf, sizeof buf, "p50 %.1f ms  p90 %.1f ms  p99 %.1f ms  max %.1f ms", pct(0.5),
                  pct(0.9), pct(0.99), ms.back());
    return buf;
  }
};

double Since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

std::string Beat(const std::string& kiosk, int sequence) {
  const nlohmann::json b = {
      {"kiosk_id", kiosk},
      {"sequence", sequence},
      {"versions", {{"agent", "0.8.0"}, {"app", "0.8.0"}, {"os", "debian-12"}}},
      {"uptime_s", 3600 + sequence * 60},
      {"peripherals",
       {{"card_reader", "ok"},
        {"scanner", "ok"},
        {"printer", sequence % 97 == 0 ? "paper_out" : "ok"},
        {"payment_terminal", "ok"}}},
      {"outbox",
       {{"depth", sequence % 3}, {"oldest_age_s", (sequence % 3) * 40}, {"quarantined", 0}}},
      {"disk", {{"free_mb", 12000}, {"total_mb", 30000}}},
      {"temperature_c", 46.5},
      {"errors", nlohmann::json::array()},
      {"counters",
       {{"journeys_started", sequence},
        {"journeys_completed", sequence},
        {"journeys_abandoned", 0},
        {"card_reads_ok", sequence},
        {"card_reads_failed", 0},
        {"payments_ok", sequence / 2},
        {"payments_declined", 0}}},
      {"maintenance", false}};
  return b.dump();
}

struct SimKiosk {
  std::string id;
  std::string commune;
  std::optional<core::PrivateKey> key;
  std::vector<core::Certificate> chain;
  std::atomic<int> sequence{0};
  std::shared_ptr<core::TlsSessionCache> session;  // as kiosk-agent keeps it
  std::shared_ptr<core::TlsConnectionCache> kept;  // its connection, kept open
};

}  // namespace

int Heartbeats(int kiosks, int seconds, int interval_s, const std::string& postgresql,
               bool kept_only, int replicas) {
  char tmpl[] = "/tmp/kiosk-heartbeat-load-XXXXXX";
  const fs::path dir = mkdtemp(tmpl);
  const fs::path pki = dir / "pki";
  if (std::system((std::string(KIOSK_DEVCA_BIN) + " init " + pki.string()).c_str()) != 0) return 1;
  // Replica r: kiosks on 19443 + 2r, operators on 19444 + 2r; with several,
  // the kiosks come through HAProxy on 19440, and enroll at the first.
  const std::uint16_t first_port = 19443, operator_port = 19444;
  const std::uint16_t port = replicas > 1 ? 19440 : first_port;
  const std::string storage = StorageLines(postgresql);
  std::vector<pid_t> children;
  std::vector<std::uint16_t> backends;
  for (int r = 0; r < replicas; ++r) {
    const auto device_port = static_cast<std::uint16_t>(first_port + 2 * r);
    backends.push_back(device_port);
    const fs::path config = dir / ("gateway-" + std::to_string(r) + ".toml");
    std::ofstream(config)
        // Every simulated kiosk comes from 127.0.0.1: no per-address cap here.
        << "[listen]\naddress = \"127.0.0.1\"\nport = " << device_port
        << "\nmax_connections = 256\n"
        << "max_connections_per_address = 256\n"
        << "[operator]\nport = " << device_port + 1 << "\n"
        << "[tls]\ncertificate = \"" << (pki / "gateway.pem").string() << "\"\n"
        << "key = \"" << (pki / "gateway-key.pem").string() << "\"\n"
        << "device_ca = \"" << (pki / "device-ca.pem").string() << "\"\n"
        << "[fleet]\nca_key = \"" << (pki / "device-ca-key.pem").string() << "\"\n"
        << "config_key = \"" << (pki / "config-signer-key.pem").string() << "\"\n"
        << "heartbeat_interval_s = " << interval_s << "\noffline_after_s = " << 3 * interval_s
        << "\n[storage]\ndir = \"" << (dir / ("state-" + std::to_string(r))).string() << "\"\n"
        << storage << "[log]\nlevel = \"error\"\n";
    const pid_t gateway = fork();
    if (gateway == 0) {
      execl(KIOSK_GATEWAY_BIN, KIOSK_GATEWAY_BIN, "--config", config.c_str(), nullptr);
      _exit(127);
    }
    children.push_back(gateway);
  }
  if (replicas > 1) children.push_back(StartHaproxy(dir, port, backends));
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  auto random = core::Drbg::Create().Value();
  auto gateway_ca = core::LoadCertificateFile(pki / "gateway-ca.pem").Value();
  auto config = gw::ReadGatewayConfig((dir / "gateway-0.toml").string()).Value();
  auto stores = gw::OpenStores(config).Value();
  auto& store = *stores.fleet;
  const auto hw = std::max(1u, std::thread::hardware_concurrency());
  std::printf("gateway-load heartbeats: %d kiosks, one heartbeat each every %d s, %u cores, %s\n",
              kiosks, interval_s, hw,
              postgresql.empty() ? "SQLite"
                                 : ("PostgreSQL, " + std::to_string(replicas) +
                                    (replicas > 1 ? " gateways behind HAProxy" : " gateway"))
                                       .c_str());

  // 1. Tokens, as an operator issues them (SQLite, one commit each).
  std::vector<SimKiosk> fleet(static_cast<std::size_t>(kiosks));
  std::vector<std::string> tokens(fleet.size());
  auto t0 = Clock::now();
  const auto expires = core::UnixMillis(core::SystemClock().Now()) + 3'600'000;
  for (std::size_t i = 0; i < fleet.size(); ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "LOAD-%05zu", i);
    fleet[i].id = id;
    fleet[i].commune = std::to_string(20000 + i % 50);
    tokens[i] = core::HexEncode(core::RandomBytes(*random, 10).Value());
    (void)store.devices->AddToken(gw::Sha256Hex(tokens[i]),
                                  {fleet[i].commune, "000.17.22.H56", "bench", fleet[i].id, false},
                                  expires);
  }
  std::printf("  tokens: %d in %.1f s\n", kiosks, Since(t0) / 1000);

  // 2. Enrollment over the operator listener, 8 kiosks at a time.
  Stats enroll;
  std::atomic<std::size_t> next{0};
  t0 = Clock::now();
  {
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        auto rng = core::Drbg::Create(core::AsBytes("enroll-" + std::to_string(t))).Value();
        core::TlsOptions tls;
        tls.trusted = gateway_ca;
        tls.server_name = "localhost";
        for (std::size_t i = next++; i < fleet.size(); i = next++) {
          auto& k = fleet[i];
          k.key.emplace(core::PrivateKey::GenerateP256(*rng).Value());
          const auto csr = core::MakeCsr(*k.key, "C=VN,CN=" + k.id, *rng).Value();
          const auto start = Clock::now();
          auto r = core::HttpsRequest(
              "127.0.0.1", operator_port, tls,
              {"POST",
               "/.well-known/est/simpleenroll",
               {{"Authorization",
                 "Basic " + core::Base64Encode(core::AsBytes(k.id + ":" + tokens[i]))},
                {"X-Kiosk-Commune", k.commune}},
               core::Base64Encode(csr)});
          enroll.Add(Since(start));
          if (!r || r->status != 200) {
            enroll.Fail(r ? r->body : r.GetError().ToString());
            continue;
          }
          k.chain = core::ParsePemBundle(r->body).Value();
        }
      });
    }
    for (auto& t : threads) t.join();
  }
  const double enroll_s = Since(t0) / 1000;
  std::printf("  enrollment: %d kiosks in %.1f s = %.0f/s, %d failed; %s\n", kiosks, enroll_s,
              kiosks / enroll_s, enroll.failures.load(), enroll.Summary().c_str());

  auto send = [&](SimKiosk& k, const core::TlsOptions& tls) {
    return core::HttpsRequest("127.0.0.1", port, tls,
                              {"POST",
                               "/v1/heartbeat",
                               {{"Content-Type", "application/json"}},
                               Beat(k.id, ++k.sequence)});
  };
  bool resume = false, keep = false;
  int heartbeat_failures = 0;
  auto tls_for = [&](SimKiosk& k) {
    core::TlsOptions tls;
    tls.trusted = gateway_ca;
    tls.server_name = "localhost";
    tls.identity = core::TlsIdentity{k.chain, &*k.key};
    if (resume) {
      if (!k.session) k.session = std::make_shared<core::TlsSessionCache>();
      tls.session_cache = k.session;
    }
    if (keep) {
      if (!k.kept) k.kept = std::make_shared<core::TlsConnectionCache>();
      tls.connection_cache = k.kept;
    }
    return tls;
  };

  // 3 and 4, first with a full handshake for every heartbeat, then resuming
  // the TLS session, then on a connection each kiosk keeps open (as
  // kiosk-agent does).
  for (const int mode : {0, 1, 2}) {
    if (kept_only && mode != 2) continue;
    resume = mode >= 1;
    keep = mode == 2;
    std::printf("  -- %s\n", keep     ? "each kiosk's connection kept open (as kiosk-agent does)"
                             : resume ? "TLS sessions resumed, a new connection each time"
                                      : "a full TLS handshake for every heartbeat");
    if (resume) {
      // Steady state: each kiosk has connected once before (its last heartbeat).
      const auto warm = Clock::now();
      std::atomic<std::size_t> w{0};
      std::vector<std::thread> threads;
      for (int t = 0; t < 32; ++t) {
        threads.emplace_back([&] {
          for (std::size_t i = w++; i < fleet.size(); i = w++) {
            if (!fleet[i].chain.empty()) (void)send(fleet[i], tls_for(fleet[i]));
          }
        });
      }
      for (auto& t : threads) t.join();
      std::printf("    (each kiosk connected once first: %.1f s)\n", Since(warm) / 1000);
    }
    // 3. On schedule: KIOSKS/INTERVAL a second, evenly spread; latency from due time.
    Stats due, service;
    const std::int64_t total =
        static_cast<std::int64_t>(kiosks) * seconds / std::max(1, interval_s);
    const auto spacing = std::chrono::duration<double>(double(interval_s) / kiosks);
    std::atomic<std::int64_t> j{0};
    const auto start = Clock::now() + std::chrono::milliseconds(200);
    {
      std::vector<std::thread> threads;
      for (int t = 0; t < 32; ++t) {
        threads.emplace_back([&] {
          for (std::int64_t n = j++; n < total; n = j++) {
            auto& k = fleet[static_cast<std::size_t>(n % kiosks)];
            if (k.chain.empty()) continue;
            const auto at =
                start + std::chrono::duration_cast<Clock::duration>(spacing * double(n));
            std::this_thread::sleep_until(at);
            const auto sent = Clock::now();
            auto r = send(k, tls_for(k));
            service.Add(Since(sent));
            due.Add(Since(at));
            if (!r || r->status != 200) due.Fail(r ? r->body : r.GetError().ToString());
          }
        });
      }
      for (auto& t : threads) t.join();
    }
    const double scheduled_s = Since(start) / 1000;
    std::printf("  on schedule: %lld heartbeats in %.1f s = %.1f/s (offered %.1f/s), %d failed\n",
                static_cast<long long>(total), scheduled_s, double(total) / scheduled_s,
                double(kiosks) / interval_s, due.failures.load());
    std::printf("    from due time: %s\n    service only:  %s\n", due.Summary().c_str(),
                service.Summary().c_str());
    heartbeat_failures += due.failures.load();

    // 4. Saturation: 32 connections back to back for 20 s.
    std::printf("  saturating...\n");
    std::fflush(stdout);  // a profiler started by hand waits for this line
    Stats saturated;
    std::atomic<std::size_t> rr{0};
    std::atomic<bool> stop{false};
    const auto sat_start = Clock::now();
    {
      std::vector<std::thread> threads;
      for (int t = 0; t < 32; ++t) {
        threads.emplace_back([&] {
          while (!stop) {
            auto& k = fleet[rr++ % fleet.size()];
            if (k.chain.empty()) continue;
            const auto sent = Clock::now();
            auto r = send(k, tls_for(k));
            saturated.Add(Since(sent));
            if (!r || r->status != 200) saturated.Fail(r ? r->body : r.GetError().ToString());
          }
        });
      }
      std::this_thread::sleep_for(std::chrono::seconds(20));
      stop = true;
      for (auto& t : threads) t.join();
    }
    const double sat_s = Since(sat_start) / 1000;
    std::printf("  saturated (32 connections): %.1f heartbeats/s, %d failed; %s\n",
                double(saturated.ms.size()) / sat_s, saturated.failures.load(),
                saturated.Summary().c_str());
  }

  // 5. The dashboard with that fleet.
  (void)store.operators->SetOperator("bench", gw::HashPassword("bench password", *random).Value());
  core::TlsOptions open;
  open.trusted = gateway_ca;
  open.server_name = "localhost";
  // The login form's own CSRF token and cookie, then the post.
  auto form = core::HttpsRequest("127.0.0.1", operator_port, open, {"GET", "/login", {}, ""});
  std::string csrf, login_cookie;
  if (form) {
    const auto at = form->body.find("name=\"csrf\" value=\"");
    if (at != std::string::npos) csrf = form->body.substr(at + 19, 64);
    login_cookie = form->Header("Set-Cookie").substr(0, form->Header("Set-Cookie").find(';'));
  }
  auto login = core::HttpsRequest("127.0.0.1", operator_port, open,
                                  {"POST",
                                   "/login",
                                   {{"Cookie", login_cookie}},
                                   "user=bench&password=bench+password&csrf=" + csrf});
  const std::string cookie =
      login ? login->Header("Set-Cookie").substr(0, login->Header("Set-Cookie").find(';')) : "";
  for (const char* target : {"/fleet", "/fleet?commune=20007", "/metrics"}) {
    Stats page;
    std::size_t bytes = 0;
    for (int i = 0; i < 5; ++i) {
      const auto sent = Clock::now();
      auto r = core::HttpsRequest("127.0.0.1", operator_port, open,
                                  {"GET", target, {{"Cookie", cookie}}, ""}, 64 * 1024 * 1024);
      page.Add(Since(sent));
      if (!r || r->status != 200) {
        page.Fail(r ? std::to_string(r->status) : r.GetError().ToString());
      } else {
        bytes = r->body.size();
      }
    }
    std::printf("  GET %-22s %7zu bytes; %s\n", target, bytes, page.Summary().c_str());
  }
  // The same page in a real browser, when the browser test's tools are installed.
  const fs::path measure = fs::path(KIOSK_SOURCE_DIR) / "tests/browser/measure.mjs";
  if (fs::exists(fs::path(KIOSK_SOURCE_DIR) / "tests/browser/node_modules/playwright-core") &&
      fs::exists("/usr/bin/chromium")) {
    std::ofstream(dir / "password") << "bench password\n";
    const std::string cmd = "node " + measure.string() +
                            " --url https://127.0.0.1:" + std::to_string(operator_port) +
                            " --user bench --password-file " + (dir / "password").string();
    std::fflush(stdout);
    (void)std::system(cmd.c_str());
  }
  for (const pid_t child : children) kill(child, SIGTERM);
  for (const pid_t child : children) waitpid(child, nullptr, 0);
  fs::remove_all(dir);
  return heartbeat_failures == 0 && enroll.failures == 0 ? 0 : 1;
}
