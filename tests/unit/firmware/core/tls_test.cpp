#include "test_prelude.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>

#include "kiosk/core/tls.h"

using namespace kiosk::core;  // NOLINT(google-build-using-namespace): test file
using std::chrono::milliseconds;

namespace {

struct Party {
  PrivateKey key;
  Certificate cert;
};

Party Issue(RandomSource& random, const std::string& subject, const Party* issuer,
            WallTime not_before, WallTime not_after, bool ca) {
  auto key = PrivateKey::GenerateP256(random);
  CertificateSpec spec{subject,      issuer ? issuer->cert.Subject() : subject,
                       {0x01, 0x23}, not_before,
                       not_after,    ca,
                       ca ? 0 : -1,  ca ? kKeyUsageKeyCertSign : kKeyUsageDigitalSignature};
  // mbedTLS names use "," without spaces.
  std::string issuer_name = spec.issuer;
  for (std::size_t at; (at = issuer_name.find(", ")) != std::string::npos;)
    issuer_name.erase(at + 1, 1);
  spec.issuer = issuer_name;
  auto cert = IssueCertificate(spec, *key->Public(), issuer ? issuer->key : *key, random);
  if (!cert) FAIL(cert.GetError().ToString().c_str());
  return Party{std::move(key).Value(), std::move(cert).Value()};
}

}  // namespace

TEST_GROUP(Tls) {
  DeterministicRandom random{77};
  const WallTime now = SystemClock().Now();
  const WallTime past = now - std::chrono::hours(24 * 30);
  const WallTime future = now + std::chrono::hours(24 * 365);
  std::optional<Party> gateway_ca, gateway, device_ca, device, other_ca, other_device, expired;

  void setup() override {
    gateway_ca = Issue(random, "C=VN,O=Kiosk Test,CN=Gateway CA", nullptr, past, future, true);
    gateway = Issue(random, "C=VN,O=Kiosk Test,CN=localhost", &*gateway_ca, past, future, false);
    device_ca = Issue(random, "C=VN,O=Kiosk Test,CN=Device CA", nullptr, past, future, true);
    device = Issue(random, "C=VN,O=Kiosk Test,CN=KIOSK-0001", &*device_ca, past, future, false);
    other_ca = Issue(random, "C=VN,O=Elsewhere,CN=Other CA", nullptr, past, future, true);
    other_device = Issue(random, "C=VN,O=Elsewhere,CN=KIOSK-9999", &*other_ca, past, future, false);
    expired = Issue(random, "C=VN,O=Kiosk Test,CN=KIOSK-0002", &*device_ca, past,
                    now - std::chrono::hours(1), false);
  }

  TlsServer Gateway() {
    TlsOptions options;
    options.trusted = {device_ca->cert};
    options.identity = TlsIdentity{{gateway->cert}, &gateway->key};
    options.io_timeout = milliseconds(2000);
    auto server = TlsServer::Listen("127.0.0.1", 0, options);
    if (!server) FAIL(server.GetError().ToString().c_str());
    return std::move(server).Value();
  }

  TlsOptions Kiosk(const Party* identity, const Certificate& pinned,
                   const std::string& name = "localhost") {
    TlsOptions options;
    options.trusted = {pinned};
    if (identity) options.identity = TlsIdentity{{identity->cert}, &identity->key};
    options.server_name = name;
    options.io_timeout = milliseconds(2000);
    return options;
  }

  // Runs one accept on the server in a thread; returns the server's outcome.
  std::pair<Expected<TlsConnection>, Expected<TlsConnection>> Handshake(TlsServer & server,
                                                                        const TlsOptions& client) {
    std::optional<Expected<TlsConnection>> accepted;
    std::thread t([&] { accepted.emplace(server.Accept(milliseconds(3000))); });
    auto connected = TlsConnect("127.0.0.1", server.Port(), client);
    t.join();
    return {std::move(*accepted), std::move(connected)};
  }
};

TEST(Tls, MutualTlsCarriesDataBothWays) {
  TlsServer server = Gateway();
  auto [accepted, connected] = Handshake(server, Kiosk(&*device, gateway_ca->cert));
  if (!connected) FAIL(connected.GetError().ToString().c_str());
  if (!accepted) FAIL(accepted.GetError().ToString().c_str());
  STRCMP_EQUAL("C=VN, O=Kiosk Test, CN=KIOSK-0001", accepted->PeerCertificate()->Subject().c_str());
  STRCMP_EQUAL("C=VN, O=Kiosk Test, CN=localhost", connected->PeerCertificate()->Subject().c_str());
  CHECK_TRUE(connected->Write(AsBytes("xin chào")).HasValue());
  std::array<std::uint8_t, 64> buf{};
  auto n = accepted->Read(buf);
  STRCMP_EQUAL("xin chào", std::string(reinterpret_cast<const char*>(buf.data()), *n).c_str());
  accepted->Close();
  LONGS_EQUAL(0, *connected->Read(buf));  // close_notify reads as the end
}

TEST(Tls, ClientWithoutCertificateIsRefusedAtTheHandshake) {
  TlsServer server = Gateway();
  auto [accepted, connected] = Handshake(server, Kiosk(nullptr, gateway_ca->cert));
  CHECK_FALSE(accepted.HasValue());
  STRCMP_EQUAL("tls.no_client_certificate", accepted.GetError().Code().c_str());
  CHECK_FALSE(connected.HasValue() && connected->Write(AsBytes("x")).HasValue() &&
              connected->Read(std::span<std::uint8_t>()).HasValue());
}

TEST(Tls, ClientFromAnotherCaIsRefused) {
  TlsServer server = Gateway();
  auto [accepted, connected] = Handshake(server, Kiosk(&*other_device, gateway_ca->cert));
  STRCMP_EQUAL("tls.untrusted_peer", accepted.GetError().Code().c_str());
}

TEST(Tls, ExpiredClientCertificateIsRefused) {
  TlsServer server = Gateway();
  auto [accepted, connected] = Handshake(server, Kiosk(&*expired, gateway_ca->cert));
  STRCMP_EQUAL("tls.untrusted_peer", accepted.GetError().Code().c_str());
  CHECK(accepted.GetError().Message().find("expired") != std::string::npos);
}

TEST(Tls, KioskRefusesAGatewayOutsideThePinnedCa) {
  TlsServer server = Gateway();
  auto [accepted, connected] = Handshake(server, Kiosk(&*device, other_ca->cert));
  STRCMP_EQUAL("tls.untrusted_peer", connected.GetError().Code().c_str());
  CHECK_FALSE(accepted.HasValue());
}

TEST(Tls, KioskRefusesAGatewayWithAnotherName) {
  TlsServer server = Gateway();
  auto [accepted, connected] =
      Handshake(server, Kiosk(&*device, gateway_ca->cert, "gateway.other.example"));
  STRCMP_EQUAL("tls.untrusted_peer", connected.GetError().Code().c_str());
}

TEST(Tls, SilentServerTimesOut) {
  // A TCP listener that never speaks TLS.
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CHECK_EQUAL(0, bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr));
  CHECK_EQUAL(0, listen(fd, 1));
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  TlsOptions options = Kiosk(&*device, gateway_ca->cert);
  options.io_timeout = milliseconds(200);
  auto r = TlsConnect("127.0.0.1", ntohs(addr.sin_port), options);
  close(fd);
  STRCMP_EQUAL("tls.timeout", r.GetError().Code().c_str());
  CHECK(r.GetError().Class() == ErrorClass::kRetryable);
}

TEST(Tls, NothingListeningIsRetryable) {
  // A port that was free a moment ago: bound, read back, released.
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CHECK_EQUAL(0, bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr));
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  auto r = TlsConnect("127.0.0.1", ntohs(addr.sin_port), Kiosk(&*device, gateway_ca->cert));
  STRCMP_EQUAL("net.refused", r.GetError().Code().c_str());
  CHECK(r.GetError().Class() == ErrorClass::kRetryable);
}

TEST(Tls, ResumedSessionsSkipThePublicKeyWorkButNotTheRevocationCheck) {
  std::atomic<int> asked{0};
  std::atomic<bool> revoked{false};
  TlsOptions options;
  options.trusted = {device_ca->cert};
  options.identity = TlsIdentity{{gateway->cert}, &gateway->key};
  options.io_timeout = milliseconds(2000);
  options.session_ticket_lifetime = std::chrono::seconds(3600);
  options.accept_peer = [&](const Certificate&) {
    ++asked;
    return !revoked.load();
  };
  auto server = TlsServer::Listen("127.0.0.1", 0, options).Value();
  TlsOptions client = Kiosk(&*device, gateway_ca->cert);
  client.session_cache = std::make_shared<TlsSessionCache>();
  {
    auto [accepted, connected] = Handshake(server, client);
    CHECK(accepted.HasValue() && connected.HasValue());
    LONGS_EQUAL(2, asked.load());  // in the certificate check, and after the handshake
  }
  {
    // Resumed from the ticket: no certificate check, so only the one after it.
    auto [accepted, connected] = Handshake(server, client);
    CHECK(accepted.HasValue() && connected.HasValue());
    STRCMP_EQUAL("C=VN, O=Kiosk Test, CN=KIOSK-0001",
                 accepted->PeerCertificate()->Subject().c_str());
    LONGS_EQUAL(3, asked.load());
  }
  revoked = true;
  auto [accepted, connected] = Handshake(server, client);
  CHECK_FALSE(accepted.HasValue());
  STRCMP_EQUAL("tls.peer_refused", accepted.GetError().Code().c_str());
}

// Replicas behind a load balancer: a ticket one issued resumes at another
// that shares its ticket secret, and at no server with another secret (a
// full handshake instead: the certificate is checked again).
TEST(Tls, ReplicasSharingATicketSecretResumeEachOthersSessions) {
  std::atomic<int> asked{0};
  auto replica = [&](const char* secret) {
    TlsOptions options;
    options.trusted = {device_ca->cert};
    options.identity = TlsIdentity{{gateway->cert}, &gateway->key};
    options.io_timeout = milliseconds(2000);
    options.session_ticket_lifetime = std::chrono::seconds(3600);
    options.session_ticket_secret =
        std::make_shared<const SecretBytes>(AsBytes(std::string(secret)));
    options.accept_peer = [&](const Certificate&) {
      ++asked;
      return true;
    };
    return TlsServer::Listen("127.0.0.1", 0, options).Value();
  };
  auto first = replica("the province's ticket secret, 32 bytes or more");
  auto second = replica("the province's ticket secret, 32 bytes or more");
  auto stranger = replica("another province's secret, also 32 bytes long");
  TlsOptions client = Kiosk(&*device, gateway_ca->cert);
  client.session_cache = std::make_shared<TlsSessionCache>();
  {
    auto [accepted, connected] = Handshake(first, client);
    CHECK(accepted.HasValue() && connected.HasValue());
    LONGS_EQUAL(2, asked.load());  // a full handshake
  }
  {
    auto [accepted, connected] = Handshake(second, client);
    CHECK(accepted.HasValue() && connected.HasValue());
    LONGS_EQUAL(3, asked.load());  // resumed: only the check after it
    STRCMP_EQUAL("C=VN, O=Kiosk Test, CN=KIOSK-0001",
                 accepted->PeerCertificate()->Subject().c_str());
  }
  {
    auto [accepted, connected] = Handshake(stranger, client);
    CHECK(accepted.HasValue() && connected.HasValue());
    LONGS_EQUAL(5, asked.load());  // the ticket did not open: a full handshake
  }
  // A secret under 32 bytes is refused when the server starts.
  TlsOptions weak;
  weak.trusted = {device_ca->cert};
  weak.identity = TlsIdentity{{gateway->cert}, &gateway->key};
  weak.session_ticket_lifetime = std::chrono::seconds(3600);
  weak.session_ticket_secret = std::make_shared<const SecretBytes>(AsBytes(std::string("short")));
  STRCMP_EQUAL("tls.ticket_secret",
               TlsServer::Listen("127.0.0.1", 0, weak).GetError().Code().c_str());
}
