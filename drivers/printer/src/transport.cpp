#include "kiosk/printer/transport.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kiosk::printer {

namespace {

core::Error Offline(const std::string& what) {
  return core::Error::Retryable("printer.offline", what + ": " + std::strerror(errno));
}

class FileTransport final : public Transport {
 public:
  FileTransport(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
  ~FileTransport() override { ::close(fd_); }

  core::Status Write(core::ByteView data, std::chrono::milliseconds) override {
    std::size_t done = 0;
    while (done < data.size()) {
      const ssize_t n = ::write(fd_, data.data() + done, data.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return Offline("cannot write " + path_.string());
      done += static_cast<std::size_t>(n);
    }
    return core::Ok();
  }
  core::Expected<core::Bytes> Read(std::size_t, std::chrono::milliseconds) override {
    return core::Bytes{};
  }
  bool Bidirectional() const override { return false; }
  std::string Describe() const override { return "file:" + path_.string(); }

 private:
  int fd_;
  std::filesystem::path path_;
};

class TcpTransport final : public Transport {
 public:
  TcpTransport(int fd, std::string where) : fd_(fd), where_(std::move(where)) {}
  ~TcpTransport() override { ::close(fd_); }

  core::Status Write(core::ByteView data, std::chrono::milliseconds timeout) override {
    std::size_t done = 0;
    while (done < data.size()) {
      pollfd p{fd_, POLLOUT, 0};
      const int ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
      if (ready == 0) {
        return core::Error::Retryable("printer.timeout", "the printer takes no more data");
      }
      if (ready < 0 && errno == EINTR) continue;
      const ssize_t n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) return Offline("cannot send to " + where_);
      done += static_cast<std::size_t>(n);
    }
    return core::Ok();
  }

  core::Expected<core::Bytes> Read(std::size_t max, std::chrono::milliseconds timeout) override {
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (ready <= 0) return core::Bytes{};
    core::Bytes out(max);
    const ssize_t n = ::recv(fd_, out.data(), max, 0);
    if (n == 0) {
      return core::Error::Retryable("printer.offline", "the printer closed the connection");
    }
    if (n < 0) return Offline("cannot read from " + where_);
    out.resize(static_cast<std::size_t>(n));
    return out;
  }
  bool Bidirectional() const override { return true; }
  std::string Describe() const override { return "tcp:" + where_; }

 private:
  int fd_;
  std::string where_;
};

}  // namespace

core::Expected<std::unique_ptr<Transport>> OpenFileTransport(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return Offline("cannot open " + path.string());
  return std::unique_ptr<Transport>(std::make_unique<FileTransport>(fd, path));
}

core::Expected<std::unique_ptr<Transport>> OpenTcpTransport(const std::string& host,
                                                            std::uint16_t port,
                                                            std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (::getaddrinfo(host.c_str(), service.c_str(), &hints, &found) != 0 || !found) {
    return core::Error::NeedsPerson("printer.address", "unknown printer host " + host);
  }
  const int fd = ::socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    ::freeaddrinfo(found);
    return Offline("socket");
  }
  const int rc = ::connect(fd, found->ai_addr, found->ai_addrlen);
  ::freeaddrinfo(found);
  if (rc != 0 && errno != EINPROGRESS) {
    ::close(fd);
    return Offline("cannot connect to " + host + ":" + service);
  }
  pollfd p{fd, POLLOUT, 0};
  int error = 0;
  socklen_t length = sizeof error;
  if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1 ||
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error != 0) {
    ::close(fd);
    errno = error != 0 ? error : ETIMEDOUT;
    return Offline("cannot connect to " + host + ":" + service);
  }
  // Status requests are 3 bytes answered by 1: without this, Nagle's
  // algorithm and delayed ACKs hold each exchange for tens of milliseconds.
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return std::unique_ptr<Transport>(std::make_unique<TcpTransport>(fd, host + ":" + service));
}

core::Expected<TransportFactory> TransportFor(const std::string& address) {
  auto bad = [&] {
    return core::Error::NeedsPerson(
        "printer.address",
        "printer address must be usb:VVVV:PPPP, tcp:HOST:PORT or file:PATH, not '" + address + "'");
  };
  if (address.rfind("file:", 0) == 0 && address.size() > 5) {
    const std::filesystem::path path = address.substr(5);
    return TransportFactory([path] { return OpenFileTransport(path); });
  }
  if (address.rfind("tcp:", 0) == 0) {
    const auto colon = address.rfind(':');
    if (colon <= 4) return bad();
    const std::string host = address.substr(4, colon - 4);
    int port = 0;
    try {
      port = std::stoi(address.substr(colon + 1));
    } catch (...) {
      return bad();
    }
    if (port <= 0 || port > 65535) return bad();
    return TransportFactory([host, port] {
      return OpenTcpTransport(host, static_cast<std::uint16_t>(port), std::chrono::seconds(3));
    });
  }
  if (address.rfind("usb:", 0) == 0 && address.size() == 13 && address[8] == ':') {
    UsbMatch match;
    try {
      match.vendor_id = static_cast<std::uint16_t>(std::stoul(address.substr(4, 4), nullptr, 16));
      match.product_id = static_cast<std::uint16_t>(std::stoul(address.substr(9, 4), nullptr, 16));
    } catch (...) {
      return bad();
    }
    return TransportFactory([match] { return OpenUsbTransport(match); });
  }
  return bad();
}

}  // namespace kiosk::printer
