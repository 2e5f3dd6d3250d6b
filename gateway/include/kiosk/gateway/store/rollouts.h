#pragma once

// Signed update bundles, the rollouts that offer them to part of the
// fleet, and what each kiosk reported of its update (rollouts.h has the
// rules). The bundles' bytes are files beside the store, under their
// SHA-256; the store keeps what is known of them. Times are Unix
// milliseconds.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/error.h"

namespace kiosk::gateway {

struct BundleRecord {
  std::string sha256;
  std::string version;
  std::string compatible;  // the boards it is for, as RAUC names them
  std::int64_t size = 0;
  std::int64_t added_at = 0;
  std::string added_by;
};

struct RolloutRecord {
  std::int64_t id = 0;
  BundleRecord bundle;
  int percent = 0;
  std::vector<std::string> communes;  // empty: every commune
  std::string state;                  // "active", "paused"
  bool downgrade = false;             // an operator's explicit step back to an older version
  std::int64_t created_at = 0;
  std::string created_by;
};

// A kiosk's last report on one rollout.
struct KioskUpdate {
  std::int64_t rollout = 0;
  std::string version;  // the rollout's bundle's
  std::string state;
  std::string detail;
  int progress = 0;
  std::string slot;
  std::int64_t updated_at = 0;
};

class RolloutStore {
 public:
  virtual ~RolloutStore() = default;

  // Adding a bundle that is known already changes nothing.
  virtual core::Status AddBundle(const BundleRecord& bundle) = 0;
  // The newest first.
  virtual core::Expected<std::vector<BundleRecord>> Bundles() = 0;
  // The SHA-256 of every bundle whose hash starts with `prefix`.
  virtual core::Expected<std::vector<std::string>> BundlesStartingWith(
      const std::string& prefix) = 0;
  virtual core::Expected<std::optional<BundleRecord>> FindBundle(const std::string& sha256) = 0;

  // A new rollout of `rollout.bundle.sha256`, active; returns its id.
  virtual core::Expected<std::int64_t> AddRollout(const RolloutRecord& rollout) = 0;
  // False when there is no such rollout.
  virtual core::Expected<bool> SetPercent(std::int64_t id, int percent) = 0;
  virtual core::Expected<bool> SetState(std::int64_t id, const std::string& state) = 0;
  // Every rollout with its bundle, the newest first.
  virtual core::Expected<std::vector<RolloutRecord>> Rollouts() = 0;
  // How many kiosks report each state in the rollout ("good" -> 12...).
  virtual core::Expected<std::map<std::string, std::int64_t>> StateCounts(std::int64_t rollout) = 0;

  // Records the kiosk's report on `update.rollout` (its version is not
  // read); false when there is no such rollout.
  virtual core::Expected<bool> RecordUpdate(const std::string& kiosk_id,
                                            const KioskUpdate& update) = 0;
  // The state the kiosk last reported for the rollout; nullopt: none yet.
  virtual core::Expected<std::optional<std::string>> KioskState(const std::string& kiosk_id,
                                                                std::int64_t rollout) = 0;
  // The kiosk's latest report on any rollout.
  virtual core::Expected<std::optional<KioskUpdate>> LastUpdate(const std::string& kiosk_id) = 0;
};

}  // namespace kiosk::gateway
