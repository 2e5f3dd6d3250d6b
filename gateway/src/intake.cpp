#include "kiosk/gateway/intake.h"

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "form.h"
#include "kiosk/core/encoding.h"
#include "kiosk/core/hash.h"
#include "kiosk/core/jws.h"
#include "kiosk/core/log.h"
#include "kiosk/dossier/manifest.h"
#include "kiosk/dossier/upload.h"
#include "responses.h"

namespace kiosk::gateway {

using core::HttpRequest;
using core::HttpResponse;
using nlohmann::json;

namespace {

// The error of a permanently bad dossier: the kiosk must not send it again.
HttpResponse Unprocessable(const core::Error& error) {
  return Refuse(422, error.Code(), error.Message());
}

core::Status WriteDurably(const std::filesystem::path& path, std::string_view bytes) {
  const std::string tmp = path.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return core::Error::Retryable("io.error", "cannot create " + tmp);
  const bool ok = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    return core::Error::Retryable("io.error", "cannot write " + path.string());
  }
  return core::Ok();
}

}  // namespace

std::string CommonName(const core::Certificate& cert) {
  const std::string subject = cert.Subject();
  const auto at = subject.find("CN=");
  if (at == std::string::npos) return "";
  const auto end = subject.find(',', at);
  return subject.substr(at + 3, end == std::string::npos ? std::string::npos : end - at - 3);
}

Intake::Intake(DossierStore& store, IntakeConfig config, const core::Clock& clock,
               core::RandomSource& random)
    : store_(store), config_(std::move(config)), clock_(clock), random_(random) {}

HttpResponse Intake::Handle(const HttpRequest& request, const core::Certificate& client) {
  if (payments_ != nullptr) {
    if (auto answer = payments_->Handle(request, client, CommonName(client))) return *answer;
    if (payments_->IsBank(client)) {
      return Refuse(403, "payment.forbidden", "a bank certificate may only use /v1/bank/");
    }
  }
  const std::string path = request.target.substr(0, request.target.find('?'));
  if (request.method == "POST" && path == "/v1/dossiers") return Submit(request, client);
  if (request.method == "POST" && path == "/v1/ratings") return Rate(request);
  const std::string prefix = "/v1/dossiers/";
  if (request.method == "GET" && path.rfind(prefix, 0) == 0) {
    return Lookup(path.substr(prefix.size()), QueryField(request.target, "secret"));
  }
  return Refuse(404, "not_found", "no such endpoint");
}

HttpResponse Intake::Submit(const HttpRequest& request, const core::Certificate& client) {
  auto body = dossier::ParseUploadBody(request.body);
  if (!body) return Unprocessable(body.GetError());
  auto key = client.SubjectPublicKey();
  if (!key) return Refuse(403, "device.bad_certificate", "unusable device certificate");
  auto jws = core::VerifyJwsEs256(body->manifest_jws, *key);
  if (!jws) return Unprocessable(jws.GetError());
  const std::string manifest_json(core::AsChars(jws->payload));
  auto manifest = dossier::ParseManifest(manifest_json);
  if (!manifest) return Unprocessable(manifest.GetError());
  const std::string kiosk = CommonName(client);
  if (manifest->kiosk_id != kiosk) {
    return Refuse(403, "device.mismatch", "the manifest names another kiosk than the certificate");
  }
  if (manifest->attachments.size() != body->attachments.size()) {
    return Refuse(422, "attachment.missing", "attachment count differs from the manifest");
  }
  for (std::size_t i = 0; i < body->attachments.size(); ++i) {
    const auto& declared = manifest->attachments[i];
    const auto& bytes = body->attachments[i];
    auto digest = core::Digest(core::HashAlg::kSha256, core::AsBytes(bytes));
    if (bytes.size() != declared.size || !digest || core::HexEncode(*digest) != declared.sha256) {
      return Refuse(422, "attachment.hash_mismatch",
                    declared.name + " does not match its size and SHA-256 in the manifest");
    }
  }
  const auto days = config_.procedure_days.find(manifest->procedure_code);
  if (days == config_.procedure_days.end()) {
    return Refuse(422, "procedure.unknown", "unknown procedure " + manifest->procedure_code);
  }

  // Local (Vietnam) day of receipt: the code's date and the count's start.
  const auto local = clock_.Now() + std::chrono::hours(config_.utc_offset_hours);
  const Day today{std::chrono::floor<std::chrono::days>(local)};
  AdmitRequest admit;
  admit.dossier_id = manifest->id.ToString();
  admit.kiosk_id = kiosk;
  admit.procedure_code = manifest->procedure_code;
  admit.agency = manifest->receiving_agency;
  admit.received_day = today;
  admit.received_at = core::FormatRfc3339(clock_.Now());
  admit.appointment = FormatDay(AddWorkingDays(today, days->second, config_.holidays));
  admit.manifest_json = manifest_json;
  {
    static constexpr char kAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    std::lock_guard lock(random_mutex_);
    auto bytes = core::RandomBytes(random_, 4);
    if (!bytes) return Refuse(503, "gateway.rng", "try again");
    for (auto b : *bytes) admit.lookup_secret += kAlphabet[b % 32];
  }
  // Attachments first, durably: a retry after a crash rewrites the same files.
  const auto dir = config_.attachments_dir / admit.dossier_id;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  for (std::size_t i = 0; i < body->attachments.size(); ++i) {
    auto written = WriteDurably(dir / manifest->attachments[i].name, body->attachments[i]);
    if (!written) return Refuse(503, written.GetError().Code(), "storage unavailable, retry");
  }
  bool created = false;
  auto stored = store_.Admit(admit, created);
  if (!stored) return Refuse(503, stored.GetError().Code(), "storage unavailable, retry");
  core::log::Info("gateway.dossier", {{"dossier", stored->dossier_id},
                                      {"code", stored->code},
                                      {"kiosk", kiosk},
                                      {"new", created}});
  return Json(created ? 201 : 200, {{"dossier_code", stored->code},
                                    {"appointment_date", stored->appointment},
                                    {"lookup_secret", stored->lookup_secret},
                                    {"received_at", stored->received_at}});
}

HttpResponse Intake::Lookup(const std::string& code, const std::string& secret) {
  auto found = store_.FindByCode(code);
  if (!found) return Refuse(503, found.GetError().Code(), "storage unavailable");
  // The same answer for an unknown code and a wrong secret.
  if (!*found || (*found)->lookup_secret != secret) {
    return Refuse(404, "dossier.not_found", "no dossier with this code and secret");
  }
  const auto& d = **found;
  return Json(200, {{"dossier_code", d.code},
                    {"status", d.status},
                    {"received_at", d.received_at},
                    {"appointment_date", d.appointment},
                    {"procedure_code", d.procedure_code}});
}

HttpResponse Intake::Rate(const HttpRequest& request) {
  const json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("code") ||
      !body.contains("secret") || !body.contains("score") || !body["code"].is_string() ||
      !body["secret"].is_string() || !body["score"].is_number_integer()) {
    return Refuse(400, "rating.malformed", "expected {code, secret, score}");
  }
  const int score = body["score"].get<int>();
  if (score < 1 || score > 5) return Refuse(400, "rating.malformed", "score is 1 to 5");
  auto found = store_.FindByCode(body["code"].get<std::string>());
  if (!found || !*found || (*found)->lookup_secret != body["secret"].get<std::string>()) {
    return Refuse(404, "dossier.not_found", "no dossier with this code and secret");
  }
  auto added = store_.AddRating((*found)->code, score, core::FormatRfc3339(clock_.Now()));
  if (!added) return Refuse(503, added.GetError().Code(), "storage unavailable");
  return Json(201, {{"dossier_code", (*found)->code}, {"score", score}});
}

}  // namespace kiosk::gateway
