#include "kiosk/gateway/rollouts.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>

#include <nlohmann/json.hpp>

#include "kiosk/core/encoding.h"
#include "kiosk/core/hash.h"
#include "kiosk/core/log.h"
#include "kiosk/core/text.h"
#include "kiosk/core/version.h"
#include "kiosk/storage/sqlite.h"
#include "responses.h"

namespace kiosk::gateway {

using core::Error;
using core::Expected;
using core::HttpRequest;
using core::HttpResponse;
using nlohmann::json;
using Stmt = storage::Statement;
namespace klog = core::log;

namespace {

constexpr const char* kMigrations[] = {
    R"sql(
CREATE TABLE bundles (
  sha256 TEXT PRIMARY KEY, version TEXT NOT NULL, compatible TEXT NOT NULL,
  size INTEGER NOT NULL, added_at INTEGER NOT NULL, added_by TEXT NOT NULL);
CREATE TABLE rollouts (
  id INTEGER PRIMARY KEY AUTOINCREMENT, sha256 TEXT NOT NULL REFERENCES bundles (sha256),
  percent INTEGER NOT NULL, communes TEXT NOT NULL, state TEXT NOT NULL,
  created_at INTEGER NOT NULL, created_by TEXT NOT NULL);
CREATE TABLE kiosk_updates (
  kiosk_id TEXT NOT NULL, rollout INTEGER NOT NULL, state TEXT NOT NULL, detail TEXT NOT NULL,
  progress INTEGER NOT NULL, slot TEXT NOT NULL, updated_at INTEGER NOT NULL,
  PRIMARY KEY (kiosk_id, rollout));
)sql",
    // An older version reaches a kiosk only through a rollout an operator
    // marked as a downgrade.
    R"sql(
ALTER TABLE rollouts ADD COLUMN downgrade INTEGER NOT NULL DEFAULT 0;
)sql",
};

// The most one range answer carries: the kiosk asks for 4 MiB.
constexpr std::int64_t kMaxRange = 16 * 1024 * 1024;

constexpr std::array<std::string_view, 12> kStates = {
    "downloading", "downloaded",   "holding",          "installing", "installed", "interrupted",
    "paused",      "rolling_back", "self_test_failed", "good",       "failed",    "rolled_back"};

std::string JoinCommunes(const std::vector<std::string>& communes) {
  std::string out;
  for (const auto& c : communes) out += (out.empty() ? "" : ",") + c;
  return out;
}

std::vector<std::string> SplitCommunes(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto comma = text.find(',', start);
    const auto end = comma == std::string::npos ? text.size() : comma;
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

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

struct RolloutDesk::Impl {
  storage::Database db;
  std::filesystem::path bundle_dir;
  FleetStore& fleet;
  const core::Clock& clock;
  std::mutex mutex;

  sqlite3* Db() const { return db.Handle(); }
  std::int64_t NowMs() const { return core::UnixMillis(clock.Now()); }
  std::filesystem::path BundleFile(const std::string& sha256) const {
    return bundle_dir / (sha256 + ".raucb");
  }

  static BundleRecord ReadBundle(const Stmt& st, int at) {
    return {st.Text(at),    st.Text(at + 1), st.Text(at + 2),
            st.Int(at + 3), st.Int(at + 4),  st.Text(at + 5)};
  }

  Expected<std::vector<RolloutRecord>> Rollouts(const char* where) {
    std::vector<RolloutRecord> out;
    Stmt st(Db(), (std::string("SELECT r.id, r.percent, r.communes, r.state, r.created_at, "
                               "r.created_by, b.sha256, b.version, b.compatible, b.size, "
                               "b.added_at, b.added_by, r.downgrade FROM rollouts r JOIN bundles b "
                               "USING "
                               "(sha256) ") +
                   where + " ORDER BY r.id DESC")
                      .c_str());
    KIOSK_TRY(st.Ready());
    for (;;) {
      KIOSK_ASSIGN_OR_RETURN(const bool row, st.Step());
      if (!row) break;
      RolloutRecord r;
      r.id = st.Int(0);
      r.percent = static_cast<int>(st.Int(1));
      r.communes = SplitCommunes(st.Text(2));
      r.state = st.Text(3);
      r.created_at = st.Int(4);
      r.created_by = st.Text(5);
      r.bundle = ReadBundle(st, 6);
      r.downgrade = st.Int(12) != 0;
      out.push_back(std::move(r));
    }
    return out;
  }

  Expected<std::optional<std::string>> KioskState(const std::string& kiosk_id,
                                                  std::int64_t rollout) {
    Stmt st(Db(), "SELECT state FROM kiosk_updates WHERE kiosk_id = ?1 AND rollout = ?2");
    KIOSK_TRY(st.Ready());
    st.Bind(1, kiosk_id).Bind(2, rollout);
    KIOSK_ASSIGN_OR_RETURN(const bool row, st.Step());
    if (!row) return std::optional<std::string>();
    return std::optional<std::string>(st.Text(0));
  }
};

RolloutDesk::RolloutDesk(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RolloutDesk::~RolloutDesk() = default;

Expected<std::unique_ptr<RolloutDesk>> RolloutDesk::Open(const std::filesystem::path& state_dir,
                                                         FleetStore& fleet,
                                                         const core::Clock& clock) {
  std::error_code ec;
  std::filesystem::create_directories(state_dir / "bundles", ec);
  if (ec) return Error::Fatal("rollout.no_dir", ec.message());
  KIOSK_ASSIGN_OR_RETURN(auto db, storage::Database::Open(state_dir / "updates.db"));
  KIOSK_TRY(db.Migrate(kMigrations));
  auto impl =
      std::unique_ptr<Impl>(new Impl{std::move(db), state_dir / "bundles", fleet, clock, {}});
  return std::unique_ptr<RolloutDesk>(new RolloutDesk(std::move(impl)));
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
  const auto part = impl_->bundle_dir / ("incoming-" + std::to_string(::getpid()) + ".part");
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
  BundleRecord b{core::HexEncode(digest), version, compatible, size, impl_->NowMs(), added_by};
  std::error_code ec;
  std::filesystem::rename(part, impl_->BundleFile(b.sha256), ec);
  if (ec) return Error::Retryable("rollout.store", ec.message());
  std::lock_guard lock(impl_->mutex);
  Stmt st(impl_->Db(),
          "INSERT INTO bundles (sha256, version, compatible, size, added_at, added_by) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (sha256) DO NOTHING");
  KIOSK_TRY(st.Ready());
  st.Bind(1, b.sha256).Bind(2, b.version).Bind(3, b.compatible).Bind(4, b.size);
  st.Bind(5, b.added_at).Bind(6, b.added_by);
  KIOSK_TRY(st.Step());
  klog::Info("rollout.bundle_added", {{"sha256", b.sha256}, {"version", version}, {"size", size}});
  return b;
}

Expected<std::vector<BundleRecord>> RolloutDesk::Bundles() {
  std::lock_guard lock(impl_->mutex);
  Stmt st(impl_->Db(),
          "SELECT sha256, version, compatible, size, added_at, added_by FROM bundles "
          "ORDER BY added_at DESC");
  KIOSK_TRY(st.Ready());
  std::vector<BundleRecord> out;
  for (;;) {
    KIOSK_ASSIGN_OR_RETURN(const bool row, st.Step());
    if (!row) break;
    out.push_back(Impl::ReadBundle(st, 0));
  }
  return out;
}

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
  std::lock_guard lock(impl_->mutex);
  Stmt find(impl_->Db(), "SELECT sha256 FROM bundles WHERE substr(sha256, 1, length(?1)) = ?1");
  KIOSK_TRY(find.Ready());
  find.Bind(1, bundle);
  std::vector<std::string> found;
  for (;;) {
    KIOSK_ASSIGN_OR_RETURN(const bool row, find.Step());
    if (!row) break;
    found.push_back(find.Text(0));
  }
  if (found.size() != 1) {
    return Error::NeedsPerson("rollout.no_bundle", found.empty() ? "no such bundle: " + bundle
                                                                 : "ambiguous bundle: " + bundle);
  }
  Stmt st(impl_->Db(),
          "INSERT INTO rollouts (sha256, percent, communes, state, created_at, created_by, "
          "downgrade) VALUES (?1, ?2, ?3, 'active', ?4, ?5, ?6)");
  KIOSK_TRY(st.Ready());
  st.Bind(1, found.front()).Bind(2, std::int64_t{percent}).Bind(3, JoinCommunes(communes));
  st.Bind(4, impl_->NowMs()).Bind(5, created_by).Bind(6, std::int64_t{downgrade ? 1 : 0});
  KIOSK_TRY(st.Step());
  const auto id = static_cast<std::int64_t>(sqlite3_last_insert_rowid(impl_->Db()));
  klog::Info(
      "rollout.started",
      {{"id", id}, {"sha256", found.front()}, {"percent", percent}, {"downgrade", downgrade}});
  return id;
}

core::Status RolloutDesk::SetPercent(std::int64_t id, int percent) {
  if (percent < 0 || percent > 100) {
    return Error::NeedsPerson("rollout.bad_percent", "the percentage must be 0 to 100");
  }
  std::lock_guard lock(impl_->mutex);
  Stmt st(impl_->Db(), "UPDATE rollouts SET percent = ?2 WHERE id = ?1");
  KIOSK_TRY(st.Ready());
  st.Bind(1, id).Bind(2, std::int64_t{percent});
  KIOSK_TRY(st.Step());
  if (sqlite3_changes(impl_->Db()) == 0)
    return Error::NeedsPerson("rollout.unknown", "no such rollout");
  klog::Info("rollout.percent", {{"id", id}, {"percent", percent}});
  return {};
}

core::Status RolloutDesk::SetState(std::int64_t id, const std::string& state) {
  if (state != "active" && state != "paused") {
    return Error::NeedsPerson("rollout.bad_state", "a rollout is active or paused");
  }
  std::lock_guard lock(impl_->mutex);
  Stmt st(impl_->Db(), "UPDATE rollouts SET state = ?2 WHERE id = ?1");
  KIOSK_TRY(st.Ready());
  st.Bind(1, id).Bind(2, state);
  KIOSK_TRY(st.Step());
  if (sqlite3_changes(impl_->Db()) == 0)
    return Error::NeedsPerson("rollout.unknown", "no such rollout");
  klog::Info("rollout.state", {{"id", id}, {"state", state}});
  return {};
}

Expected<std::vector<RolloutView>> RolloutDesk::Rollouts() {
  KIOSK_ASSIGN_OR_RETURN(const auto fleet, impl_->fleet.Fleet());
  std::lock_guard lock(impl_->mutex);
  KIOSK_ASSIGN_OR_RETURN(auto rollouts, impl_->Rollouts(""));
  std::vector<RolloutView> out;
  for (auto& r : rollouts) {
    RolloutView view;
    for (const auto& k : fleet) view.targeted += Targets(r, k.device) ? 1 : 0;
    Stmt st(impl_->Db(),
            "SELECT state, COUNT(*) FROM kiosk_updates WHERE rollout = ?1 GROUP BY state");
    KIOSK_TRY(st.Ready());
    st.Bind(1, r.id);
    for (;;) {
      KIOSK_ASSIGN_OR_RETURN(const bool row, st.Step());
      if (!row) break;
      view.states[st.Text(0)] = st.Int(1);
    }
    view.rollout = std::move(r);
    out.push_back(std::move(view));
  }
  return out;
}

Expected<std::optional<KioskUpdate>> RolloutDesk::LastUpdate(const std::string& kiosk_id) {
  std::lock_guard lock(impl_->mutex);
  Stmt st(impl_->Db(),
          "SELECT u.rollout, b.version, u.state, u.detail, u.progress, u.slot, u.updated_at "
          "FROM kiosk_updates u JOIN rollouts r ON r.id = u.rollout JOIN bundles b USING (sha256) "
          "WHERE u.kiosk_id = ?1 ORDER BY u.updated_at DESC, u.rollout DESC LIMIT 1");
  KIOSK_TRY(st.Ready());
  st.Bind(1, kiosk_id);
  KIOSK_ASSIGN_OR_RETURN(const bool row, st.Step());
  if (!row) return std::optional<KioskUpdate>();
  KioskUpdate u{st.Int(0),  st.Text(1), st.Text(2), st.Text(3), static_cast<int>(st.Int(4)),
                st.Text(5), st.Int(6)};
  return std::optional<KioskUpdate>(std::move(u));
}

std::optional<std::string> RolloutDesk::OfferFor(const DeviceRecord& device,
                                                 const std::string& running,
                                                 const std::string& compatible) {
  std::lock_guard lock(impl_->mutex);
  auto rollouts = impl_->Rollouts("");
  if (!rollouts) return std::nullopt;
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
    auto state = impl_->KioskState(device.kiosk_id, r.id);
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
  auto device = impl_->fleet.FindDevice(kiosk_id);
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
  std::int64_t size = 0;
  {
    std::lock_guard lock(impl_->mutex);
    Stmt st(impl_->Db(), "SELECT size FROM bundles WHERE sha256 = ?1");
    if (!st.Ready()) return Refuse(503, "rollout.store", "try again");
    st.Bind(1, sha256);
    auto row = st.Step();
    if (!row) return Refuse(503, "rollout.store", "try again");
    if (!*row) return Refuse(404, "rollout.no_bundle", "no such bundle");
    size = st.Int(0);
  }
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
  const int fd = ::open(impl_->BundleFile(sha256).c_str(), O_RDONLY | O_CLOEXEC);
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
  std::lock_guard lock(impl_->mutex);
  Stmt known(impl_->Db(), "SELECT 1 FROM rollouts WHERE id = ?1");
  if (!known.Ready()) return Refuse(503, "rollout.store", "try again");
  known.Bind(1, rollout);
  auto row = known.Step();
  if (!row) return Refuse(503, "rollout.store", "try again");
  if (!*row) return Refuse(404, "rollout.unknown", "no such rollout");
  Stmt st(
      impl_->Db(),
      "INSERT INTO kiosk_updates (kiosk_id, rollout, state, detail, progress, slot, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (kiosk_id, rollout) DO UPDATE SET "
      "state = ?3, detail = ?4, progress = ?5, slot = ?6, updated_at = ?7");
  if (!st.Ready()) return Refuse(503, "rollout.store", "try again");
  st.Bind(1, kiosk_id).Bind(2, rollout).Bind(3, state).Bind(4, detail);
  st.Bind(5, std::int64_t{progress}).Bind(6, slot).Bind(7, impl_->NowMs());
  if (!st.Step()) return Refuse(503, "rollout.store", "try again");
  klog::Info("rollout.kiosk", {{"kiosk", kiosk_id}, {"rollout", rollout}, {"state", state}});
  return Json(200, {{"recorded", rollout}});
}

}  // namespace kiosk::gateway
