#include "kiosk/core/http.h"

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <cctype>

namespace kiosk::core {

namespace beast = boost::beast;
namespace http = boost::beast::http;

namespace {

// Beast's synchronous stream concepts over a TlsConnection. Errors become
// error codes; the last kiosk Error is kept for the caller.
class BeastTlsStream {
 public:
  explicit BeastTlsStream(TlsConnection& connection) : connection_(connection) {}

  template <typename MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers, beast::error_code& ec) {
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers); ++it) {
      boost::asio::mutable_buffer b = *it;
      if (b.size() == 0) continue;
      auto n =
          connection_.Read(std::span<std::uint8_t>(static_cast<std::uint8_t*>(b.data()), b.size()));
      if (!n) {
        last_error_ = std::move(n).GetError();
        ec = beast::error_code(EIO, boost::system::generic_category());
        return 0;
      }
      if (*n == 0) ec = http::error::end_of_stream;
      return *n;
    }
    return 0;
  }
  template <typename MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers) {
    beast::error_code ec;
    return read_some(buffers, ec);
  }

  template <typename ConstBufferSequence>
  std::size_t write_some(const ConstBufferSequence& buffers, beast::error_code& ec) {
    std::size_t total = 0;
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers); ++it) {
      boost::asio::const_buffer b = *it;
      auto written =
          connection_.Write(ByteView(static_cast<const std::uint8_t*>(b.data()), b.size()));
      if (!written) {
        last_error_ = std::move(written).GetError();
        ec = beast::error_code(EIO, boost::system::generic_category());
        return total;
      }
      total += b.size();
    }
    return total;
  }
  template <typename ConstBufferSequence>
  std::size_t write_some(const ConstBufferSequence& buffers) {
    beast::error_code ec;
    return write_some(buffers, ec);
  }

  Error TakeError(const std::string& what, const beast::error_code& ec) {
    if (last_error_) {
      Error e = std::move(*last_error_);
      last_error_.reset();
      return std::move(e).WithContext(what);
    }
    return Error::NeedsPerson("http.malformed", what + ": " + ec.message());
  }

 private:
  TlsConnection& connection_;
  std::optional<Error> last_error_;
};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Find(const HttpHeaders& headers, std::string_view name) {
  const std::string wanted = Lower(name);
  for (const auto& [k, v] : headers) {
    if (Lower(k) == wanted) return v;
  }
  return "";
}

template <typename Fields>
HttpHeaders CopyHeaders(const Fields& fields) {
  HttpHeaders out;
  for (const auto& field : fields) {
    out.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  return out;
}

HttpResponse FromBeast(const http::response<http::string_body>& r) {
  HttpResponse out;
  out.status = static_cast<int>(r.result_int());
  out.headers = CopyHeaders(r);
  out.body = r.body();
  return out;
}

}  // namespace

std::string HttpRequest::Header(std::string_view name) const { return Find(headers, name); }
std::string HttpResponse::Header(std::string_view name) const { return Find(headers, name); }

Expected<HttpResponse> HttpsRequest(const std::string& host, std::uint16_t port,
                                    const TlsOptions& options, const HttpRequest& request,
                                    std::size_t body_limit) {
  // One request path: a whole body is a stream of one piece.
  return HttpsStreamingRequest(
      host, port, options, request, request.body.size(),
      [&request](const BodyWriter& write) { return write(AsBytes(request.body)); }, body_limit);
}

Expected<HttpResponse> HttpsStreamingRequest(
    const std::string& host, std::uint16_t port, const TlsOptions& options, const HttpRequest& head,
    std::uint64_t content_length, const std::function<Status(const BodyWriter&)>& produce,
    std::size_t body_limit) {
  KIOSK_ASSIGN_OR_RETURN(TlsConnection connection, TlsConnect(host, port, options));
  try {
    BeastTlsStream stream(connection);
    http::request<http::buffer_body> req;
    const auto verb = http::string_to_verb(head.method);
    if (verb == http::verb::unknown) {
      return Error::Fatal("http.bad_method", "unknown HTTP method " + head.method);
    }
    req.method(verb);
    req.target(head.target);
    req.version(11);
    req.set(http::field::host, host);
    req.set(http::field::connection, "close");
    for (const auto& [k, v] : head.headers) req.set(k, v);
    req.content_length(content_length);
    req.body().data = nullptr;
    req.body().more = true;
    http::request_serializer<http::buffer_body> serializer{req};
    beast::error_code ec;
    http::write_header(stream, serializer, ec);
    if (ec) return stream.TakeError("sending " + head.method + " " + head.target, ec);
    std::uint64_t sent = 0;
    // Each piece goes out as it comes; Beast asks for the next with need_buffer.
    auto write = [&](ByteView piece) -> Status {
      if (piece.empty()) return Ok();
      sent += piece.size();
      req.body().data = const_cast<std::uint8_t*>(piece.data());
      req.body().size = piece.size();
      req.body().more = true;
      http::write(stream, serializer, ec);
      if (ec == http::error::need_buffer) ec = {};
      if (ec) return stream.TakeError("sending the body", ec);
      return Ok();
    };
    KIOSK_TRY(produce(write));
    if (sent != content_length) {
      return Error::Fatal("http.length", "body length differs from the announced length");
    }
    req.body().data = nullptr;
    req.body().size = 0;
    req.body().more = false;
    http::write(stream, serializer, ec);
    if (ec) return stream.TakeError("finishing the body", ec);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(body_limit);
    http::read_header(stream, buffer, parser, ec);
    if (ec) return stream.TakeError("reading the response", ec);
    if (parser.content_length() && *parser.content_length() > body_limit) {
      return Error::NeedsPerson("http.malformed", "response body over the limit");
    }
    http::read(stream, buffer, parser, ec);
    if (ec) return stream.TakeError("reading the response", ec);
    connection.Close();
    return FromBeast(parser.get());
  } catch (const std::exception& e) {
    return Error::Retryable("http.error", e.what());
  }
}

Expected<HttpRequest> ReadHttpRequest(TlsConnection& connection, std::size_t body_limit) {
  try {
    BeastTlsStream stream(connection);
    beast::flat_buffer buffer;
    http::request_parser<http::string_body> parser;
    parser.body_limit(body_limit);
    beast::error_code ec;
    http::read_header(stream, buffer, parser, ec);
    if (ec) return stream.TakeError("reading a request", ec);
    if (parser.content_length() && *parser.content_length() > body_limit) {
      return Error::NeedsPerson("http.too_large", "request body over the limit");
    }
    http::read(stream, buffer, parser, ec);
    if (ec) return stream.TakeError("reading a request", ec);
    const auto& r = parser.get();
    HttpRequest out;
    out.method = std::string(r.method_string());
    out.target = std::string(r.target());
    out.headers = CopyHeaders(r);
    out.body = r.body();
    return out;
  } catch (const std::exception& e) {
    return Error::NeedsPerson("http.malformed", e.what());
  }
}

Status WriteHttpResponse(TlsConnection& connection, const HttpResponse& response) {
  try {
    BeastTlsStream stream(connection);
    http::response<http::string_body> res;
    res.result(static_cast<unsigned>(response.status));
    res.version(11);
    res.set(http::field::connection, "close");
    for (const auto& [k, v] : response.headers) res.set(k, v);
    res.body() = response.body;
    res.prepare_payload();
    beast::error_code ec;
    http::write(stream, res, ec);
    if (ec) return stream.TakeError("writing a response", ec);
    return Ok();
  } catch (const std::exception& e) {
    return Error::Retryable("http.error", e.what());
  }
}

Expected<HttpResponse> ParseHttpResponse(std::string_view raw, std::size_t body_limit) {
  try {
    http::response_parser<http::string_body> parser;
    parser.body_limit(body_limit);
    parser.eager(true);
    beast::error_code ec;
    std::size_t offset = 0;
    while (offset < raw.size() && !parser.is_done()) {
      const std::size_t used =
          parser.put(boost::asio::buffer(raw.data() + offset, raw.size() - offset), ec);
      if (ec == http::error::need_more) {
        ec = {};
        break;
      }
      if (ec || used == 0) break;
      offset += used;
    }
    // put_eof needs a started message (an EOF-delimited body ends there).
    if (!parser.got_some()) {
      return Error::NeedsPerson("http.malformed", "not an HTTP response: nothing parsed");
    }
    if (!ec && !parser.is_done()) parser.put_eof(ec);
    if (ec || !parser.is_done()) {
      return Error::NeedsPerson(
          "http.malformed", "not a complete HTTP response: " + (ec ? ec.message() : "truncated"));
    }
    if (parser.get().body().size() > body_limit) {
      return Error::NeedsPerson("http.malformed", "response body over the limit");
    }
    return FromBeast(parser.get());
  } catch (const std::exception& e) {
    return Error::NeedsPerson("http.malformed", e.what());
  }
}

}  // namespace kiosk::core
