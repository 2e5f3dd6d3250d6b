#pragma once

// The fleet desk: device enrollment, heartbeats, remote commands and the
// fleet's state as the dashboard and /metrics show it. API in
// docs/fleet.md.
//
// On the operator listener (server-authenticated TLS only):
//   POST /.well-known/est/simpleenroll   a CSR with a one-time token
//   GET  /.well-known/est/cacerts        the device CA (PEM)
//   GET  /.well-known/kiosk/config-signer.pem   the key remote configs are signed with
// On the device listener (mutual TLS; only a kiosk's current certificate gets in, peers.h):
//   POST /v1/heartbeat                   health in, queued commands out
//   POST /v1/commands/{id}/result        a command's outcome
//   POST /v1/commands/{id}/log           scrubbed logs for an upload_logs command
//   POST /v1/devices/self/decommission   the kiosk gives up its certificate

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/clock.h"
#include "kiosk/core/http.h"
#include "kiosk/core/pk.h"
#include "kiosk/core/random.h"
#include "kiosk/core/x509.h"
#include "kiosk/gateway/store/stores.h"

namespace kiosk::gateway {

struct FleetConfig {
  int heartbeat_interval_s = 60;  // told to every kiosk in each answer
  int offline_after_s = 300;      // no heartbeat for this long: offline, and an alert
  int backlog_alert_s = 3600;     // an outbox entry older than this: an alert
  int certificate_days = 825;     // validity of an enrolled device certificate
  int history_days = 30;          // heartbeats kept
};

// The commands an operator may send; "config" carries a signed document.
inline constexpr std::array<std::string_view, 7> kCommandKinds = {
    "restart_app", "reboot",         "self_test",      "upload_logs",
    "config",      "maintenance_on", "maintenance_off"};

// One kiosk as the operator sees it, computed from its last heartbeat.
struct KioskState {
  KioskView view;
  bool online = false;
  bool maintenance = false;
  std::int64_t outbox_depth = 0;
  std::int64_t oldest_age_s = 0;
  std::map<std::string, std::string> peripherals;  // name -> state
  std::vector<std::string> alerts;                 // "offline", "paper_out", "backlog", "tamper"
  std::vector<std::string> degraded;               // "printer=paper_near_end"
  std::string app_version;
  std::string os_version;  // the system image's version (the update bundle's)
  std::string slot;        // the A/B slot it runs from
};

// A heartbeat body checked against the closed schema (docs/fleet.md): only
// known keys, numbers in range, every string an identifier-like code. Free
// text, and so personal data, has nowhere to go. Re-serialized canonical JSON.
core::Expected<std::string> CheckHeartbeat(std::string_view body, const std::string& kiosk_id);

class FleetDesk {
 public:
  // `device_ca` issues enrolled kiosks' certificates; `config_key` signs
  // remote config changes.
  FleetDesk(FleetStores& stores, FleetConfig config, core::Certificate device_ca,
            const core::PrivateKey& device_ca_key, const core::PrivateKey& config_key,
            const core::Clock& clock, core::RandomSource& random);

  // A one-time enrollment token for a commune, valid for `ttl_s` seconds:
  // 16 characters in groups of four, easy to read out over the phone. It
  // enrolls `kiosk_id` only, or with none any id not enrolled yet; never a
  // kiosk that is enrolled.
  core::Expected<std::string> CreateToken(const std::string& commune, const std::string& agency,
                                          int ttl_s, const std::string& issued_by,
                                          const std::string& kiosk_id = "");
  // The only way to re-provision an enrolled kiosk: a token for that id, in
  // its commune, that replaces (and revokes) its certificate. The dashboard
  // shows the re-enrollment as an alert.
  core::Expected<std::string> CreateReenrollToken(const std::string& kiosk_id, int ttl_s,
                                                  const std::string& issued_by);

  // The operator listener's enrollment paths; nullopt for any other path.
  std::optional<core::HttpResponse> HandleEnrollment(const core::HttpRequest& request);
  // The device listener's fleet paths; nullopt for any other path.
  // `known`: the kiosk's registry entry when the caller has just read it
  // (PeerPolicy::Identify), else it is read here.
  std::optional<core::HttpResponse> HandleDevice(const core::HttpRequest& request,
                                                 const core::Certificate& client,
                                                 const DeviceRecord* known = nullptr);

  core::Expected<bool> Revoke(const std::string& kiosk_id);
  // Queues a command; "config" args are {"settings": {...}} and get signed.
  core::Expected<std::int64_t> IssueCommand(const std::string& kiosk_id, const std::string& kind,
                                            const std::string& args_json,
                                            const std::string& issued_by);

  core::Expected<std::vector<KioskState>> States();
  KioskState StateOf(KioskView view) const;
  // Prometheus text exposition format 0.0.4.
  core::Expected<std::string> Metrics();

  // Where a heartbeat's "update" offer comes from (rollouts.h): the kiosk,
  // the system version it runs and its board (RAUC's compatible, may be
  // empty); an offer as JSON, or none.
  using OfferSource = std::function<std::optional<std::string>(
      const DeviceRecord&, const std::string& running, const std::string& compatible)>;
  void SetUpdateOffers(OfferSource source) { offers_ = std::move(source); }

  FleetStores& Stores() { return stores_; }
  const FleetConfig& Config() const { return config_; }
  const core::Clock& Clock() const { return clock_; }

 private:
  core::Expected<std::string> NewToken(const TokenGrant& grant, int ttl_s);
  core::HttpResponse Enroll(const core::HttpRequest& request);
  core::HttpResponse Heartbeat(const core::HttpRequest& request, const DeviceRecord& device);
  core::HttpResponse CommandResult(const core::HttpRequest& request, const std::string& kiosk_id,
                                   std::int64_t id);
  core::HttpResponse CommandLog(const core::HttpRequest& request, const std::string& kiosk_id,
                                std::int64_t id);
  std::int64_t NowMs() const;

  FleetStores& stores_;
  FleetConfig config_;
  core::Certificate device_ca_;
  const core::PrivateKey& device_ca_key_;
  const core::PrivateKey& config_key_;
  const core::Clock& clock_;
  core::RandomSource& random_;
  std::mutex random_mutex_;
  std::atomic<std::int64_t> heartbeats_{0};
  std::atomic<std::int64_t> enrollments_{0};
  std::atomic<std::int64_t> enrollments_refused_{0};
  std::atomic<std::int64_t> last_prune_ms_{0};
  OfferSource offers_;
};

// Hex of SHA-256: how tokens and session ids are stored.
std::string Sha256Hex(std::string_view text);

}  // namespace kiosk::gateway
