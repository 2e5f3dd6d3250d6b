#include "kiosk/gateway/serve.h"

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "kiosk/core/log.h"

namespace kiosk::gateway {

namespace klog = core::log;

namespace {

core::HttpResponse Plain(int status, const std::string& code) {
  return {status, {{"Content-Type", "application/json"}}, R"({"error":")" + code + R"("})"};
}

// A refused request's body is read on for a little (256 KiB, 2 s) before
// the connection closes: a client still sending it then reads the answer
// instead of a reset. A huge body is not waited for.
void DrainThenClose(core::TlsConnection& c) {
  c.SetDeadline(std::chrono::steady_clock::now() + std::chrono::seconds(2));
  std::uint8_t buffer[16 * 1024];
  std::size_t total = 0;
  while (total < 256 * 1024) {
    auto n = c.Read(buffer);
    if (!n || *n == 0) break;
    total += *n;
  }
  c.Close();
}

// One connection, on its own thread: handshake, request, answer. A client
// that proved a certificate (a kiosk, the bank) gives back its address's
// slot at once: many kiosks may share one address behind a NAT; the cap is
// for those nobody knows.
void ServeOne(core::PendingTlsConnection pending, const ServeOptions& options,
              const RequestHandler& handle, const std::function<void()>& authenticated) {
  const std::string address = pending.PeerAddress();
  auto connection = std::move(pending).Handshake(options.handshake_time);
  if (!connection) {
    klog::Warn("gateway.handshake_refused", {{"code", connection.GetError().Code()},
                                             {"address", address},
                                             {"error", connection.GetError().Message()}});
    return;
  }
  auto& c = *connection;
  if (c.PeerCertificate()) authenticated();
  auto request = core::ReadHttpRequest(c, options.limits);
  if (!request) {
    const std::string& code = request.GetError().Code();
    klog::Warn("gateway.request_refused", {{"code", code}, {"address", address}});
    if (code == "http.too_large") (void)core::WriteHttpResponse(c, Plain(413, code));
    if (code == "http.header_too_large") (void)core::WriteHttpResponse(c, Plain(431, code));
    if (code == "http.malformed") (void)core::WriteHttpResponse(c, Plain(400, code));
    DrainThenClose(c);
    return;
  }
  auto peer = c.PeerCertificate();
  const auto response = handle(*request, peer ? &*peer : nullptr);
  if (!request->body_file.empty()) ::unlink(request->body_file.c_str());
  (void)core::WriteHttpResponse(c, response);
  c.Close();
}

}  // namespace

void Serve(core::TlsServer& server, const ServeOptions& options, const std::atomic<bool>& stop,
           const RequestHandler& handle) {
  std::mutex mutex;
  std::condition_variable idle;
  int active = 0;
  std::map<std::string, int> per_address;
  while (!stop) {
    auto pending = server.AcceptPending(std::chrono::milliseconds(250));
    if (!pending) {
      if (pending.GetError().Code() != "tls.no_client") {
        klog::Warn("gateway.accept_failed", {{"error", pending.GetError().Message()}});
      }
      continue;
    }
    const std::string address = pending->PeerAddress();
    {
      std::lock_guard lock(mutex);
      if (active >= options.max_connections || per_address[address] >= options.max_per_address) {
        klog::Warn(
            "gateway.connection_shed",
            {{"address", address}, {"active", active}, {"from_address", per_address[address]}});
        continue;  // closed as it goes out of scope
      }
      ++active;
      ++per_address[address];
    }
    std::thread([&, p = std::move(pending).Value(), address]() mutable {
      bool holds_slot = true;
      auto release = [&] {  // called with `mutex` held
        if (holds_slot && --per_address[address] == 0) per_address.erase(address);
        holds_slot = false;
      };
      ServeOne(std::move(p), options, handle, [&] {
        std::lock_guard lock(mutex);
        release();
      });
      std::lock_guard lock(mutex);
      --active;
      release();
      idle.notify_all();
    }).detach();
  }
  std::unique_lock lock(mutex);
  idle.wait(lock, [&] { return active == 0; });
}

namespace {
std::string PathOf(const core::HttpRequest& head) {
  return head.target.substr(0, head.target.find('?'));
}
}  // namespace

std::size_t OperatorBodyLimit(const core::HttpRequest&) { return kFormLimit; }

std::size_t DeviceBodyLimit(const core::HttpRequest& head) {
  const std::string path = PathOf(head);
  if (head.method != "POST") return kFormLimit;
  if (path == "/v1/dossiers") return kDossierLimit;
  if (path == "/v1/heartbeat") return kHeartbeatLimit;
  if (path.rfind("/v1/commands/", 0) == 0 && path.ends_with("/log")) return kLogUploadLimit;
  return kFormLimit;
}

}  // namespace kiosk::gateway
