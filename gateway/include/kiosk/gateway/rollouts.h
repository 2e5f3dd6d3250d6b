#pragma once

// Signed A/B updates, the gateway's side (docs/appliance.md, *Updates*): the bundles an
// operator added, the rollouts that offer them to part of the fleet, and
// what each kiosk reported of its update, kept in a RolloutStore
// (store/rollouts.h); the bundles themselves are files in a directory.
//
// A rollout offers one bundle to the kiosks it targets: those of the chosen
// communes (all, when none are chosen) whose bucket is under the rollout's
// percentage. A kiosk's bucket (0-99) comes from its id alone, so the same
// kiosks go first in every rollout and raising the percentage only adds
// kiosks. The operator raises it step by step, or pauses it. A bundle is
// offered only to kiosks whose system is compatible with it (RAUC's
// `compatible`, which heartbeats carry). Pausing a rollout stops the kiosks
// that have not begun to install: their offer says "paused" until it resumes.
//
// On the device listener (mutual TLS):
//   GET  /v1/bundles/{sha256}          the bundle, in ranges (Range: bytes=a-b)
//   POST /v1/updates/{rollout}/status  the kiosk's progress (updater.h)
// The offer itself rides in the heartbeat's answer, as "update".

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kiosk/core/clock.h"
#include "kiosk/core/error.h"
#include "kiosk/core/http.h"
#include "kiosk/gateway/store/devices.h"
#include "kiosk/gateway/store/rollouts.h"

namespace kiosk::gateway {

// Where a rollout stands: kiosks targeted, and how many in each state.
struct RolloutView {
  RolloutRecord rollout;
  std::int64_t targeted = 0;
  std::map<std::string, std::int64_t> states;  // "good" -> 12, "downloading" -> 3...
  std::int64_t Count(const std::string& state) const;
  std::int64_t Finished() const;  // good, failed or rolled back
};

// A Range header ("bytes=a-b", "bytes=a-") against a file of `size` bytes:
// the first and last byte, or nothing when it does not fit.
std::optional<std::pair<std::int64_t, std::int64_t>> ParseByteRange(std::string_view header,
                                                                    std::int64_t size);

// The states a kiosk reports; the last three are final.
bool IsUpdateState(std::string_view state);
bool IsFinalUpdateState(std::string_view state);

class RolloutDesk {
 public:
  // The bundles' bytes are files in `bundle_dir` (created if need be),
  // which every gateway replica shares.
  static core::Expected<std::unique_ptr<RolloutDesk>> Open(const std::filesystem::path& bundle_dir,
                                                           RolloutStore& store,
                                                           DeviceStore& devices,
                                                           const core::Clock& clock);

  // Copies the bundle in under its SHA-256; adding it again changes nothing.
  core::Expected<BundleRecord> AddBundle(const std::filesystem::path& file,
                                         const std::string& version, const std::string& compatible,
                                         const std::string& added_by);
  core::Expected<std::vector<BundleRecord>> Bundles();
  // `bundle` is the SHA-256 or a unique prefix of it (8 characters or more).
  // A rollout of a bundle older than what a kiosk runs reaches it only
  // when `downgrade` is set (an operator's explicit choice).
  core::Expected<std::int64_t> StartRollout(const std::string& bundle, int percent,
                                            const std::vector<std::string>& communes,
                                            const std::string& created_by, bool downgrade = false);
  core::Status SetPercent(std::int64_t id, int percent);
  core::Status SetState(std::int64_t id, const std::string& state);  // active, paused
  core::Expected<std::vector<RolloutView>> Rollouts();
  core::Expected<std::optional<KioskUpdate>> LastUpdate(const std::string& kiosk_id);

  static int Bucket(const std::string& kiosk_id);
  static bool Targets(const RolloutRecord& rollout, const DeviceRecord& device);

  // The offer for a heartbeat's answer (JSON): the rollout this kiosk is in
  // the middle of, with "paused" when the operator paused it; otherwise the
  // newest active rollout that targets it, for its board (`compatible`, when
  // known), newer than `running` (or, for a downgrade, another version),
  // that it has not finished.
  std::optional<std::string> OfferFor(const DeviceRecord& device, const std::string& running,
                                      const std::string& compatible);
  // The device listener's update paths; nullopt for any other path.
  std::optional<core::HttpResponse> HandleDevice(const core::HttpRequest& request,
                                                 const std::string& kiosk_id);

 private:
  RolloutDesk(std::filesystem::path bundle_dir, RolloutStore& store, DeviceStore& devices,
              const core::Clock& clock);
  std::int64_t NowMs() const;
  std::filesystem::path BundleFile(const std::string& sha256) const;
  core::HttpResponse ServeBundle(const core::HttpRequest& request, const std::string& sha256);
  core::HttpResponse Status(const core::HttpRequest& request, const std::string& kiosk_id,
                            std::int64_t rollout);
  // The rollouts every heartbeat is checked against: read at most once a
  // second (kRolloutsFresh), and again at once after a change made here. A
  // change made on another replica reaches this one's kiosks within that
  // second.
  core::Expected<std::shared_ptr<const std::vector<RolloutRecord>>> CurrentRollouts();
  void Forget();

  std::filesystem::path bundle_dir_;
  RolloutStore& store_;
  DeviceStore& devices_;
  const core::Clock& clock_;
  std::mutex rollouts_mutex_;
  std::shared_ptr<const std::vector<RolloutRecord>> rollouts_;
  std::chrono::steady_clock::time_point rollouts_read_at_;
  std::uint64_t rollouts_generation_ = 0;  // changes made here
};

}  // namespace kiosk::gateway
