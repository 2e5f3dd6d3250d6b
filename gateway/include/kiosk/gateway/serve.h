#pragma once

// The gateway's accept loop, shared by its two listeners. Accepting never
// waits on a client: each connection being worked on has a worker of a
// bounded pool for its TLS handshake (bounded in all, not per read), its
// request head (bounded too) and its body (within the route's size limit
// and a minimum rate). Between requests a kept connection (HTTP/1.1
// keep-alive) waits in epoll, holding no thread, until its next request or
// its idle timeout. A source
// address may hold only a few connections at once until they prove a client
// certificate (kiosks behind one NAT are not capped), and the whole listener
// a bounded number; beyond either, a new connection is closed at once and
// everyone else is still served.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "kiosk/core/http.h"
#include "kiosk/core/tls.h"

namespace kiosk::gateway {

// What a listener has served, for /metrics: connections (each a full or
// resumed TLS handshake) and the requests answered on them. Many requests
// to a connection is the kiosks keeping theirs open.
struct ServeCounters {
  std::atomic<std::uint64_t> connections{0};
  std::atomic<std::uint64_t> requests{0};
};
// Prometheus text for the listeners named: kiosk_gateway_connections_total
// and kiosk_gateway_requests_total, labelled listener="<name>".
std::string ServeMetrics(
    const std::vector<std::pair<std::string, const ServeCounters*>>& listeners);

struct ServeOptions {
  // Connections being worked on at once, and so the workers at most.
  int max_connections = 256;
  int max_per_address = 16;
  std::chrono::milliseconds handshake_time{5000};
  // How long a kept connection waits for its next request; 0: one request
  // per connection. Longer than the kiosks' own idle timeout (90 s), so a
  // kiosk closes first.
  std::chrono::milliseconds keep_alive_idle{120000};
  int max_idle_connections = 8192;  // kept connections at most; past it, the oldest closes
  core::RequestLimits limits;
  ServeCounters* counters = nullptr;  // counted when given
};

using RequestHandler =
    std::function<core::HttpResponse(const core::HttpRequest&, const core::Certificate* client)>;

// Serves until `stop` is set, then waits for the connections in progress.
void Serve(core::TlsServer& server, const ServeOptions& options, const std::atomic<bool>& stop,
           const RequestHandler& handle);

// Body limits per route (docs/fleet.md, "Limits"): forms, logins and
// enrollment on the operator listener 16 KiB; on the device listener a
// heartbeat 64 KiB, an uploaded log 4 MiB, a dossier 64 MiB (spooled to
// disk), anything else 16 KiB.
inline constexpr std::size_t kFormLimit = 16 * 1024;
inline constexpr std::size_t kHeartbeatLimit = 64 * 1024;
inline constexpr std::size_t kLogUploadLimit = 4 * 1024 * 1024 + 4096;
inline constexpr std::size_t kDossierLimit = 64 * 1024 * 1024;
std::size_t OperatorBodyLimit(const core::HttpRequest& head);
std::size_t DeviceBodyLimit(const core::HttpRequest& head);

}  // namespace kiosk::gateway
