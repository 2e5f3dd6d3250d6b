#include "kiosk/agent/uploader.h"

#include <nlohmann/json.hpp>

#include "kiosk/core/http.h"
#include "kiosk/core/log.h"
#include "kiosk/dossier/package.h"
#include "kiosk/dossier/sealing_key.h"
#include "kiosk/dossier/upload.h"

namespace kiosk::agent {

namespace klog = core::log;

std::chrono::milliseconds Backoff::Delay(int attempts, core::RandomSource& random) const {
  double delay = static_cast<double>(first.count());
  for (int i = 1; i < attempts && delay < static_cast<double>(max.count()); ++i) delay *= 2;
  delay = std::min(delay, static_cast<double>(max.count()));
  std::uint8_t jitter = 128;
  (void)random.Fill(std::span<std::uint8_t>(&jitter, 1));
  return std::chrono::milliseconds(static_cast<std::int64_t>(delay * (0.5 + jitter / 256.0)));
}

Uploader::Uploader(dossier::Outbox& outbox, const core::SecretBytes& storage_key,
                   GatewayEndpoint gateway, Backoff backoff, const core::Clock& clock,
                   core::RandomSource& random)
    : outbox_(outbox),
      storage_key_(storage_key),
      gateway_(std::move(gateway)),
      backoff_(backoff),
      clock_(clock),
      random_(random) {}

core::Expected<StepResult> Uploader::Step() {
  // Leftovers of a crash between an acknowledgement and its purge.
  KIOSK_ASSIGN_OR_RETURN(const int leftovers, outbox_.PurgeAcknowledged());
  if (leftovers > 0) klog::Info("agent.purged_leftovers", {{"count", leftovers}});
  KIOSK_ASSIGN_OR_RETURN(auto next, outbox_.TakeNextDue());
  if (!next) return StepResult::kIdle;
  const std::string id = next->id.ToString();

  auto retry = [&](const std::string& why) -> core::Expected<StepResult> {
    const auto delay = backoff_.Delay(next->attempts, random_);
    klog::Warn("agent.retry",
               {{"dossier", id}, {"attempt", next->attempts}, {"in", delay}, {"why", why}});
    KIOSK_TRY(outbox_.MarkRetry(next->id, why, clock_.Now() + delay));
    return StepResult::kRetrying;
  };

  auto package = dossier::PackageReader::Open(next->package, storage_key_);
  if (!package) {
    // A package we cannot read will not get better: keep it aside, say so.
    KIOSK_TRY(outbox_.MarkQuarantined(next->id, package.GetError().ToString()));
    return StepResult::kQuarantined;
  }
  auto jws = package->ManifestJws();
  if (!jws) {
    // Altered or damaged at rest: it can never be sent as it is.
    KIOSK_TRY(outbox_.MarkQuarantined(next->id, jws.GetError().ToString()));
    return StepResult::kQuarantined;
  }
  // Streamed: the package is decrypted chunk by chunk onto the connection.
  core::HttpRequest head{"POST",
                         "/v1/dossiers",
                         {{"Content-Type", dossier::kUploadContentType}, {"Idempotency-Key", id}},
                         ""};
  if (!sealing_statement_.empty()) {
    head.headers.emplace_back(std::string(dossier::kSealingKeyHeader), sealing_statement_);
  }
  auto response = core::HttpsStreamingRequest(
      gateway_.host, gateway_.port, gateway_.tls, head, dossier::UploadBodySize(*package, *jws),
      [&](const core::BodyWriter& write) -> core::Status {
        return dossier::WriteUploadBody(*package, *jws, [&](core::ByteView piece) -> core::Status {
          auto written = write(piece);
          return written;
        });
      });
  if (!response && response.GetError().Code() == "package.corrupt") {
    KIOSK_TRY(outbox_.MarkQuarantined(next->id, response.GetError().ToString()));
    return StepResult::kQuarantined;
  }
  if (!response) return retry(response.GetError().Code());

  const int status = response->status;
  if (status == 200 || status == 201) {
    const auto json = nlohmann::json::parse(response->body, nullptr, false);
    if (json.is_discarded() || !json.contains("dossier_code") ||
        !json["dossier_code"].is_string()) {
      return retry("gateway.bad_answer");
    }
    const std::string code = json["dossier_code"];
    auto text = [&](const char* key) {
      return json.contains(key) && json[key].is_string() ? json[key].get<std::string>() : "";
    };
    KIOSK_TRY(
        outbox_.MarkAcknowledged(next->id, code, text("lookup_secret"), text("appointment_date")));
    KIOSK_TRY(outbox_.Purge(next->id));
    klog::Info("agent.acknowledged",
               {{"dossier", id}, {"code", code}, {"attempts", next->attempts}});
    return StepResult::kAcknowledged;
  }
  if (status == 400 || status == 403 || status == 404 || status == 409 || status == 413 ||
      status == 422) {
    const auto json = nlohmann::json::parse(response->body, nullptr, false);
    const std::string code =
        !json.is_discarded() && json.contains("error") && json["error"].is_string()
            ? json["error"].get<std::string>()
            : "http." + std::to_string(status);
    KIOSK_TRY(outbox_.MarkQuarantined(next->id, code));
    return StepResult::kQuarantined;
  }
  return retry("http." + std::to_string(status));
}

}  // namespace kiosk::agent
