#pragma once

// TLS 1.2 over mbedTLS, both ends, with certificates on both sides: the
// agent presents its device certificate and trusts only the pinned gateway
// CA; the gateway requires a client certificate from its device CA. Every
// wait has a deadline: connect, handshake, read and write.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/error.h"
#include "kiosk/core/pk.h"
#include "kiosk/core/secret.h"
#include "kiosk/core/x509.h"

namespace kiosk::core {

// A certificate chain (own certificate first) and its private key.
struct TlsIdentity {
  std::vector<Certificate> chain;
  const PrivateKey* key = nullptr;  // must outlive the connection or server
};

// Client: keeps the last session with a server so the next connection
// resumes it (RFC 5077 session tickets) instead of repeating the public-key
// work of a full handshake. Share one between the connections to one server;
// thread-safe.
class TlsSessionCache {
 public:
  TlsSessionCache();
  ~TlsSessionCache();
  TlsSessionCache(const TlsSessionCache&) = delete;
  TlsSessionCache& operator=(const TlsSessionCache&) = delete;
  struct State;
  State& GetState() { return *state_; }

 private:
  std::unique_ptr<State> state_;
};

class TlsConnectionCache;

struct TlsOptions {
  std::vector<Certificate> trusted;     // the only CAs accepted for the peer
  std::optional<TlsIdentity> identity;  // ours; required for a server
  std::string server_name;              // client: the name the server's certificate must carry
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds io_timeout{15000};
  // Server: false serves clients without certificates (an operator's browser,
  // a kiosk that has not enrolled yet); `trusted` may then be empty.
  bool require_client_certificate = true;
  // Server: called during every handshake with the client's verified
  // certificate; a refusal fails the handshake with "tls.peer_refused" (the
  // gateway refuses revoked devices here). Must be thread-safe.
  std::function<bool(const Certificate&)> accept_peer;
  // Client: resume sessions through this cache (null: a full handshake each time).
  std::shared_ptr<TlsSessionCache> session_cache;
  // Client (HTTP): keep the connection open between requests through this
  // cache (null: one connection per request). See TlsConnectionCache.
  std::shared_ptr<TlsConnectionCache> connection_cache;
  // Server: how long a session ticket it issues may be resumed; 0: no tickets.
  // A resumed session skips the certificate checks of a full handshake, so
  // accept_peer is asked again after it.
  std::chrono::seconds session_ticket_lifetime{0};
  // Server: seal tickets under keys derived from this secret (32 bytes or
  // more), so that every replica that shares it resumes the others'
  // sessions; null: a random key of this process.
  std::shared_ptr<const SecretBytes> session_ticket_secret;
};

class TlsConnection {
 public:
  ~TlsConnection();
  TlsConnection(TlsConnection&&) noexcept;
  TlsConnection& operator=(TlsConnection&&) noexcept;

  // Up to out.size() bytes; 0 at the end of the stream. "tls.timeout" when
  // nothing arrives within the I/O timeout.
  Expected<std::size_t> Read(std::span<std::uint8_t> out);
  Status Write(ByteView data);
  // The peer's certificate (the client's, on a server).
  Expected<Certificate> PeerCertificate() const;
  // Sends close_notify; the connection is closed either way when destroyed.
  void Close();
  // Every read from now on fails with "tls.timeout" once `deadline` has
  // passed, however slowly the peer trickles bytes (a server bounds the time
  // a request may take with it). max() lifts it.
  void SetDeadline(std::chrono::steady_clock::time_point deadline);
  // The client's IP address, on a server ("" on a client).
  const std::string& PeerAddress() const;

  // For a connection kept open between requests (HTTP keep-alive):
  // the socket, to wait on it for the next request without a thread;
  int Fd() const;
  // bytes already received and decrypted, not read yet (a next request
  // arrived with the last one);
  std::size_t Buffered() const;
  // true while the peer has neither sent anything nor closed it. Never waits.
  bool Quiet() const;

  struct State;
  explicit TlsConnection(std::unique_ptr<State> state);

 private:
  std::unique_ptr<State> state_;
};

// Client: one connection kept open to a server between requests (HTTP/1.1
// keep-alive), so that a heartbeat or an upload costs no handshake. A request
// takes it when it is to the same server, idle for less than `idle_timeout`
// and quiet (the server has not closed it); otherwise it connects anew, and
// leaves its connection here after an answer that allows it. The idle
// timeout (90 s: longer than the heartbeat interval, 60 s, so heartbeats
// alone keep it) is shorter than the server's (120 s), so the server does
// not close a connection just as a request goes out on it. Thread-safe: a request made
// while another holds the connection opens one of its own.
class TlsConnectionCache {
 public:
  explicit TlsConnectionCache(std::chrono::milliseconds idle_timeout = std::chrono::seconds(90));
  ~TlsConnectionCache();
  TlsConnectionCache(const TlsConnectionCache&) = delete;
  TlsConnectionCache& operator=(const TlsConnectionCache&) = delete;

  std::optional<TlsConnection> Take(const std::string& host, std::uint16_t port);
  void Put(const std::string& host, std::uint16_t port, TlsConnection connection);
  // How many requests went out on a kept connection.
  int Reused() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Connects and completes the handshake, verifying the server against
// options.trusted and options.server_name.
Expected<TlsConnection> TlsConnect(const std::string& host, std::uint16_t port,
                                   const TlsOptions& options);

// A TCP connection a server accepted, before its TLS handshake: the
// handshake runs wherever the caller likes (a thread of its own), so a
// client that connects and stays silent never holds up accepting others.
class PendingTlsConnection {
 public:
  ~PendingTlsConnection();
  PendingTlsConnection(PendingTlsConnection&&) noexcept;
  PendingTlsConnection& operator=(PendingTlsConnection&&) noexcept;
  const std::string& PeerAddress() const;
  // Completes the handshake within `limit` in all, not per read; then asks
  // accept_peer again (a resumed session skipped the certificate checks).
  Expected<TlsConnection> Handshake(std::chrono::milliseconds limit) &&;

  struct State;
  explicit PendingTlsConnection(std::unique_ptr<State> state);

 private:
  std::unique_ptr<State> state_;
};

class TlsServer {
 public:
  // Listens on host:port (port 0 picks one); clients must present a
  // certificate chaining to options.trusted.
  static Expected<TlsServer> Listen(const std::string& host, std::uint16_t port,
                                    const TlsOptions& options);
  ~TlsServer();
  TlsServer(TlsServer&&) noexcept;
  TlsServer& operator=(TlsServer&&) noexcept;

  std::uint16_t Port() const;
  // Waits up to `timeout` for a client and completes the handshake with it.
  // "tls.no_client" when none came; handshake failures name their reason.
  Expected<TlsConnection> Accept(std::chrono::milliseconds timeout);
  // Waits up to `timeout` for a client and returns it before the handshake.
  Expected<PendingTlsConnection> AcceptPending(std::chrono::milliseconds timeout);

  struct State;

 private:
  TlsServer();
  std::unique_ptr<State> state_;
};

}  // namespace kiosk::core
