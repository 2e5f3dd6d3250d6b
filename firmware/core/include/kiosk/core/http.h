#pragma once

// HTTP/1.1 over our TLS connections, with Boost.Beast doing the protocol
// (kept out of this header). The client opens one connection per request,
// or keeps one open between requests when its TlsOptions carry a
// connection cache (HTTP/1.1 keep-alive); it never depends on a kept
// connection surviving. Bodies are bounded on both sides.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kiosk/core/error.h"
#include "kiosk/core/tls.h"

namespace kiosk::core {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  HttpRequest(std::string method_ = "GET", std::string target_ = "/", HttpHeaders headers_ = {},
              std::string body_ = {})
      : method(std::move(method_)),
        target(std::move(target_)),
        headers(std::move(headers_)),
        body(std::move(body_)) {}
  std::string method = "GET";
  std::string target = "/";
  HttpHeaders headers;
  std::string body;
  // Server side: a large body spooled to this file instead of `body`
  // (RequestLimits::spool_dir); the server deletes it after answering.
  std::string body_file;
  std::string peer_address;  // server side: the client's IP address
  bool keep_alive = false;   // server side: the client asks to keep the connection
  std::string Header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  HttpHeaders headers;
  std::string body;
  std::string Header(std::string_view name) const;
};

inline constexpr std::size_t kDefaultBodyLimit = 64 * 1024 * 1024;

// Client side.
Expected<HttpResponse> HttpsRequest(const std::string& host, std::uint16_t port,
                                    const TlsOptions& options, const HttpRequest& request,
                                    std::size_t body_limit = kDefaultBodyLimit);

// Streams a request body of `content_length` bytes: `produce` calls its
// argument with each piece in order, so a large body never sits in memory.
using BodyWriter = std::function<Status(ByteView)>;
Expected<HttpResponse> HttpsStreamingRequest(
    const std::string& host, std::uint16_t port, const TlsOptions& options, const HttpRequest& head,
    std::uint64_t content_length, const std::function<Status(const BodyWriter&)>& produce,
    std::size_t body_limit = kDefaultBodyLimit);

// What a server accepts of a request before it has read it: how long the
// head may take and how large it may be, and each route's body limit,
// checked against Content-Length before a byte of the body is read and
// again while reading (chunked bodies). A body that does not arrive at
// `min_body_rate` (after a grace of `body_time`) is cut off.
struct RequestLimits {
  std::chrono::milliseconds header_time{10000};
  std::size_t header_bytes = 16 * 1024;
  // The largest body allowed for this request line and headers; unset: 64 MiB.
  std::function<std::size_t(const HttpRequest& head)> body_limit;
  std::chrono::milliseconds body_time{30000};
  std::size_t min_body_rate = 16 * 1024;  // bytes a second
  // Bodies larger than `spool_over` go to a file in `spool_dir` (mode 0600)
  // instead of memory; empty: always memory.
  std::filesystem::path spool_dir;
  std::size_t spool_over = 1024 * 1024;
};

// Server side, on an accepted connection. "http.too_large" (answer 413),
// "http.header_too_large" (431), "tls.timeout" (a slow client: close),
// "http.malformed" (400).
Expected<HttpRequest> ReadHttpRequest(TlsConnection& connection, const RequestLimits& limits);
Expected<HttpRequest> ReadHttpRequest(TlsConnection& connection,
                                      std::size_t body_limit = kDefaultBodyLimit);
// `keep_alive`: the connection stays open for the client's next request.
Status WriteHttpResponse(TlsConnection& connection, const HttpResponse& response,
                         bool keep_alive = false);

// A complete request from raw bytes, under the same limits and head checks
// the server applies: for the fuzzer.
Expected<HttpRequest> ParseHttpRequest(std::string_view raw, const RequestLimits& limits);

// A complete response from raw bytes: for tests and the fuzzer, the same
// parser the client uses.
Expected<HttpResponse> ParseHttpResponse(std::string_view raw,
                                         std::size_t body_limit = kDefaultBodyLimit);

}  // namespace kiosk::core
