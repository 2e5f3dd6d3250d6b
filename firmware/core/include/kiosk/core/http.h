#pragma once

// HTTP/1.1 over our TLS connections, with Boost.Beast doing the protocol
// (kept out of this header). The client opens one connection per request:
// an agent sends a dossier at a time and must not depend on a connection
// surviving. Bodies are bounded on both sides.

#include <cstdint>
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
  std::string method = "GET";
  std::string target = "/";
  HttpHeaders headers;
  std::string body;
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

// Server side, on an accepted connection.
Expected<HttpRequest> ReadHttpRequest(TlsConnection& connection,
                                      std::size_t body_limit = kDefaultBodyLimit);
Status WriteHttpResponse(TlsConnection& connection, const HttpResponse& response);

// A complete response from raw bytes: for tests and the fuzzer, the same
// parser the client uses.
Expected<HttpResponse> ParseHttpResponse(std::string_view raw,
                                         std::size_t body_limit = kDefaultBodyLimit);

}  // namespace kiosk::core
