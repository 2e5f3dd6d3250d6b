#include "kiosk/gateway/rollouts.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>

#include <nlohmann/json.hpp>

#include "kiosk/core/encoding.h"
#include "kiosk/core/hash.h"
#include "kiosk/core/log.h"
#include "kiosk/core/text.h"
#include "kiosk/core/version.h"
#include "responses.h"

namespace kiosk::gateway {

using core::Error;
using core::Expected;
using core::HttpRequest;
using core::HttpResponse;
using nlohmann::json;
namespace klog = core::log;

namespace {

// The most one range answer carries: the kiosk asks for 4 MiB.
constexpr std::int64_t kMaxRange = 16 * 1024 * 1024;

constexpr std::array<std::string_view, 12> kStates = {
    "downloading", "downloaded",   "holding",          "installing", "installed", "interrupted",
    "paused",      "rolling_back", "self_test_failed", "good",       "failed",    "rolled_back"};

bool IsVersion(std::string_view s) { return core::IsCode(s, 64, ".+~-_"); }

}  // namespace

std::optional<std::pair<std::int64_t, std::int64_t>> ParseByteRange(std::string_view header,
                                                                    std::int64_t size) {
  if (header.rfind("bytes=", 0) != 0) return std::nullopt;
  header.remove_prefix(6);
  const auto dash = header.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const auto first = core::ParseDecimal(header.substr(0, dash));
  if (!first || *first >= size) return std::nullopt;
  std::int64_t last = size - 1;
  if (dash + 1 < header.size()) {
    const auto given = core::ParseDecimal(header.substr(dash + 1));
    if (!given || *given < *first) return std::nullopt;
    last = std::min(*given, size - 1);
  }
  return std::make_pair(*first, last);
}

bool IsUpdateState(std::string_view state) {
  return std::find(kStates.begin(), kStates.end(), state) != kStates.end();
}

bool IsFinalUpdateState(std::string_view state) {
  return state == "good" || state == "failed" || state == "rolled_back";
}

std::int64_t RolloutView::Count(const std::string& state) const {
  const auto it = states.find(state);
  return it == states.end() ? 0 : it->second;
}

std::int64_t RolloutView::Finished() const {
  return Count("good") + Count("failed") + Count("rolled_back");
}

RolloutDesk::RolloutDesk(std::filesystem::path bundle_dir, RolloutStore& store,
                         DeviceStore& devices, const core::Clock& clock)
    : bundle_dir_(std::move(bundle_dir)), store_(store), devices_(devices), clock_(clock) {}

Expected<std::unique_ptr<RolloutDesk>> RolloutDesk::Open(const std::filesystem::path& bundle_dir,
                                                         RolloutStore& store, DeviceStore& devices,
                                                         const core::Clock& clock) {
  std::error_code ec;
  std::filesystem::create_directories(bundle_dir, ec);
  if (ec) return Error::Fatal("rollout.no_dir", ec.message());
  return std::unique_ptr<RolloutDesk>(new RolloutDesk(bundle_dir, store, devices, clock));
}

std::int64_t RolloutDesk::NowMs() const { return core::UnixMillis(clock_.Now()); }

std::filesystem::path RolloutDesk::BundleFile(const std::string& sha256) const {
  return bundle_dir_ / (sha256 + ".raucb");
}

int RolloutDesk::Bucket(const std::string& kiosk_id) {
  const auto digest =
      core::Digest(core::HashAlg::kSha256, core::AsBytes("kiosk-rollout:" + kiosk_id));
  if (!digest) return 99;
  return static_cast<int>((((*digest)[0] << 8) | (*digest)[1]) % 100);
}

bool RolloutDesk::Targets(const RolloutRecord& rollout, const DeviceRecord& device) {
  if (device.state != "active") return false;
  if (!rollout.communes.empty() && std::find(rollout.communes.begin(), rollout.communes.end(),
                                             device.commune) == rollout.communes.end()) {
    return false;
  }
  return Bucket(device.kiosk_id) < rollout.percent;
}

Expected<BundleRecord> RolloutDesk::AddBundle(const std::filesystem::path& file,
                                              const std::string& version,
                                              const std::string& compatible,
                                              const std::string& added_by) {
  if (!IsVersion(version))
    return Error::NeedsPerson("rollout.bad_version", "bad version: " + version);
  if (!IsVersion(compatible)) {
    return Error::NeedsPerson("rollout.bad_compatible", "bad compatible: " + compatible);
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return Error::NeedsPerson("rollout.no_bundle", "cannot read " + file.string());
  // Hashed while copied, so what is stored is what was hashed.
  const auto part = bundle_dir_ / ("incoming-" + std::to_string(::getpid()) + ".part");
  std::ofstream out(part, std::ios::binary | std::ios::trunc);
  KIOSK_ASSIGN_OR_RETURN(auto hasher, core::Hasher::Create(core::HashAlg::kSha256));
  std::vector<char> buf(1 << 20);
  std::int64_t size = 0;
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    if (n == 0) break;
    KIOSK_TRY(hasher.Update(core::ByteView(reinterpret_cast<const std::uint8_t*>(buf.data()), n)));
    out.write(buf.data(), static_cast<std::streamsize>(n));
    size += static_cast<std::int64_t>(n);
  }
  out.close();
  if (!out || size == 0) {
    std::filesystem::remove(part);
    return Error::NeedsPerson("rollout.no_bundle", "empty or unwritable bundle");
  }
  KIOSK_ASSIGN_OR_RETURN(auto digest, hasher.Finish());
  BundleRecord b{core::HexEncode(digest), version, compatible, size, NowMs(), added_by};
  std::error_code ec;
  std::filesystem::rename(part, BundleFile(b.sha256), ec);
  if (ec) return Error::Retryable("rollout.store", ec.message());
  KIOSK_TRY(store_.AddBundle(b));
  klog::Info("rollout.bundle_added", {{"sha256", b.sha256}, {"version", version}, {"size", size}});
  return b;
}

Expected<std::vector<BundleRecord>> RolloutDesk::Bundles() { return store_.Bundles(); }

Expected<std::int64_t> RolloutDesk::StartRollout(const std::string& bundle, int percent,
                                                 const std::vector<std::string>& communes,
                                                 const std::string& created_by, bool downgrade) {
  if (percent < 0 || percent > 100) {
    return Error::NeedsPerson("rollout.bad_percent", "the percentage must be 0 to 100");
  }
  for (const auto& c : communes) {
    if (c.size() != 5 || c.find_first_not_of("0123456789") != std::string::npos) {
      return Error::NeedsPerson("rollout.bad_commune", "a commune code has 5 digits: " + c);
    }
  }
  if (bundle.size() < 8 || !core::IsCode(bundle, 64, "")) {
    return Error::NeedsPerson("rollout.no_bundle", "name the bundle by its SHA-256");
  }
  KIOSK_ASSIGN_OR_RETURN(const auto found, store_.BundlesStartingWith(bundle));
  if (found.size() != 1) {
    return Error::NeedsPerson("rollout.no_bundle", found.empty() ? "no such bundle: " + bundle
                                                                 : "ambiguous bundle: " + bundle);
  }
  RolloutRecord rollout;
  rollout.bundle.sha256 = found.front();
  rollout.percent = percent;
  rollout.communes = communes;
  rollout.downgrade = downgrade;
  rollout.created_at = NowMs();
  rollout.created_by = created_by;
  KIOSK_ASSIGN_OR_RETURN(const auto id, store_.AddRollout(rollout));
  Forget();
  klog::Info(
      "rollout.started",
      {{"id", id}, {"sha256", found.front()}, {"percent", percent}, {"downgrade", downgrade}});
  return id;
}

core::Status RolloutDesk::SetPercent(std::int64_t id, int percent) {
  if (percent < 0 || percent > 100) {
    return Error::NeedsPerson("rollout.bad_percent", "the percentage must be 0 to 100");
  }
  KIOSK_ASSIGN_OR_RETURN(const bool known, store_.SetPercent(id, percent));
  Forget();
  if (!known) return Error::NeedsPerson("rollout.unknown", "no such rollout");
  klog::Info("rollout.percent", {{"id", id}, {"percent", percent}});
  return {};
}

core::Status RolloutDesk::SetState(std::int64_t id, const std::string& state) {
  if (state != "active" && state != "paused") {
    return Error::NeedsPerson("rollout.bad_state", "a rollout is active or paused");
  }
  KIOSK_ASSIGN_OR_RETURN(const bool known, store_.SetState(id, state));
  Forget();
  if (!known) return Error::NeedsPerson("rollout.unknown", "no such rollout");
  klog::Info("rollout.state", {{"id", id}, {"state", state}});
  return {};
}

Expected<std::vector<RolloutView>> RolloutDesk::Rollouts() {
  KIOSK_ASSIGN_OR_RETURN(const auto fleet, devices_.Fleet());
  KIOSK_ASSIGN_OR_RETURN(auto rollouts, store_.Rollouts());
  std::vector<RolloutView> out;
  for (auto& r : rollouts) {
    RolloutView view;
    for (const auto& k : fleet) view.targeted += Targets(r, k.device) ? 1 : 0;
    KIOSK_ASSIGN_OR_RETURN(view.states, store_.StateCounts(r.id));
    view.rollout = std::move(r);
    out.push_back(std::move(view));
  }
  return out;
}

Expected<std::optional<KioskUpdate>> RolloutDesk::LastUpdate(const std::string& kiosk_id) {
  return store_.LastUpdate(kiosk_id);
}

namespace {
constexpr auto kRolloutsFresh = std::chrono::seconds(1);
}  // namespace

Expected<std::shared_ptr<const std::vector<RolloutRecord>>> RolloutDesk::CurrentRollouts() {
  const auto now = std::chrono::steady_clock::now();
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(rollouts_mutex_);
    if (rollouts_ && now - rollouts_read_at_ < kRolloutsFresh) return rollouts_;
    generation = rollouts_generation_;
  }
  KIOSK_ASSIGN_OR_RETURN(auto read, store_.Rollouts());
  auto fresh = std::make_shared<const std::vector<RolloutRecord>>(std::move(read));
  std::lock_guard lock(rollouts_mutex_);
  // Not kept when a change was made here while it was being read.
  if (generation == rollouts_generation_) {
    rollouts_ = fresh;
    rollouts_read_at_ = now;
  }
  return fresh;
}

void RolloutDesk::Forget() {
  std::lock_guard lock(rollouts_mutex_);
  rollouts_.reset();
  ++rollouts_generation_;
}

std::optional<std::string> RolloutDesk::OfferFor(const DeviceRecord& device,
                                                 const std::string& running,
                                                 const std::string& compatible) {
  auto current = CurrentRollouts();
  if (!current) return std::nullopt;
  const auto& rollouts = *current;
  const auto offer = [](const RolloutRecord& r) {
    json out = {{"rollout", r.id},
                {"version", r.bundle.version},
                {"sha256", r.bundle.sha256},
                {"size", r.bundle.size},
                {"url", "/v1/bundles/" + r.bundle.sha256}};
    if (r.state != "active") out["paused"] = true;
    if (r.downgrade) out["downgrade"] = true;
    return out.dump();
  };
  // Only forward, unless the operator marked the rollout a downgrade; a
  // kiosk whose version is not known yet is offered it (and checks itself).
  const auto direction_ok = [&](const RolloutRecord& r) {
    if (running.empty()) return true;
    const int order = core::CompareVersions(r.bundle.version, running);
    return r.downgrade ? order != 0 : order > 0;
  };
  const auto fits = [&](const RolloutRecord& r) {
    return Targets(r, device) && direction_ok(r) &&
           (compatible.empty() || r.bundle.compatible.empty() || r.bundle.compatible == compatible);
  };
  // The one it is in the middle of comes first, paused or not: a kiosk
  // finishes (or waits on) what it began before it hears of another.
  std::optional<std::string> newest;
  for (const auto& r : *rollouts) {
    if (!fits(r)) continue;
    auto state = store_.KioskState(device.kiosk_id, r.id);
    if (!state) return std::nullopt;
    if (*state && !IsFinalUpdateState(**state)) return offer(r);
    if (!*state && r.state == "active" && !newest) newest = offer(r);
  }
  return newest;
}

std::optional<HttpResponse> RolloutDesk::HandleDevice(const HttpRequest& request,
                                                      const std::string& kiosk_id) {
  const std::string& t = request.target;
  const bool ours = t.rfind("/v1/bundles/", 0) == 0 || t.rfind("/v1/updates/", 0) == 0;
  if (!ours) return std::nullopt;
  auto device = devices_.FindDevice(kiosk_id);
  if (!device) return Refuse(503, "fleet.store", "try again");
  if (!*device || (*device)->state != "active") {
    return Refuse(403, "fleet.not_enrolled", "this kiosk is not enrolled");
  }
  if (t.rfind("/v1/bundles/", 0) == 0) {
    if (request.method != "GET") return Refuse(405, "http.method", "GET only");
    return ServeBundle(request, t.substr(std::string_view("/v1/bundles/").size()));
  }
  if (request.method != "POST") return Refuse(405, "http.method", "POST only");
  const std::string_view rest = std::string_view(t).substr(std::string_view("/v1/updates/").size());
  const auto slash = rest.find('/');
  const auto id = core::ParseDecimal(rest.substr(0, slash));
  if (!id || slash == std::string_view::npos || rest.substr(slash + 1) != "status") {
    return Refuse(404, "http.not_found", "no such path");
  }
  return Status(request, kiosk_id, *id);
}

HttpResponse RolloutDesk::ServeBundle(const HttpRequest& request, const std::string& sha256) {
  if (sha256.size() != 64 || !core::IsCode(sha256, 64, "")) {
    return Refuse(404, "rollout.no_bundle", "no such bundle");
  }
  const auto bundle = store_.FindBundle(sha256);
  if (!bundle) return Refuse(503, "rollout.store", "try again");
  if (!*bundle) return Refuse(404, "rollout.no_bundle", "no such bundle");
  const std::int64_t size = (*bundle)->size;
  const std::string range_header = request.Header("Range");
  std::int64_t first = 0, last = size - 1;
  if (!range_header.empty()) {
    const auto range = ParseByteRange(range_header, size);
    if (!range) {
      HttpResponse r = Refuse(416, "rollout.bad_range", "the range is outside the bundle");
      r.headers.emplace_back("Content-Range", "bytes */" + std::to_string(size));
      return r;
    }
    std::tie(first, last) = *range;
  }
  if (last - first + 1 > kMaxRange) {
    if (range_header.empty()) {
      return Refuse(413, "rollout.ask_in_ranges", "ask for the bundle in ranges of 16 MiB or less");
    }
    last = first + kMaxRange - 1;
  }
  const int fd = ::open(BundleFile(sha256).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Refuse(503, "rollout.store", std::strerror(errno));
  std::string body(static_cast<std::size_t>(last - first + 1), '\0');
  std::size_t done = 0;
  while (done < body.size()) {
    const auto n = ::pread(fd, body.data() + done, body.size() - done,
                           static_cast<off_t>(first + static_cast<std::int64_t>(done)));
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (done != body.size()) return Refuse(503, "rollout.store", "the bundle file is short");
  HttpResponse r{range_header.empty() ? 200 : 206,
                 {{"Content-Type", "application/octet-stream"}},
                 std::move(body)};
  if (!range_header.empty()) {
    r.headers.emplace_back("Content-Range", "bytes " + std::to_string(first) + "-" +
                                                std::to_string(last) + "/" + std::to_string(size));
  }
  return r;
}

HttpResponse RolloutDesk::Status(const HttpRequest& request, const std::string& kiosk_id,
                                 std::int64_t rollout) {
  const json in = json::parse(request.body, nullptr, false);
  if (!in.is_object() || !in.contains("state") || !in["state"].is_string() ||
      !IsUpdateState(in["state"].get<std::string>())) {
    return Refuse(400, "rollout.bad_status", "send {\"state\": one of the update states, ...}");
  }
  const std::string state = in["state"].get<std::string>();
  std::string detail =
      in.contains("detail") && in["detail"].is_string() ? in["detail"].get<std::string>() : "";
  if (detail.size() > 1000) detail.resize(1000);
  int progress = 0;
  if (in.contains("progress") && in["progress"].is_number_integer()) {
    progress = std::clamp(in["progress"].get<int>(), 0, 100);
  }
  std::string slot =
      in.contains("slot") && in["slot"].is_string() ? in["slot"].get<std::string>() : "";
  if (!core::IsCode(slot, 16, "")) slot.clear();
  const auto recorded = store_.RecordUpdate(
      kiosk_id, KioskUpdate{rollout, "", state, detail, progress, slot, NowMs()});
  if (!recorded) return Refuse(503, "rollout.store", "try again");
  if (!*recorded) return Refuse(404, "rollout.unknown", "no such rollout");
  klog::Info("rollout.kiosk", {{"kiosk", kiosk_id}, {"rollout", rollout}, {"state", state}});
  return Json(200, {{"recorded", rollout}});
}

}  // namespace kiosk::gateway
