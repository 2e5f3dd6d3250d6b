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

  struct State;
  explicit TlsConnection(std::unique_ptr<State> state);

 private:
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
