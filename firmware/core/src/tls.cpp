#include "kiosk/core/tls.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_ticket.h>
#include <mbedtls/x509_crt.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <utility>

#include "kiosk/core/mbedtls_call.h"
#include "kiosk/core/random.h"
#include "mbedtls_internal.h"
#include "pk_internal.h"
#include "tls_tickets.h"

namespace kiosk::core {

namespace {

using SslConfig = Owned<mbedtls_ssl_config, mbedtls_ssl_config_init, mbedtls_ssl_config_free>;
using Crt = Owned<mbedtls_x509_crt, mbedtls_x509_crt_init, mbedtls_x509_crt_free>;
using Pk = Owned<mbedtls_pk_context, mbedtls_pk_init, mbedtls_pk_free>;
using Ssl = Owned<mbedtls_ssl_context, mbedtls_ssl_init, mbedtls_ssl_free>;

// TLS 1.2 only, with ECDHE and AEAD suites.
const int kCipherSuites[] = {MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
                             MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
                             MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
                             MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, 0};

Error SocketError(const std::string& what) {
  return Error::Retryable("net.error", what + ": " + std::strerror(errno));
}

// A TLS failure, named by what it means to the caller.
Error TlsError(int rc, const char* during, const mbedtls_ssl_context* ssl) {
  std::string detail = MbedtlsErrorText(rc) + " (" + during + ")";
  switch (rc) {
    case MBEDTLS_ERR_SSL_TIMEOUT:
      return Error::Retryable("tls.timeout", "no answer in time " + detail);
    case MBEDTLS_ERR_X509_CERT_VERIFY_FAILED: {
      char info[512] = {0};
      if (ssl != nullptr) {
        mbedtls_x509_crt_verify_info(info, sizeof info, "", mbedtls_ssl_get_verify_result(ssl));
      }
      if (ssl != nullptr && (mbedtls_ssl_get_verify_result(ssl) & MBEDTLS_X509_BADCERT_REVOKED)) {
        return Error::NeedsPerson("tls.peer_refused", "the peer's certificate is revoked");
      }
      std::string why(info);
      while (!why.empty() && why.back() == '\n') why.pop_back();
      for (auto& c : why) {
        if (c == '\n') c = ';';
      }
      return Error::NeedsPerson("tls.untrusted_peer", "peer certificate refused: " + why);
    }
    case MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE:
      return Error::NeedsPerson("tls.no_client_certificate", "the client sent no certificate");
    case MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE:
      return Error::NeedsPerson("tls.refused", "the peer refused the handshake " + detail);
    case MBEDTLS_ERR_NET_CONN_RESET:
    case MBEDTLS_ERR_SSL_CONN_EOF:
      return Error::Retryable("tls.closed", "the connection closed " + detail);
    default:
      return Error::Retryable("tls.error", detail);
  }
}

}  // namespace

struct TlsConfigHolder {
  SslConfig conf;
  Crt trusted;
  Crt own_chain;
  Pk own_key;
  std::unique_ptr<Drbg> drbg;
  std::chrono::milliseconds io_timeout{15000};
  std::function<bool(const Certificate&)> accept_peer;
  // Server: the key session tickets are sealed with (mbedTLS locks it).
  Owned<mbedtls_ssl_ticket_context, mbedtls_ssl_ticket_init, mbedtls_ssl_ticket_free> tickets;
  SharedTicketKeys shared_tickets;                 // when the replicas share a ticket secret
  std::shared_ptr<TlsSessionCache> session_cache;  // client
};

struct TlsSessionCache::State {
  std::mutex mutex;
  Owned<mbedtls_ssl_session, mbedtls_ssl_session_init, mbedtls_ssl_session_free> session;
  bool valid = false;
};
TlsSessionCache::TlsSessionCache() : state_(std::make_unique<State>()) {}
TlsSessionCache::~TlsSessionCache() = default;

namespace {

// mbedTLS's verify callback: the leaf (depth 0) is offered to accept_peer;
// a refusal is reported as a revoked certificate and fails the handshake.
int VerifyPeer(void* context, mbedtls_x509_crt* crt, int depth, std::uint32_t* flags) {
  auto* holder = static_cast<TlsConfigHolder*>(context);
  if (depth != 0 || *flags != 0) return 0;
  auto cert = Certificate::FromDer(ByteView(crt->raw.p, crt->raw.len));
  if (!cert || !holder->accept_peer(*cert)) *flags |= MBEDTLS_X509_BADCERT_REVOKED;
  return 0;
}

Expected<std::shared_ptr<TlsConfigHolder>> MakeConfig(int endpoint, const TlsOptions& options) {
  auto holder = std::make_shared<TlsConfigHolder>();
  holder->io_timeout = options.io_timeout;
  KIOSK_ASSIGN_OR_RETURN(holder->drbg, Drbg::Create(AsBytes("kiosk-tls")));
  mbedtls_ssl_config* conf = holder->conf.get();
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_ssl_config_defaults(conf, endpoint, MBEDTLS_SSL_TRANSPORT_STREAM,
                                                      MBEDTLS_SSL_PRESET_DEFAULT)));
  mbedtls_ssl_conf_min_version(conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
  mbedtls_ssl_conf_max_version(conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
  mbedtls_ssl_conf_ciphersuites(conf, kCipherSuites);
  mbedtls_ssl_conf_rng(conf, MbedtlsRng, holder->drbg.get());
  mbedtls_ssl_conf_read_timeout(conf, static_cast<std::uint32_t>(options.io_timeout.count()));
  const bool verify_peer = endpoint == MBEDTLS_SSL_IS_CLIENT || options.require_client_certificate;
  if (options.trusted.empty() && verify_peer) {
    return Error::Fatal("tls.config", "no trusted CA: the peer could not be verified");
  }
  for (const auto& ca : options.trusted) {
    KIOSK_TRY(KIOSK_MBEDTLS(
        mbedtls_x509_crt_parse_der(holder->trusted.get(), ca.Der().data(), ca.Der().size())));
  }
  if (verify_peer) {
    mbedtls_ssl_conf_ca_chain(conf, holder->trusted.get(), nullptr);
    mbedtls_ssl_conf_authmode(conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    if (options.accept_peer) {
      holder->accept_peer = options.accept_peer;
      mbedtls_ssl_conf_verify(conf, VerifyPeer, holder.get());
    }
  } else {
    mbedtls_ssl_conf_authmode(conf, MBEDTLS_SSL_VERIFY_NONE);
  }
  if (options.identity) {
    for (const auto& cert : options.identity->chain) {
      KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_x509_crt_parse_der(holder->own_chain.get(), cert.Der().data(),
                                                         cert.Der().size())));
    }
    KIOSK_ASSIGN_OR_RETURN(const SecretBytes key_der, options.identity->key->ToDer());
    KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_pk_parse_key(holder->own_key.get(), key_der.View().data(),
                                                 key_der.Size(), nullptr, 0)));
    KIOSK_TRY(KIOSK_MBEDTLS(
        mbedtls_ssl_conf_own_cert(conf, holder->own_chain.get(), holder->own_key.get())));
  } else if (endpoint == MBEDTLS_SSL_IS_SERVER) {
    return Error::Fatal("tls.config", "a server needs a certificate and key");
  }
  if (endpoint == MBEDTLS_SSL_IS_SERVER && options.session_ticket_lifetime.count() > 0 &&
      options.session_ticket_secret) {
    if (options.session_ticket_secret->Size() < 32) {
      return Error::NeedsPerson("tls.ticket_secret", "the session ticket secret is under 32 bytes");
    }
    holder->shared_tickets.secret = options.session_ticket_secret->Clone();
    holder->shared_tickets.lifetime_s =
        static_cast<std::uint32_t>(options.session_ticket_lifetime.count());
    holder->shared_tickets.random = holder->drbg.get();
    mbedtls_ssl_conf_session_tickets_cb(conf, SharedTicketWrite, SharedTicketParse,
                                        &holder->shared_tickets);
  } else if (endpoint == MBEDTLS_SSL_IS_SERVER && options.session_ticket_lifetime.count() > 0) {
    KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_ssl_ticket_setup(
        holder->tickets.get(), MbedtlsRng, holder->drbg.get(), MBEDTLS_CIPHER_AES_256_GCM,
        static_cast<std::uint32_t>(options.session_ticket_lifetime.count()))));
    mbedtls_ssl_conf_session_tickets_cb(conf, mbedtls_ssl_ticket_write, mbedtls_ssl_ticket_parse,
                                        holder->tickets.get());
  }
  holder->session_cache = options.session_cache;
  return holder;
}

// mbedtls_net_send writes with write(2): a peer that hung up would kill the
// whole process with SIGPIPE. send(2) with MSG_NOSIGNAL turns that into an error.
int SendNoSignal(void* context, const unsigned char* buf, std::size_t len) {
  const int fd = static_cast<mbedtls_net_context*>(context)->fd;
  while (true) {
    const ssize_t n = ::send(fd, buf, len, MSG_NOSIGNAL);
    if (n >= 0) return static_cast<int>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return MBEDTLS_ERR_SSL_WANT_WRITE;
    if (errno == EPIPE || errno == ECONNRESET) return MBEDTLS_ERR_NET_CONN_RESET;
    return MBEDTLS_ERR_NET_SEND_FAILED;
  }
}

void SetSocketTimeouts(int fd, std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int yes = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
}

}  // namespace

struct TlsConnection::State {
  std::shared_ptr<TlsConfigHolder> config;  // destroyed last
  Ssl ssl;
  mbedtls_net_context net{-1};
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  std::string peer_address;
  std::optional<Certificate> peer;  // parsed on first asking
  ~State() {
    if (net.fd >= 0) ::close(net.fd);
  }
};

namespace {

// Receives with the read timeout and the connection's deadline, whichever
// comes first: a peer sending a byte now and then cannot stretch a
// handshake or a request past its deadline.
int RecvWithDeadline(void* context, unsigned char* buf, std::size_t len) {
  auto* state = static_cast<TlsConnection::State*>(context);
  const auto now = std::chrono::steady_clock::now();
  auto wait = state->config->io_timeout;
  if (state->deadline != std::chrono::steady_clock::time_point::max()) {
    if (now >= state->deadline) return MBEDTLS_ERR_SSL_TIMEOUT;
    wait = std::min(wait, std::chrono::ceil<std::chrono::milliseconds>(state->deadline - now));
  }
  pollfd p{state->net.fd, POLLIN, 0};
  const int ready = ::poll(&p, 1, static_cast<int>(wait.count()));
  if (ready == 0) return MBEDTLS_ERR_SSL_TIMEOUT;
  if (ready < 0) return errno == EINTR ? MBEDTLS_ERR_SSL_WANT_READ : MBEDTLS_ERR_NET_RECV_FAILED;
  const ssize_t n = ::recv(state->net.fd, buf, len, 0);
  if (n >= 0) return static_cast<int>(n);
  if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) return MBEDTLS_ERR_SSL_WANT_READ;
  if (errno == ECONNRESET || errno == EPIPE) return MBEDTLS_ERR_NET_CONN_RESET;
  return MBEDTLS_ERR_NET_RECV_FAILED;
}

int SendOnState(void* context, const unsigned char* buf, std::size_t len) {
  return SendNoSignal(&static_cast<TlsConnection::State*>(context)->net, buf, len);
}

}  // namespace

TlsConnection::TlsConnection(std::unique_ptr<State> state) : state_(std::move(state)) {}
TlsConnection::~TlsConnection() = default;
TlsConnection::TlsConnection(TlsConnection&&) noexcept = default;
TlsConnection& TlsConnection::operator=(TlsConnection&&) noexcept = default;

namespace {

// Completes the handshake on a connected socket; takes ownership of `fd`.
Expected<TlsConnection> Handshake(
    std::shared_ptr<TlsConfigHolder> config, int fd, const std::string& server_name,
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max(),
    std::string peer_address = "") {
  auto state = std::make_unique<TlsConnection::State>();
  state->config = std::move(config);
  state->net.fd = fd;
  state->deadline = deadline;
  state->peer_address = std::move(peer_address);
  SetSocketTimeouts(fd, state->config->io_timeout);
  mbedtls_ssl_context* ssl = state->ssl.get();
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_ssl_setup(ssl, state->config->conf.get())));
  if (!server_name.empty()) {
    KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_ssl_set_hostname(ssl, server_name.c_str())));
  }
  mbedtls_ssl_set_bio(ssl, state.get(), SendOnState, RecvWithDeadline, nullptr);
  TlsSessionCache::State* cache =
      state->config->session_cache ? &state->config->session_cache->GetState() : nullptr;
  if (cache != nullptr) {
    std::lock_guard lock(cache->mutex);
    // A session the server no longer knows just means a full handshake.
    if (cache->valid) (void)mbedtls_ssl_set_session(ssl, cache->session.get());
  }
  while (true) {
    const int rc = mbedtls_ssl_handshake(ssl);
    if (rc == 0) break;
    if (rc == MBEDTLS_ERR_SSL_WANT_READ) continue;  // interrupted; the deadline still holds
    if (rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
      // Blocking socket: WANT_WRITE means the send timeout expired.
      return TlsError(MBEDTLS_ERR_SSL_TIMEOUT, "handshake", ssl);
    }
    return TlsError(rc, "handshake", ssl);
  }
  if (cache != nullptr) {
    std::lock_guard lock(cache->mutex);
    mbedtls_ssl_session_free(cache->session.get());
    mbedtls_ssl_session_init(cache->session.get());
    cache->valid = mbedtls_ssl_get_session(ssl, cache->session.get()) == 0;
  }
  return TlsConnection(std::move(state));
}

}  // namespace

Expected<std::size_t> TlsConnection::Read(std::span<std::uint8_t> out) {
  while (true) {
    const int rc = mbedtls_ssl_read(state_->ssl.get(), out.data(), out.size());
    if (rc >= 0) return static_cast<std::size_t>(rc);
    if (rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) return std::size_t{0};
    if (rc == MBEDTLS_ERR_SSL_WANT_READ) continue;
    return TlsError(rc, "read", state_->ssl.get());
  }
}

Status TlsConnection::Write(ByteView data) {
  while (!data.empty()) {
    const int rc = mbedtls_ssl_write(state_->ssl.get(), data.data(), data.size());
    if (rc > 0) {
      data = data.subspan(static_cast<std::size_t>(rc));
      continue;
    }
    if (rc == MBEDTLS_ERR_SSL_WANT_WRITE || rc == MBEDTLS_ERR_SSL_WANT_READ) {
      return TlsError(MBEDTLS_ERR_SSL_TIMEOUT, "write", state_->ssl.get());
    }
    return TlsError(rc, "write", state_->ssl.get());
  }
  return Ok();
}

Expected<Certificate> TlsConnection::PeerCertificate() const {
  // Parsed once for the connection: a kept one asks on every request.
  if (state_->peer) return *state_->peer;
  const mbedtls_x509_crt* peer = mbedtls_ssl_get_peer_cert(state_->ssl.get());
  if (peer == nullptr) return Error::NeedsPerson("tls.no_peer_certificate", "no peer certificate");
  KIOSK_ASSIGN_OR_RETURN(Certificate parsed,
                         Certificate::FromDer(ByteView(peer->raw.p, peer->raw.len)));
  state_->peer = parsed;
  return parsed;
}

void TlsConnection::SetDeadline(std::chrono::steady_clock::time_point deadline) {
  state_->deadline = deadline;
}

const std::string& TlsConnection::PeerAddress() const { return state_->peer_address; }

struct TlsConnectionCache::State {
  std::chrono::milliseconds idle_timeout;
  std::mutex mutex;
  std::string host;
  std::uint16_t port = 0;
  std::optional<TlsConnection> idle;
  std::chrono::steady_clock::time_point since;
  int reused = 0;
};

TlsConnectionCache::TlsConnectionCache(std::chrono::milliseconds idle_timeout)
    : state_(std::make_unique<State>()) {
  state_->idle_timeout = idle_timeout;
}
TlsConnectionCache::~TlsConnectionCache() = default;

std::optional<TlsConnection> TlsConnectionCache::Take(const std::string& host, std::uint16_t port) {
  std::optional<TlsConnection> taken;
  {
    std::lock_guard lock(state_->mutex);
    if (!state_->idle || state_->host != host || state_->port != port) return std::nullopt;
    const bool fresh = std::chrono::steady_clock::now() - state_->since < state_->idle_timeout;
    taken = std::exchange(state_->idle, std::nullopt);
    if (!fresh) return std::nullopt;  // closed as it goes
  }
  if (!taken->Quiet()) return std::nullopt;
  std::lock_guard lock(state_->mutex);
  ++state_->reused;
  return taken;
}

void TlsConnectionCache::Put(const std::string& host, std::uint16_t port,
                             TlsConnection connection) {
  std::lock_guard lock(state_->mutex);
  state_->host = host;
  state_->port = port;
  state_->idle = std::move(connection);  // any connection kept before is closed
  state_->since = std::chrono::steady_clock::now();
}

int TlsConnectionCache::Reused() const {
  std::lock_guard lock(state_->mutex);
  return state_->reused;
}

int TlsConnection::Fd() const { return state_ ? state_->net.fd : -1; }

std::size_t TlsConnection::Buffered() const {
  return state_ ? mbedtls_ssl_get_bytes_avail(state_->ssl.get()) : 0;
}

bool TlsConnection::Quiet() const {
  if (!state_ || state_->net.fd < 0 || Buffered() > 0) return false;
  std::uint8_t byte = 0;
  const ssize_t n = ::recv(state_->net.fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

void TlsConnection::Close() {
  if (state_ && state_->net.fd >= 0) {
    mbedtls_ssl_close_notify(state_->ssl.get());
    ::close(state_->net.fd);
    state_->net.fd = -1;
  }
}

Expected<TlsConnection> TlsConnect(const std::string& host, std::uint16_t port,
                                   const TlsOptions& options) {
  KIOSK_ASSIGN_OR_RETURN(auto config, MakeConfig(MBEDTLS_SSL_IS_CLIENT, options));
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (::getaddrinfo(host.c_str(), service.c_str(), &hints, &found) != 0 || found == nullptr) {
    return Error::Retryable("net.resolve", "cannot resolve " + host);
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, ::freeaddrinfo);
  const int fd = ::socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return SocketError("socket");
  // Connect with a deadline: non-blocking connect, then poll.
  if (::connect(fd, found->ai_addr, found->ai_addrlen) != 0 && errno != EINPROGRESS) {
    const Error error = Error::Retryable(
        "net.refused", "cannot connect to " + host + ":" + service + ": " + std::strerror(errno));
    ::close(fd);
    return error;
  }
  pollfd p{fd, POLLOUT, 0};
  const int ready = ::poll(&p, 1, static_cast<int>(options.connect_timeout.count()));
  int so_error = 0;
  socklen_t len = sizeof so_error;
  ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
  if (ready <= 0 || so_error != 0) {
    ::close(fd);
    if (ready == 0)
      return Error::Retryable("net.timeout", "connect to " + host + ":" + service + " timed out");
    return Error::Retryable("net.refused", "cannot connect to " + host + ":" + service + ": " +
                                               std::strerror(so_error));
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return Handshake(std::move(config), fd, options.server_name);
}

struct TlsServer::State {
  std::shared_ptr<TlsConfigHolder> config;
  int fd = -1;
  std::uint16_t port = 0;
  ~State() {
    if (fd >= 0) ::close(fd);
  }
};

TlsServer::TlsServer() : state_(std::make_unique<State>()) {}
TlsServer::~TlsServer() = default;
TlsServer::TlsServer(TlsServer&&) noexcept = default;
TlsServer& TlsServer::operator=(TlsServer&&) noexcept = default;
std::uint16_t TlsServer::Port() const { return state_->port; }

Expected<TlsServer> TlsServer::Listen(const std::string& host, std::uint16_t port,
                                      const TlsOptions& options) {
  TlsServer server;
  KIOSK_ASSIGN_OR_RETURN(server.state_->config, MakeConfig(MBEDTLS_SSL_IS_SERVER, options));
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return SocketError("socket");
  server.state_->fd = fd;
  int yes = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    return Error::NeedsPerson("net.bad_address", "not an IPv4 address: " + host);
  }
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(fd, SOMAXCONN) != 0) {
    return SocketError("cannot listen on " + host + ":" + std::to_string(port));
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  server.state_->port = ntohs(addr.sin_port);
  return server;
}

struct PendingTlsConnection::State {
  std::shared_ptr<TlsConfigHolder> config;
  int fd = -1;
  std::string peer_address;
  std::optional<Certificate> peer;  // parsed on first asking
  ~State() {
    if (fd >= 0) ::close(fd);
  }
};

PendingTlsConnection::PendingTlsConnection(std::unique_ptr<State> state)
    : state_(std::move(state)) {}
PendingTlsConnection::~PendingTlsConnection() = default;
PendingTlsConnection::PendingTlsConnection(PendingTlsConnection&&) noexcept = default;
PendingTlsConnection& PendingTlsConnection::operator=(PendingTlsConnection&&) noexcept = default;
const std::string& PendingTlsConnection::PeerAddress() const { return state_->peer_address; }

Expected<TlsConnection> PendingTlsConnection::Handshake(std::chrono::milliseconds limit) && {
  const int fd = std::exchange(state_->fd, -1);
  KIOSK_ASSIGN_OR_RETURN(
      auto connection,
      kiosk::core::Handshake(state_->config, fd, "", std::chrono::steady_clock::now() + limit,
                             state_->peer_address));
  connection.SetDeadline(std::chrono::steady_clock::time_point::max());
  // A resumed session did not go through VerifyPeer: ask again.
  if (state_->config->accept_peer) {
    auto peer = connection.PeerCertificate();
    if (peer && !state_->config->accept_peer(*peer)) {
      connection.Close();
      return Error::NeedsPerson("tls.peer_refused", "the peer's certificate is refused");
    }
  }
  return connection;
}

Expected<PendingTlsConnection> TlsServer::AcceptPending(std::chrono::milliseconds timeout) {
  pollfd p{state_->fd, POLLIN, 0};
  const int ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
  if (ready < 0) return SocketError("poll");
  if (ready == 0) return Error::Retryable("tls.no_client", "no client connected in time");
  sockaddr_in peer{};
  socklen_t len = sizeof peer;
  const int fd = ::accept4(state_->fd, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_CLOEXEC);
  if (fd < 0) return SocketError("accept");
  auto pending = std::make_unique<PendingTlsConnection::State>();
  pending->config = state_->config;
  pending->fd = fd;
  char text[INET_ADDRSTRLEN] = {0};
  if (::inet_ntop(AF_INET, &peer.sin_addr, text, sizeof text) != nullptr) {
    pending->peer_address = text;
  }
  return PendingTlsConnection(std::move(pending));
}

Expected<TlsConnection> TlsServer::Accept(std::chrono::milliseconds timeout) {
  KIOSK_ASSIGN_OR_RETURN(auto pending, AcceptPending(timeout));
  return std::move(pending).Handshake(state_->config->io_timeout);
}

}  // namespace kiosk::core
