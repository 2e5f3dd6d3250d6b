#include "kiosk/agent/updater.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include <nlohmann/json.hpp>

#include "kiosk/agent/commands.h"
#include "kiosk/core/encoding.h"
#include "kiosk/core/files.h"
#include "kiosk/core/hash.h"
#include "kiosk/core/log.h"
#include "kiosk/core/process.h"
#include "kiosk/core/text.h"
#include "kiosk/core/version.h"

namespace kiosk::agent {

using nlohmann::json;
namespace klog = core::log;

namespace {

bool IsLowerHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool IsVersion(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    c == '.' || c == '-' || c == '+' || c == '~' || c == '_';
    if (!ok) return false;
  }
  return true;
}

core::Error Bad(const std::string& why) { return core::Error::Fatal("update.bad_offer", why); }

// Appends `data` at `offset` (truncating anything beyond it) and syncs.
core::Status WriteAt(const std::filesystem::path& path, std::int64_t offset,
                     std::string_view data) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return core::Error::Retryable("update.write_failed", std::strerror(errno));
  bool ok = ::ftruncate(fd, offset) == 0 && ::lseek(fd, offset, SEEK_SET) == offset;
  std::size_t done = 0;
  while (ok && done < data.size()) {
    const auto n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ok && ::fdatasync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  if (!ok) return core::Error::Retryable("update.write_failed", std::strerror(saved));
  return {};
}

core::Expected<std::string> FileSha256(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::Error::Retryable("update.read_failed", "cannot open " + path.string());
  KIOSK_ASSIGN_OR_RETURN(auto hasher, core::Hasher::Create(core::HashAlg::kSha256));
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    if (n == 0) break;
    KIOSK_TRY(hasher.Update(core::ByteView(reinterpret_cast<const std::uint8_t*>(buf.data()), n)));
  }
  KIOSK_ASSIGN_OR_RETURN(auto digest, hasher.Finish());
  return core::HexEncode(digest);
}

}  // namespace

core::Expected<UpdateOffer> ParseUpdateOffer(std::string_view text) {
  const json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return Bad("not an object");
  UpdateOffer o;
  if (!j.contains("rollout") || !j["rollout"].is_number_integer()) return Bad("no rollout");
  o.rollout = j["rollout"].get<std::int64_t>();
  if (o.rollout <= 0) return Bad("rollout out of range");
  if (!j.contains("version") || !j["version"].is_string()) return Bad("no version");
  o.version = j["version"].get<std::string>();
  if (!IsVersion(o.version)) return Bad("bad version");
  if (!j.contains("sha256") || !j["sha256"].is_string()) return Bad("no sha256");
  o.sha256 = j["sha256"].get<std::string>();
  if (o.sha256.size() != 64 || !IsLowerHex(o.sha256)) return Bad("bad sha256");
  if (!j.contains("size") || !j["size"].is_number_integer()) return Bad("no size");
  o.size = j["size"].get<std::int64_t>();
  if (o.size <= 0 || o.size > (std::int64_t{1} << 40)) return Bad("size out of range");
  if (!j.contains("url") || !j["url"].is_string()) return Bad("no url");
  o.url = j["url"].get<std::string>();
  if (o.url != "/v1/bundles/" + o.sha256) return Bad("the url is not the bundle's");
  if (j.contains("paused")) {
    if (!j["paused"].is_boolean()) return Bad("paused is not true or false");
    o.paused = j["paused"].get<bool>();
  }
  if (j.contains("downgrade")) {
    if (!j["downgrade"].is_boolean()) return Bad("downgrade is not true or false");
    o.downgrade = j["downgrade"].get<bool>();
  }
  return o;
}

core::Expected<SlotStatus> ParseRaucStatus(std::string_view text) {
  // The client may print messages of its own before the document (they
  // share the output): the document is the first line that opens an object.
  std::string_view document = text;
  for (std::size_t at = 0; at < text.size();) {
    const auto end = text.find('\n', at);
    const auto line = text.substr(at, end == std::string_view::npos ? text.npos : end - at);
    if (!line.empty() && line.front() == '{') {
      document = line;
      break;
    }
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
  const json j = json::parse(document, nullptr, false);
  if (!j.is_object() || !j.contains("booted") || !j["booted"].is_string()) {
    return core::Error::Retryable("update.bad_status", "RAUC's status names no booted slot");
  }
  SlotStatus s;
  s.booted = j["booted"].get<std::string>();
  if (j.contains("compatible") && j["compatible"].is_string() &&
      core::IsCode(j["compatible"].get<std::string>(), 64, ".+~-_")) {
    s.compatible = j["compatible"].get<std::string>();
  }
  if (j.contains("slots") && j["slots"].is_array()) {
    for (const auto& entry : j["slots"]) {
      if (!entry.is_object()) continue;
      for (const auto& [name, slot] : entry.items()) {
        if (!slot.is_object() || !slot.contains("bootname") || slot["bootname"] != s.booted) {
          continue;
        }
        const auto version = slot.value("/slot_status/bundle/version"_json_pointer, json());
        if (version.is_string() && IsVersion(version.get<std::string>())) {
          s.booted_version = version.get<std::string>();
        }
      }
    }
  }
  return s;
}

struct Updater::Journal {
  UpdateOffer offer;
  std::string phase;  // downloading downloaded holding installing rebooting rolling_back done
  std::int64_t received = 0;
  int attempts = 0;
  std::string from_slot;
  std::string result;  // good failed rolled_back
  std::string detail;
  std::string unreported;  // the last report the gateway has not taken
  bool paused = false;     // by the operator, before the install
  int reported_percent = -1;

  json ToJson() const {
    return {{"rollout", offer.rollout}, {"version", offer.version}, {"sha256", offer.sha256},
            {"size", offer.size},       {"url", offer.url},         {"phase", phase},
            {"received", received},     {"attempts", attempts},     {"from_slot", from_slot},
            {"result", result},         {"detail", detail},         {"unreported", unreported},
            {"paused", paused}};
  }
  static std::optional<Journal> FromJson(const std::string& text) {
    const json j = json::parse(text, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    auto offer = ParseUpdateOffer(text);
    if (!offer) return std::nullopt;
    Journal out;
    out.offer = *offer;
    try {
      out.phase = j.at("phase").get<std::string>();
      out.received = j.at("received").get<std::int64_t>();
      out.attempts = j.at("attempts").get<int>();
      out.from_slot = j.at("from_slot").get<std::string>();
      out.result = j.at("result").get<std::string>();
      out.detail = j.at("detail").get<std::string>();
      out.unreported = j.at("unreported").get<std::string>();
      out.paused = j.value("paused", false);  // absent from journals before pausing
    } catch (const json::exception&) {
      return std::nullopt;
    }
    if (out.received < 0 || out.received > out.offer.size) return std::nullopt;
    return out;
  }
};

Updater::Updater(UpdateSettings settings, Transport transport, const core::Clock& clock)
    : settings_(std::move(settings)), transport_(std::move(transport)), clock_(clock) {}

Updater::~Updater() = default;

std::filesystem::path Updater::BundlePath() const { return settings_.dir / "bundle.raucb"; }
std::filesystem::path Updater::PartPath() const { return settings_.dir / "bundle.raucb.part"; }

core::Status Updater::Save() {
  return core::WriteFileAtomically(settings_.dir / "update.json",
                                   core::AsBytes(journal_->ToJson().dump() + "\n"), 0600);
}

std::string Updater::Phase() const { return journal_ ? journal_->phase : ""; }

bool Updater::Holding() const {
  std::error_code ec;
  return std::filesystem::exists(settings_.hold_file, ec);
}

core::Status Updater::Hold(bool on) {
  if (on) {
    return core::WriteFileAtomically(
        settings_.hold_file, core::AsBytes("update " + journal_->offer.version + "\n"), 0644);
  }
  std::error_code ec;
  std::filesystem::remove(settings_.hold_file, ec);
  return {};
}

core::Status Updater::Report(std::string_view state, std::string_view detail) {
  // Details quote RAUC and the self-test: scrubbed like any log leaving the kiosk.
  json body = {
      {"state", state}, {"detail", ScrubLog(detail)}, {"version", journal_->offer.version}};
  if (journal_->offer.size > 0) {
    body["progress"] = static_cast<int>(journal_->received * 100 / journal_->offer.size);
  }
  if (!slot_.booted.empty()) body["slot"] = slot_.booted;
  if (!slot_.booted_version.empty()) body["running"] = slot_.booted_version;
  klog::Info("update.state", {{"rollout", journal_->offer.rollout},
                              {"state", std::string(state)},
                              {"detail", std::string(detail)}});
  journal_->unreported = body.dump();
  KIOSK_TRY(Save());
  // Kept in the journal when the gateway is away; Step() sends it later.
  if (auto sent = FlushReport(); !sent) {
    klog::Warn("update.report_waits", {{"error", sent.GetError().Code()}});
  }
  return {};
}

core::Status Updater::FlushReport() {
  if (!journal_ || journal_->unreported.empty() || !transport_.report) return {};
  KIOSK_TRY(transport_.report(journal_->offer.rollout, journal_->unreported));
  journal_->unreported.clear();
  return Save();
}

core::Status Updater::Finish(std::string_view result, std::string_view detail) {
  journal_->phase = "done";
  journal_->result = std::string(result);
  journal_->detail = std::string(detail);
  std::error_code ec;
  std::filesystem::remove(BundlePath(), ec);
  std::filesystem::remove(PartPath(), ec);
  KIOSK_TRY(Hold(false));
  return Report(result, detail);
}

core::Status Updater::Start(const std::function<void()>& tick) {
  std::error_code ec;
  std::filesystem::create_directories(settings_.dir, ec);
  if (auto text = core::ReadSmallFile(settings_.dir / "update.json", 1024 * 1024)) {
    if (auto journal = Journal::FromJson(*text)) {
      journal_ = std::make_unique<Journal>(std::move(*journal));
    } else {
      klog::Error("update.journal_damaged", {{"file", (settings_.dir / "update.json").string()}});
      std::filesystem::rename(settings_.dir / "update.json", settings_.dir / "update.json.damaged",
                              ec);
    }
  }
  if (!settings_.status.empty()) {
    auto run = core::RunProcess(settings_.status);
    if (run && run->Ok()) {
      if (auto status = ParseRaucStatus(run->output)) slot_ = *status;
    }
    if (slot_.booted.empty()) {
      klog::Warn("update.no_slot_status",
                 {{"detail", run ? run->Summary() : run.GetError().ToString()}});
    }
  }
  const std::string phase = journal_ ? journal_->phase : "";
  bool trial = false;
  if (phase == "installing") {
    // The power went, or the agent died, while RAUC wrote the other slot:
    // the running slot is still the one to boot. The bundle is complete.
    if (journal_->attempts >= settings_.max_attempts) {
      KIOSK_TRY(Finish(
          "failed", "the install was cut short " + std::to_string(journal_->attempts) + " times"));
    } else {
      journal_->phase = "holding";
      KIOSK_TRY(Report("interrupted", "the install was cut short; it starts again"));
    }
  } else if (phase == "rebooting" || phase == "rolling_back") {
    const bool on_new = !slot_.booted.empty() && slot_.booted != journal_->from_slot;
    if (phase == "rebooting" && on_new) {
      trial = true;
      core::ProcessResult test;
      test.exit_code = 0;
      if (!settings_.self_test.empty()) {
        auto run = core::RunProcess(settings_.self_test, tick);
        if (!run) {
          test.exit_code = 127;
          test.output = run.GetError().Message();
        } else {
          test = *run;
        }
      }
      if (test.Ok()) {
        auto good = core::RunProcess(settings_.mark_good);
        if (!good || !good->Ok()) {
          klog::Error("update.mark_good_failed",
                      {{"detail", good ? good->Summary() : good.GetError().ToString()}});
        }
        KIOSK_TRY(Finish("good", "running " + journal_->offer.version + " in slot " + slot_.booted +
                                     "; the self-test passed"));
      } else {
        (void)core::RunProcess(settings_.mark_bad);
        journal_->phase = "rolling_back";
        KIOSK_TRY(Report("self_test_failed", "self-test in slot " + slot_.booted + ": " +
                                                 test.Summary() + "; back to slot " +
                                                 journal_->from_slot));
        (void)core::RunProcess(settings_.reboot);
      }
    } else if (on_new) {
      // Still in the bad slot: the reboot did not happen; ask again.
      trial = true;
      (void)core::RunProcess(settings_.mark_bad);
      (void)core::RunProcess(settings_.reboot);
    } else {
      KIOSK_TRY(Finish("rolled_back",
                       phase == "rebooting"
                           ? "the new slot did not start; back on slot " + slot_.booted
                           : "the self-test failed in the new slot; back on slot " + slot_.booted));
    }
  }
  if (!trial && !slot_.booted.empty()) {
    // This boot came up: the bootloader need not fall back from it.
    (void)core::RunProcess(settings_.mark_good);
  }
  if (journal_) (void)FlushReport();
  return {};
}

void Updater::Pause(bool paused) {
  auto& j = *journal_;
  const bool before_install =
      j.phase == "downloading" || j.phase == "downloaded" || j.phase == "holding";
  if (!before_install || j.paused == paused) return;
  j.paused = paused;
  const std::string at = std::to_string(j.received * 100 / j.offer.size) + "%";
  if (paused) {
    // Back in service; once resumed, the kiosk waits again for an idle screen.
    if (j.phase == "holding") j.phase = "downloaded";
    (void)Hold(false);
    (void)Report("paused", "the rollout is paused; the download is kept (" + at + ")");
  } else {
    (void)Report(j.phase, "the rollout resumed (" + at + ")");
  }
}

void Updater::Offer(const UpdateOffer& offer) {
  if (journal_ && journal_->offer.rollout == offer.rollout) {
    Pause(offer.paused);
    return;
  }
  if (journal_ && journal_->phase != "done") return;  // one at a time
  if (offer.paused) return;                           // a paused rollout starts nothing
  if (offer.size > settings_.max_bundle_bytes) {
    klog::Warn("update.too_large", {{"rollout", offer.rollout}, {"size", offer.size}});
    return;
  }
  journal_ = std::make_unique<Journal>();
  journal_->offer = offer;
  std::error_code ec;
  std::filesystem::remove(BundlePath(), ec);
  std::filesystem::remove(PartPath(), ec);
  if (!slot_.booted_version.empty() && offer.version == slot_.booted_version) {
    (void)Finish("good", "already running " + offer.version);
    return;
  }
  // Never backwards unless an operator said so: an old bundle, however
  // well signed, may bring back what a newer one fixed.
  if (!slot_.booted_version.empty() && !offer.downgrade &&
      core::CompareVersions(offer.version, slot_.booted_version) < 0) {
    klog::Warn("update.downgrade_refused", {{"rollout", offer.rollout},
                                            {"offered", offer.version},
                                            {"running", slot_.booted_version}});
    (void)Finish("failed", "refused: " + offer.version + " is older than the running " +
                               slot_.booted_version + " and the rollout is not a downgrade");
    return;
  }
  journal_->phase = "downloading";
  (void)Report("downloading", "0%");
}

core::Expected<bool> Updater::Download() {
  auto& j = *journal_;
  const std::int64_t length = std::min(settings_.chunk_bytes, j.offer.size - j.received);
  KIOSK_ASSIGN_OR_RETURN(const std::string chunk,
                         transport_.fetch(j.offer.url, j.received, length));
  if (static_cast<std::int64_t>(chunk.size()) != length) {
    return core::Error::Retryable(
        "update.short_range",
        "asked " + std::to_string(length) + " bytes, got " + std::to_string(chunk.size()));
  }
  KIOSK_TRY(WriteAt(PartPath(), j.received, chunk));
  j.received += length;
  KIOSK_TRY(Save());
  const int percent = static_cast<int>(j.received * 100 / j.offer.size);
  if (j.received < j.offer.size) {
    if (percent / 10 != j.reported_percent / 10) {
      j.reported_percent = percent;
      (void)Report("downloading", std::to_string(percent) + "%");
    }
    return true;
  }
  KIOSK_ASSIGN_OR_RETURN(const std::string digest, FileSha256(PartPath()));
  if (digest != j.offer.sha256) {
    ++j.attempts;
    std::error_code ec;
    std::filesystem::remove(PartPath(), ec);
    j.received = 0;
    if (j.attempts >= settings_.max_attempts) {
      KIOSK_TRY(Finish("failed", "the downloaded bundle's SHA-256 does not match the offer"));
      return true;
    }
    KIOSK_TRY(Report("downloading", "the SHA-256 did not match; downloading again"));
    return true;
  }
  std::error_code ec;
  std::filesystem::rename(PartPath(), BundlePath(), ec);
  if (ec) return core::Error::Retryable("update.write_failed", ec.message());
  j.phase = "downloaded";
  j.attempts = 0;
  KIOSK_TRY(Report("downloaded", "waiting for the kiosk to be idle"));
  return true;
}

core::Expected<bool> Updater::Install(const AppActivity& app, const std::function<void()>& tick) {
  auto& j = *journal_;
  // A silent app serves nobody; otherwise nobody may be at the screen.
  if (j.phase == "downloaded") {
    if (app.fresh && app.in_use) return false;
    j.phase = "holding";
    KIOSK_TRY(Hold(true));
    KIOSK_TRY(Save());
    KIOSK_TRY(Report("holding", "out of service until the update is installed"));
    return true;
  }
  if (app.fresh && (!app.out_of_service || app.in_use)) return false;  // the app has not seen it
  KIOSK_TRY(Hold(true));
  j.phase = "installing";
  ++j.attempts;
  KIOSK_TRY(Report("installing", "attempt " + std::to_string(j.attempts)));
  auto argv = settings_.install;
  argv.push_back(BundlePath().string());
  KIOSK_ASSIGN_OR_RETURN(const auto run, core::RunProcess(argv, tick));
  if (!run.Ok()) {
    KIOSK_TRY(Finish("failed", "install refused: " + run.Summary()));
    return true;
  }
  j.phase = "rebooting";
  j.from_slot = slot_.booted;
  KIOSK_TRY(Save());
  (void)Report("installed", "rebooting into the new slot");
  auto reboot = core::RunProcess(settings_.reboot, tick);
  if (!reboot || !reboot->Ok()) {
    klog::Error("update.reboot_failed",
                {{"detail", reboot ? reboot->Summary() : reboot.GetError().ToString()}});
  }
  return true;
}

core::Expected<bool> Updater::Step(const AppActivity& app, const std::function<void()>& tick) {
  if (!journal_) return false;
  const auto now = clock_.Monotonic();
  if (retry_at_ && now < *retry_at_) return false;
  retry_at_.reset();
  if (auto flushed = FlushReport(); !flushed) {
    retry_at_ = now + std::chrono::seconds(30);
    return flushed.GetError();
  }
  if (journal_->paused) return false;
  const std::string& phase = journal_->phase;
  core::Expected<bool> done = false;
  if (phase == "downloading") {
    done = Download();
  } else if (phase == "downloaded" || phase == "holding") {
    done = Install(app, tick);
  }
  if (!done) retry_at_ = now + std::chrono::seconds(30);
  return done;
}

}  // namespace kiosk::agent
