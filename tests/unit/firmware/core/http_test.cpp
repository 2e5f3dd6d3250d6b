#include "test_prelude.h"

#include "kiosk/core/http.h"

using namespace kiosk::core;  // NOLINT(google-build-using-namespace): test file
using std::chrono::milliseconds;

TEST_GROUP(HttpParse){};

TEST(HttpParse, CompleteResponseWithContentLength) {
  auto r = ParseHttpResponse(
      "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n"
      "Content-Length: 11\r\n\r\n{\"code\":1}\n");
  if (!r) FAIL(r.GetError().ToString().c_str());
  LONGS_EQUAL(201, r->status);
  STRCMP_EQUAL("application/json", r->Header("content-type").c_str());
  STRCMP_EQUAL("{\"code\":1}\n", r->body.c_str());
}

TEST(HttpParse, ChunkedBodyIsJoined) {
  auto r = ParseHttpResponse(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "4\r\nxin \r\n6\r\nchào!\r\n0\r\n\r\n");
  CHECK_TRUE(r.HasValue());
  STRCMP_EQUAL("xin chào!", r->body.c_str());
}

TEST(HttpParse, TruncatedOrGarbageIsMalformed) {
  STRCMP_EQUAL("http.malformed",
               ParseHttpResponse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
                   .GetError()
                   .Code()
                   .c_str());
  STRCMP_EQUAL("http.malformed", ParseHttpResponse("hello").GetError().Code().c_str());
  STRCMP_EQUAL("http.malformed", ParseHttpResponse("").GetError().Code().c_str());
}

TEST(HttpParse, BodyOverTheLimitIsRefused) {
  auto r = ParseHttpResponse(
      "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'x'), 10);
  STRCMP_EQUAL("http.malformed", r.GetError().Code().c_str());
}

TEST(HttpParse, AHugeContentLengthIsRefusedBeforeAnyBodyIsKept) {
  // A declared length far beyond memory, with body bytes after the head: the
  // parser must stop at the head, not reserve the declared length.
  auto r = ParseHttpResponse(
      "HTTP/1.1 211 x\r\nContent-Length: 000430646668853801415\r\n\r\n{\"c\":1}\n", 1 << 20);
  STRCMP_EQUAL("http.malformed", r.GetError().Code().c_str());
}

namespace {
struct Party {
  PrivateKey key;
  Certificate cert;
};
Party SelfSigned(RandomSource& random, const std::string& name, bool ca, const Party* issuer) {
  auto key = PrivateKey::GenerateP256(random);
  const WallTime now = SystemClock().Now();
  const std::string issuer_name =
      issuer ? "C=VN,CN=" + issuer->cert.Subject().substr(issuer->cert.Subject().find("CN=") + 3)
             : name;
  CertificateSpec spec{
      name, issuer_name, {0x05}, now - std::chrono::hours(1), now + std::chrono::hours(24),
      ca,   ca ? 0 : -1, 0};
  auto cert = IssueCertificate(spec, *key->Public(), issuer ? issuer->key : *key, random);
  if (!cert) FAIL(cert.GetError().ToString().c_str());
  return {std::move(key).Value(), std::move(cert).Value()};
}
}  // namespace

TEST_GROUP(Https) {
  DeterministicRandom random{8};
  std::optional<Party> ca, server_id, client_id;

  void setup() override {
    ca = SelfSigned(random, "C=VN,CN=Test CA", true, nullptr);
    server_id = SelfSigned(random, "C=VN,CN=localhost", false, &*ca);
    client_id = SelfSigned(random, "C=VN,CN=KIOSK-0001", false, &*ca);
  }
  Expected<TlsServer> Server() {
    TlsOptions options;
    options.trusted = {ca->cert};
    options.identity = TlsIdentity{{server_id->cert}, &server_id->key};
    return TlsServer::Listen("127.0.0.1", 0, options);
  }
  TlsOptions Client() {
    TlsOptions options;
    options.trusted = {ca->cert};
    options.identity = TlsIdentity{{client_id->cert}, &client_id->key};
    options.server_name = "localhost";
    return options;
  }
};

TEST(Https, RequestAndResponseCrossMutualTls) {
  auto server = Server();
  CHECK_TRUE(server.HasValue());

  std::optional<Expected<HttpRequest>> seen;
  std::thread t([&] {
    auto connection = server->Accept(milliseconds(3000));
    if (!connection) return;
    seen.emplace(ReadHttpRequest(*connection));
    HttpResponse response{
        201, {{"Content-Type", "application/json"}}, "{\"dossier_code\":\"X-1\"}"};
    (void)WriteHttpResponse(*connection, response);
    connection->Close();
  });
  const TlsOptions client_options = Client();
  HttpRequest request{"POST", "/v1/dossiers", {{"Content-Type", "application/jose"}}, "eyJ..."};
  auto response = HttpsRequest("127.0.0.1", server->Port(), client_options, request);
  t.join();
  if (!response) FAIL(response.GetError().ToString().c_str());
  LONGS_EQUAL(201, response->status);
  STRCMP_EQUAL("{\"dossier_code\":\"X-1\"}", response->body.c_str());
  CHECK_TRUE(seen && seen->HasValue());
  STRCMP_EQUAL("POST", (*seen)->method.c_str());
  STRCMP_EQUAL("/v1/dossiers", (*seen)->target.c_str());
  STRCMP_EQUAL("application/jose", (*seen)->Header("Content-Type").c_str());
  STRCMP_EQUAL("eyJ...", (*seen)->body.c_str());
}

TEST(Https, StreamedBodyArrivesWholeAndLengthIsEnforced) {
  auto server = Server();
  std::optional<Expected<HttpRequest>> seen;
  std::thread t([&] {
    auto connection = server->Accept(milliseconds(3000));
    if (!connection) return;
    seen.emplace(ReadHttpRequest(*connection));
    (void)WriteHttpResponse(*connection, HttpResponse{200, {}, "ok"});
  });
  const TlsOptions client_options = Client();
  const std::string big(300'000, 'z');
  auto response = HttpsStreamingRequest("127.0.0.1", server->Port(), client_options,
                                        HttpRequest{"POST", "/up", {}, ""}, 3 + big.size() + 3,
                                        [&](const BodyWriter& write) -> Status {
                                          KIOSK_TRY(write(AsBytes("abc")));
                                          KIOSK_TRY(write(AsBytes(big)));
                                          return write(AsBytes("xyz"));
                                        });
  t.join();
  if (!response) FAIL(response.GetError().ToString().c_str());
  LONGS_EQUAL(200, response->status);
  CHECK_TRUE(seen && seen->HasValue());
  LONGS_EQUAL(big.size() + 6, (*seen)->body.size());
  CHECK((*seen)->body.rfind("abc", 0) == 0);
  CHECK((*seen)->body.compare((*seen)->body.size() - 3, 3, "xyz") == 0);
}

// A request or an answer of a few hundred bytes goes as one TLS record (one
// system call, one seal), not a record for each piece of the head: a TLS
// read returns one record at most, so one read holds it all.
TEST(Https, ASmallRequestAndItsAnswerEachGoAsOneTlsRecord) {
  auto server = Server();
  const std::string body(400, 'b');
  std::string first_read;
  std::thread t([&] {
    // 1. A request from HttpsRequest, read raw.
    auto one = server->Accept(milliseconds(3000));
    if (!one) return;
    std::vector<std::uint8_t> buffer(32 * 1024);
    auto n = one->Read(buffer);
    if (n) first_read.assign(reinterpret_cast<const char*>(buffer.data()), *n);
    (void)WriteHttpResponse(*one, HttpResponse{200, {}, "ok"});
    one->Close();
    // 2. An answer from WriteHttpResponse, read raw by the client below.
    auto two = server->Accept(milliseconds(3000));
    if (!two) return;
    (void)ReadHttpRequest(*two);
    (void)WriteHttpResponse(*two, HttpResponse{200,
                                               {{"Content-Type", "application/json"},
                                                {"Cache-Control", "no-store"},
                                                {"X-Kiosk-Agency", "000.17.22.H56"}},
                                               "{\"interval_s\":60,\"commands\":[]}"});
  });
  const TlsOptions client_options = Client();
  auto response =
      HttpsRequest("127.0.0.1", server->Port(), client_options,
                   HttpRequest{"POST",
                               "/v1/heartbeat",
                               {{"Content-Type", "application/json"}, {"X-Kiosk-Sequence", "17"}},
                               body});
  auto raw = TlsConnect("127.0.0.1", server->Port(), client_options);
  const std::string ask = "GET /x HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n";
  std::vector<std::uint8_t> buffer(32 * 1024);
  std::size_t got = 0;
  if (raw && raw->Write(AsBytes(ask))) got = raw->Read(buffer).ValueOr(0);
  t.join();
  if (!response) FAIL(response.GetError().ToString().c_str());
  CHECK(first_read.rfind("POST /v1/heartbeat HTTP/1.1\r\n", 0) == 0);
  CHECK(first_read.find("X-Kiosk-Sequence: 17\r\n") != std::string::npos);
  CHECK(first_read.size() > body.size() &&
        first_read.compare(first_read.size() - body.size(), body.size(), body) == 0);
  CHECK(raw.HasValue());
  const std::string answer(reinterpret_cast<const char*>(buffer.data()), got);
  CHECK(answer.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(answer.find("X-Kiosk-Agency: 000.17.22.H56\r\n") != std::string::npos);
  CHECK(answer.size() > 30 && answer.ends_with("{\"interval_s\":60,\"commands\":[]}"));
}
