#include "kiosk/core/http.h"

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/file.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <limits>
#include <utility>
#include <vector>

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

  // Small pieces (Beast hands the head over field by field) are gathered
  // and go out as one TLS record, not a record and a system call each;
  // until Flush() when held (a whole request or response at once).
  template <typename ConstBufferSequence>
  std::size_t write_some(const ConstBufferSequence& buffers, beast::error_code& ec) {
    std::size_t total = 0;
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers); ++it) {
      const boost::asio::const_buffer b = *it;
      const ByteView piece(static_cast<const std::uint8_t*>(b.data()), b.size());
      if (pending_.size() + piece.size() > kGather && !Send(ec)) return total;
      if (piece.size() >= kGather) {
        if (!Send(piece, ec)) return total;
      } else {
        pending_.insert(pending_.end(), piece.begin(), piece.end());
      }
      total += piece.size();
    }
    if (!held_ && !Send(ec)) return 0;
    return total;
  }
  template <typename ConstBufferSequence>
  std::size_t write_some(const ConstBufferSequence& buffers) {
    beast::error_code ec;
    return write_some(buffers, ec);
  }

  // Writes are gathered until Flush().
  void Hold() { held_ = true; }
  // Sends what was gathered.
  bool Flush(beast::error_code& ec) {
    held_ = false;
    return Send(ec);
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
  static constexpr std::size_t kGather = 16 * 1024;  // one TLS record's worth

  bool Send(ByteView bytes, beast::error_code& ec) {
    if (bytes.empty()) return true;
    auto written = connection_.Write(bytes);
    if (written) return true;
    last_error_ = std::move(written).GetError();
    ec = beast::error_code(EIO, boost::system::generic_category());
    return false;
  }
  bool Send(beast::error_code& ec) {
    const bool sent = Send(pending_, ec);
    pending_.clear();
    return sent;
  }

  TlsConnection& connection_;
  std::optional<Error> last_error_;
  std::vector<std::uint8_t> pending_;
  bool held_ = false;
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
  // A kept connection when there is one (TlsOptions::connection_cache).
  const auto& cache = options.connection_cache;
  std::optional<TlsConnection> kept = cache ? cache->Take(host, port) : std::nullopt;
  if (!kept) {
    KIOSK_ASSIGN_OR_RETURN(TlsConnection fresh, TlsConnect(host, port, options));
    kept.emplace(std::move(fresh));
  }
  TlsConnection& connection = *kept;
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
    req.set(http::field::connection, cache ? "keep-alive" : "close");
    for (const auto& [k, v] : head.headers) req.set(k, v);
    req.content_length(content_length);
    req.body().data = nullptr;
    req.body().more = true;
    http::request_serializer<http::buffer_body> serializer{req};
    beast::error_code ec;
    stream.Hold();  // the head and a small body go as one record
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
    if (!ec) stream.Flush(ec);
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
    if (cache && parser.get().keep_alive() && buffer.size() == 0) {
      cache->Put(host, port, std::move(connection));
    } else {
      connection.Close();
    }
    return FromBeast(parser.get());
  } catch (const std::exception& e) {
    return Error::Retryable("http.error", e.what());
  }
}

namespace {

// A temporary file for a spooled body: created 0600, unique, in `dir`.
Expected<std::string> SpoolFile(const std::filesystem::path& dir) {
  std::string name = (dir / "body-XXXXXX").string();
  const int fd = ::mkstemp(name.data());
  if (fd < 0) return Error::Retryable("http.spool", "cannot create a file in " + dir.string());
  ::close(fd);
  return name;
}

template <typename Parser>
Status ReadBody(BeastTlsStream& stream, beast::flat_buffer& buffer, Parser& parser) {
  beast::error_code ec;
  http::read(stream, buffer, parser, ec);
  if (ec == http::error::body_limit) {
    return Error::NeedsPerson("http.too_large", "request body over the limit");
  }
  if (ec) return stream.TakeError("reading a request body", ec);
  return Ok();
}

// The request line and headers a head parser has read, and the route's limit
// checked against the declared length: the same for the server and the fuzzer.
Expected<std::pair<HttpRequest, std::size_t>> CheckHead(
    const http::request_parser<http::empty_body>& head, const RequestLimits& limits) {
  HttpRequest out;
  out.method = std::string(head.get().method_string());
  out.target = std::string(head.get().target());
  out.headers = CopyHeaders(head.get());
  const std::size_t limit = limits.body_limit ? limits.body_limit(out) : kDefaultBodyLimit;
  const auto length = head.content_length();
  if (length && *length > limit) {
    return Error::NeedsPerson("http.too_large", "request body over the limit");
  }
  return std::make_pair(std::move(out), limit);
}

void PrepareHead(http::request_parser<http::empty_body>& head, const RequestLimits& limits) {
  head.header_limit(static_cast<std::uint32_t>(limits.header_bytes));
  head.body_limit(std::numeric_limits<std::uint64_t>::max());  // checked per route in CheckHead
}

}  // namespace

Expected<HttpRequest> ParseHttpRequest(std::string_view raw, const RequestLimits& limits) {
  try {
    http::request_parser<http::empty_body> head;
    PrepareHead(head, limits);
    head.eager(false);
    beast::error_code ec;
    const std::size_t used = head.put(boost::asio::buffer(raw.data(), raw.size()), ec);
    if (ec == http::error::header_limit) {
      return Error::NeedsPerson("http.header_too_large", "request head over the limit");
    }
    if (ec || !head.is_header_done()) {
      return Error::NeedsPerson(
          "http.malformed", "not a complete request head: " + (ec ? ec.message() : "truncated"));
    }
    KIOSK_ASSIGN_OR_RETURN(auto checked, CheckHead(head, limits));
    if (head.is_done()) return std::move(checked.first);
    http::request_parser<http::string_body> parser{std::move(head)};
    parser.body_limit(checked.second);
    parser.eager(true);
    std::string_view rest = raw.substr(used);
    while (!rest.empty() && !parser.is_done()) {
      const std::size_t n = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
      if (ec == http::error::body_limit) {
        return Error::NeedsPerson("http.too_large", "request body over the limit");
      }
      if (ec || n == 0) break;
      rest.remove_prefix(n);
    }
    if (!parser.is_done()) {
      return Error::NeedsPerson("http.malformed",
                                "not a complete request: " + (ec ? ec.message() : "truncated"));
    }
    checked.first.body = std::move(parser.get().body());
    return std::move(checked.first);
  } catch (const std::exception& e) {
    return Error::NeedsPerson("http.malformed", e.what());
  }
}

Expected<HttpRequest> ReadHttpRequest(TlsConnection& connection, const RequestLimits& limits) {
  using Steady = std::chrono::steady_clock;
  std::string spooled;  // removed unless handed to the caller
  struct Cleanup {
    std::string& path;
    ~Cleanup() {
      if (!path.empty()) ::unlink(path.c_str());
    }
  } cleanup{spooled};
  try {
    BeastTlsStream stream(connection);
    beast::flat_buffer buffer;
    http::request_parser<http::empty_body> head;
    PrepareHead(head, limits);
    connection.SetDeadline(Steady::now() + limits.header_time);
    beast::error_code ec;
    http::read_header(stream, buffer, head, ec);
    if (ec == http::error::header_limit) {
      return Error::NeedsPerson("http.header_too_large", "request head over the limit");
    }
    if (ec) return stream.TakeError("reading a request", ec);
    KIOSK_ASSIGN_OR_RETURN(auto checked, CheckHead(head, limits));
    HttpRequest out = std::move(checked.first);
    out.keep_alive = head.get().keep_alive();
    const std::size_t limit = checked.second;
    const auto length = head.content_length();
    out.peer_address = connection.PeerAddress();
    if (head.is_done()) {
      connection.SetDeadline(Steady::time_point::max());
      return out;
    }
    // The body has its grace and then must keep up a minimum rate.
    const std::uint64_t expected = length ? *length : limit;
    const auto body_time =
        limits.body_time +
        std::chrono::milliseconds(expected * 1000 / std::max<std::size_t>(1, limits.min_body_rate));
    connection.SetDeadline(Steady::now() + body_time);
    if (!limits.spool_dir.empty() && expected > limits.spool_over) {
      KIOSK_ASSIGN_OR_RETURN(spooled, SpoolFile(limits.spool_dir));
      http::request_parser<http::file_body> parser{std::move(head)};
      parser.body_limit(limit);
      parser.get().body().open(spooled.c_str(), beast::file_mode::write, ec);
      if (ec) return Error::Retryable("http.spool", "cannot open " + spooled);
      KIOSK_TRY(ReadBody(stream, buffer, parser));
      parser.get().body().close();
      out.body_file = std::exchange(spooled, std::string());
    } else {
      http::request_parser<http::string_body> parser{std::move(head)};
      parser.body_limit(limit);
      KIOSK_TRY(ReadBody(stream, buffer, parser));
      out.body = std::move(parser.get().body());
    }
    connection.SetDeadline(Steady::time_point::max());
    return out;
  } catch (const std::exception& e) {
    return Error::NeedsPerson("http.malformed", e.what());
  }
}

Expected<HttpRequest> ReadHttpRequest(TlsConnection& connection, std::size_t body_limit) {
  RequestLimits limits;
  limits.body_limit = [body_limit](const HttpRequest&) { return body_limit; };
  return ReadHttpRequest(connection, limits);
}

Status WriteHttpResponse(TlsConnection& connection, const HttpResponse& response, bool keep_alive) {
  try {
    BeastTlsStream stream(connection);
    http::response<http::string_body> res;
    res.result(static_cast<unsigned>(response.status));
    res.version(11);
    res.set(http::field::connection, keep_alive ? "keep-alive" : "close");
    for (const auto& [k, v] : response.headers) res.set(k, v);
    res.body() = response.body;
    res.prepare_payload();
    beast::error_code ec;
    stream.Hold();
    http::write(stream, res, ec);
    if (!ec) stream.Flush(ec);
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
    // The head first, on its own: Beast 1.74 (eager) goes on into the body
    // after a Content-Length over the limit and reserves that many bytes.
    parser.eager(false);
    beast::error_code ec;
    std::size_t offset = 0;
    while (offset < raw.size() && !parser.is_header_done()) {
      const std::size_t used =
          parser.put(boost::asio::buffer(raw.data() + offset, raw.size() - offset), ec);
      if (ec == http::error::need_more) ec = {};
      if (ec) return Error::NeedsPerson("http.malformed", "not an HTTP response: " + ec.message());
      if (used == 0) break;
      offset += used;
    }
    parser.eager(true);
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
