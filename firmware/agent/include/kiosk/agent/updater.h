#pragma once

// Signed A/B updates, the kiosk's side (docs/appliance.md, *Updates*). The gateway offers
// a bundle in a heartbeat's answer when this kiosk is in a rollout; the
// updater then, one step at a time and surviving a restart at any point:
//
//   download   GET the bundle over mutual TLS in ranges, appended to a
//              .part file and recorded after each, so a power cut resumes
//              where it was; the whole file's SHA-256 must match the offer
//   hold       when kiosk-app reports nobody at the screen: the hold file
//              takes the kiosk out of service, and the updater waits until
//              the app confirms it (a citizen who just started finishes)
//   install    `rauc install`, which checks the bundle's signature against
//              the keyring the image trusts and writes the other slot; the
//              running slot stays the one to boot until it completes
//   reboot     into the new slot, which the bootloader tries a few times
//   trial      after the restart: the kiosk's self-test; passed, the slot
//              is marked good; failed, it is marked bad and the kiosk
//              reboots into the old one. A new slot that does not come up
//              at all is left by the bootloader the same way.
//
// Each step is reported to the gateway (POST /v1/updates/{rollout}/status);
// a report that fails is sent again later. An offer marked "paused" (the
// operator paused the rollout) stops an update that has not begun to install:
// the hold is lifted, the download kept, and it goes on when the offer comes
// back unpaused. Once RAUC writes, the update runs to its end.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/agent/uploader.h"
#include "kiosk/core/clock.h"
#include "kiosk/core/error.h"

namespace kiosk::agent {

struct UpdateOffer {
  std::int64_t rollout = 0;
  std::string version;
  std::string sha256;  // lower-case hex
  std::int64_t size = 0;
  std::string url;      // a path on the gateway: /v1/bundles/<sha256>
  bool paused = false;  // the operator paused the rollout
  // An operator marked the rollout as a step back: only then is a version
  // older than the running one installed.
  bool downgrade = false;
};

// The "update" object of a heartbeat's answer; refuses anything odd.
core::Expected<UpdateOffer> ParseUpdateOffer(std::string_view json);

// What `rauc status --detailed --output-format=json` says that matters here.
struct SlotStatus {
  std::string booted;          // the booted slot's bootname: A, B
  std::string booted_version;  // the bundle version installed in it, if any
  std::string compatible;      // the system's board, which bundles must name
};
core::Expected<SlotStatus> ParseRaucStatus(std::string_view json);

struct UpdateSettings {
  std::filesystem::path dir = "state/updates";             // journal and bundle
  std::vector<std::string> install = {"rauc", "install"};  // + the bundle's path
  std::vector<std::string> status = {"rauc", "status", "--detailed", "--output-format=json"};
  std::vector<std::string> mark_good = {"rauc", "status", "mark-good", "booted"};
  std::vector<std::string> mark_bad = {"rauc", "status", "mark-bad", "booted"};
  std::vector<std::string> self_test;  // empty: the new slot is good once it runs
  std::vector<std::string> reboot = {"systemctl", "reboot"};
  std::filesystem::path hold_file = "state/update-hold";
  std::int64_t chunk_bytes = 4 * 1024 * 1024;
  std::int64_t max_bundle_bytes = 2LL * 1024 * 1024 * 1024;
  int max_attempts = 3;  // downloads or installs, before the update is given up
};

// What the updater knows of kiosk-app (app_status.h).
struct AppActivity {
  bool fresh = false;  // the app wrote recently
  bool in_use = false;
  bool out_of_service = false;
};

class Updater {
 public:
  // The transport for ranges and reports; tests give a fake.
  struct Transport {
    // GET `url` bytes [from, from + length): the body, or an error.
    std::function<core::Expected<std::string>(const std::string& url, std::int64_t from,
                                              std::int64_t length)>
        fetch;
    // POST the status document; true when the gateway took it.
    std::function<core::Status(std::int64_t rollout, const std::string& body)> report;
  };

  Updater(UpdateSettings settings, Transport transport, const core::Clock& clock);
  ~Updater();
  Updater(const Updater&) = delete;
  Updater& operator=(const Updater&) = delete;

  // At start: reads the journal, asks RAUC which slot runs, and settles a
  // trial (self-test, mark good or bad) or an install cut short. `tick` is
  // called while the self-test runs (it may wait for kiosk-app to come up).
  core::Status Start(const std::function<void()>& tick = {});
  // A heartbeat's offer; ignored while another update is under way, or when
  // it is the version already running or one already given up. The offer of
  // the update under way pauses or resumes it.
  void Offer(const UpdateOffer& offer);
  // One bounded piece of work (one range, one install...). `tick` is called
  // during long waits. False when there was nothing to do.
  core::Expected<bool> Step(const AppActivity& app, const std::function<void()>& tick = {});

  // For the heartbeat.
  const std::string& Slot() const { return slot_.booted; }
  const std::string& RunningVersion() const { return slot_.booted_version; }
  const std::string& Compatible() const { return slot_.compatible; }
  std::string Phase() const;
  bool Holding() const;

  struct Journal;

 private:
  core::Status Save();
  core::Status Report(std::string_view state, std::string_view detail);
  core::Status FlushReport();
  core::Expected<bool> Download();
  core::Expected<bool> Install(const AppActivity& app, const std::function<void()>& tick);
  core::Status Finish(std::string_view result, std::string_view detail);
  core::Status Hold(bool on);
  void Pause(bool paused);
  std::filesystem::path BundlePath() const;
  std::filesystem::path PartPath() const;

  UpdateSettings settings_;
  Transport transport_;
  const core::Clock& clock_;
  SlotStatus slot_;
  std::unique_ptr<Journal> journal_;
  std::optional<core::MonoTime> retry_at_;
};

// The updater's transport over the gateway's device listener, on
// `gateway`'s TLS session (mutual TLS, resumed): ranges of the bundle
// (GET with Range; 206, or 200 for a range from byte 0) and status reports
// (POST /v1/updates/{rollout}/status; 404, a rollout the gateway no longer
// has, is taken as delivered). `gateway` must outlive the transport.
Updater::Transport GatewayUpdateTransport(const GatewayEndpoint& gateway);

}  // namespace kiosk::agent
