#include "kiosk/gateway/serve.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

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

// Serves one listener: connections being worked on (a handshake, a request
// and its answer) each have a worker of a pool of at most max_connections
// threads, reused; a connection kept open between requests waits in epoll
// with no thread at all, until its next request arrives (it goes back to a
// worker) or it has been idle for keep_alive_idle (it is closed). Nothing
// queues without bound: past max_connections a new connection is closed at
// once, past max_idle_connections the longest idle one.
class Listener {
 public:
  Listener(core::TlsServer& server, const ServeOptions& options, const std::atomic<bool>& stop,
           const RequestHandler& handle)
      : server_(server), options_(options), stop_(stop), handle_(handle) {
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
  }
  ~Listener() {
    if (epoll_ >= 0) ::close(epoll_);
  }
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  void Run() {
    std::thread parker([this] { Park(); });
    while (!stop_) {
      auto pending = server_.AcceptPending(std::chrono::milliseconds(250));
      if (!pending) {
        if (pending.GetError().Code() != "tls.no_client") {
          klog::Warn("gateway.accept_failed", {{"error", pending.GetError().Message()}});
        }
        continue;
      }
      const std::string address = pending->PeerAddress();
      std::lock_guard lock(mutex_);
      if (active_ >= options_.max_connections ||
          per_address_[address] >= options_.max_per_address) {
        klog::Warn(
            "gateway.connection_shed",
            {{"address", address}, {"active", active_}, {"from_address", per_address_[address]}});
        continue;  // closed as it goes out of scope
      }
      ++per_address_[address];
      Enqueue(Task{std::move(pending).Value(), std::nullopt, address, true});
    }
    parker.join();
    {
      std::unique_lock lock(mutex_);
      idle_.wait(lock, [&] { return active_ == 0; });
      leaving_ = true;
    }
    work_.notify_all();
    for (auto& worker : workers_) worker.join();
  }

 private:
  // A connection to work on: new (its handshake first) or woken (a kept
  // connection whose next request arrived).
  struct Task {
    std::optional<core::PendingTlsConnection> pending;
    std::optional<core::TlsConnection> connection;
    std::string address;
    bool holds_slot = false;  // of its address's cap, until it proves a certificate
  };

  struct Parked {
    core::TlsConnection connection;
    std::chrono::steady_clock::time_point until;
  };

  // Called with mutex_ held.
  void Enqueue(Task task) {
    ++active_;
    tasks_.push_back(std::move(task));
    // Each waiting worker takes one task (woken or about to be): a new
    // worker only when the queue outnumbers them.
    if (static_cast<int>(tasks_.size()) > waiting_workers_ &&
        static_cast<int>(workers_.size()) < options_.max_connections) {
      workers_.emplace_back([this] { Work(); });
    }
    work_.notify_one();
  }

  void Work() {
    std::unique_lock lock(mutex_);
    for (;;) {
      ++waiting_workers_;
      work_.wait(lock, [&] { return leaving_ || !tasks_.empty(); });
      --waiting_workers_;
      if (tasks_.empty()) return;  // leaving
      Task task = std::move(tasks_.front());
      tasks_.pop_front();
      lock.unlock();
      Serve(task);
      lock.lock();
      ReleaseSlot(task);
      --active_;
      idle_.notify_all();
    }
  }

  // Called with mutex_ held.
  void ReleaseSlot(Task& task) {
    if (task.holds_slot && --per_address_[task.address] == 0) per_address_.erase(task.address);
    task.holds_slot = false;
  }

  // The handshake of a new connection, then its requests until it closes
  // or waits idle for the next (parked).
  void Serve(Task& task) {
    const bool fresh = task.pending.has_value();
    if (fresh) {
      auto connection = std::move(*task.pending).Handshake(options_.handshake_time);
      task.pending.reset();
      if (!connection) {
        klog::Warn("gateway.handshake_refused", {{"code", connection.GetError().Code()},
                                                 {"address", task.address},
                                                 {"error", connection.GetError().Message()}});
        return;
      }
      // A client that proved a certificate (a kiosk, the bank) gives back
      // its address's slot at once: many kiosks may share one address
      // behind a NAT; the cap is for those nobody knows.
      if (connection->PeerCertificate()) {
        std::lock_guard lock(mutex_);
        ReleaseSlot(task);
      }
      task.connection.emplace(std::move(connection).Value());
      if (options_.counters != nullptr) ++options_.counters->connections;
    }
    auto& c = *task.connection;
    // A new connection owes a request; a kept one may have been closed by
    // its client, or let lapse, which needs no answer.
    for (bool owed = fresh;; owed = false) {
      auto request = core::ReadHttpRequest(c, options_.limits);
      if (!request) {
        const std::string& code = request.GetError().Code();
        const bool refused =
            code == "http.too_large" || code == "http.header_too_large" || code == "http.malformed";
        if (!refused && !owed) return;
        klog::Warn("gateway.request_refused", {{"code", code}, {"address", task.address}});
        if (code == "http.too_large") (void)core::WriteHttpResponse(c, Plain(413, code));
        if (code == "http.header_too_large") (void)core::WriteHttpResponse(c, Plain(431, code));
        if (code == "http.malformed") (void)core::WriteHttpResponse(c, Plain(400, code));
        DrainThenClose(c);
        return;
      }
      auto peer = c.PeerCertificate();
      const auto response = handle_(*request, peer ? &*peer : nullptr);
      if (options_.counters != nullptr) ++options_.counters->requests;
      if (!request->body_file.empty()) ::unlink(request->body_file.c_str());
      const bool keep = request->keep_alive && options_.keep_alive_idle.count() > 0 && !stop_;
      if (!core::WriteHttpResponse(c, response, keep) || !keep) {
        c.Close();
        return;
      }
      if (c.Buffered() == 0) break;  // nothing more yet: wait without a thread
    }
    {
      std::lock_guard lock(mutex_);
      ReleaseSlot(task);
    }
    Keep(std::move(*task.connection));
  }

  void Keep(core::TlsConnection connection) {
    const int fd = connection.Fd();
    std::lock_guard lock(parked_mutex_);
    if (static_cast<int>(parked_.size()) >= options_.max_idle_connections) {
      auto oldest = std::min_element(
          parked_.begin(), parked_.end(),
          [](const auto& a, const auto& b) { return a.second.until < b.second.until; });
      ::epoll_ctl(epoll_, EPOLL_CTL_DEL, oldest->first, nullptr);
      parked_.erase(oldest);
    }
    parked_.emplace(fd, Parked{std::move(connection),
                               std::chrono::steady_clock::now() + options_.keep_alive_idle});
    epoll_event event{};
    event.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
    event.data.fd = fd;
    if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event) != 0) parked_.erase(fd);
  }

  // Waits on every kept connection: one with a request (or closed by its
  // client) goes back to a worker; one idle too long is closed.
  void Park() {
    epoll_event events[64];
    auto next_sweep = std::chrono::steady_clock::now();
    while (!stop_) {
      const int n = ::epoll_wait(epoll_, events, 64, 250);
      for (int i = 0; i < n; ++i) {
        std::optional<core::TlsConnection> woken;
        {
          std::lock_guard lock(parked_mutex_);
          const auto it = parked_.find(events[i].data.fd);
          if (it == parked_.end()) continue;
          ::epoll_ctl(epoll_, EPOLL_CTL_DEL, it->first, nullptr);
          woken.emplace(std::move(it->second.connection));
          parked_.erase(it);
        }
        std::lock_guard lock(mutex_);
        if (active_ >= options_.max_connections) {
          klog::Warn("gateway.connection_shed", {{"active", active_}, {"kept", true}});
          continue;  // closed as it goes
        }
        Enqueue(Task{std::nullopt, std::move(woken), "", false});
      }
      // The idle ones are looked for once a second, not after every wake:
      // a walk over thousands of kept connections under the lock the
      // workers need to park theirs.
      const auto now = std::chrono::steady_clock::now();
      if (now < next_sweep) continue;
      next_sweep = now + std::chrono::seconds(1);
      std::lock_guard lock(parked_mutex_);
      for (auto it = parked_.begin(); it != parked_.end();) {
        if (it->second.until > now) {
          ++it;
          continue;
        }
        ::epoll_ctl(epoll_, EPOLL_CTL_DEL, it->first, nullptr);
        it = parked_.erase(it);
      }
    }
    std::lock_guard lock(parked_mutex_);
    parked_.clear();
  }

  core::TlsServer& server_;
  const ServeOptions& options_;
  const std::atomic<bool>& stop_;
  const RequestHandler& handle_;
  int epoll_ = -1;

  std::mutex mutex_;
  std::condition_variable work_;
  std::condition_variable idle_;
  std::deque<Task> tasks_;
  std::vector<std::thread> workers_;
  int waiting_workers_ = 0;
  int active_ = 0;  // connections queued or being worked on
  bool leaving_ = false;
  std::map<std::string, int> per_address_;

  std::mutex parked_mutex_;
  std::map<int, Parked> parked_;  // by socket
};

}  // namespace

std::string ServeMetrics(
    const std::vector<std::pair<std::string, const ServeCounters*>>& listeners) {
  std::string connections =
      "# HELP kiosk_gateway_connections_total TLS connections accepted (a handshake each).\n"
      "# TYPE kiosk_gateway_connections_total counter\n";
  std::string requests =
      "# HELP kiosk_gateway_requests_total Requests answered.\n"
      "# TYPE kiosk_gateway_requests_total counter\n";
  for (const auto& [name, counters] : listeners) {
    const std::string label = "{listener=\"" + name + "\"} ";
    connections += "kiosk_gateway_connections_total" + label +
                   std::to_string(counters->connections.load()) + "\n";
    requests +=
        "kiosk_gateway_requests_total" + label + std::to_string(counters->requests.load()) + "\n";
  }
  return connections + requests;
}

void Serve(core::TlsServer& server, const ServeOptions& options, const std::atomic<bool>& stop,
           const RequestHandler& handle) {
  Listener(server, options, stop, handle).Run();
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
