#include "kiosk/gateway/intake.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "form.h"
#include "kiosk/core/encoding.h"
#include "kiosk/core/files.h"
#include "kiosk/core/hash.h"
#include "kiosk/core/jws.h"
#include "kiosk/core/log.h"
#include "kiosk/core/secret.h"
#include "kiosk/dossier/manifest.h"
#include "kiosk/dossier/sealing_key.h"
#include "kiosk/dossier/upload.h"
#include "responses.h"

namespace kiosk::gateway {

using core::HttpRequest;
using core::HttpResponse;
using nlohmann::json;

std::string CommonName(const core::Certificate& cert) {
  const std::string subject = cert.Subject();
  const auto at = subject.find("CN=");
  if (at == std::string::npos) return "";
  const auto end = subject.find(',', at);
  return subject.substr(at + 3, end == std::string::npos ? std::string::npos : end - at - 3);
}

Intake::Intake(DossierStore& store, IntakeConfig config, const core::Clock& clock,
               core::RandomSource& random)
    : store_(store),
      config_(std::move(config)),
      clock_(clock),
      random_(random),
      per_kiosk_(clock, config_.lookup_burst_per_kiosk, config_.lookup_interval_per_kiosk),
      per_code_(clock, config_.lookup_burst_per_code, config_.lookup_interval_per_code) {}

HttpResponse Intake::Handle(const HttpRequest& request, const core::Certificate& client) {
  if (payments_ != nullptr) {
    if (auto answer = payments_->Handle(request, client, CommonName(client))) return *answer;
    if (payments_->IsBank(client)) {
      return Refuse(403, "payment.forbidden", "a bank certificate may only use /v1/bank/");
    }
  }
  const std::string path = request.target.substr(0, request.target.find('?'));
  if (request.method == "POST" && path == "/v1/dossiers") return Submit(request, client);
  if (request.method == "POST" && path == "/v1/ratings") return Rate(request, CommonName(client));
  const std::string prefix = "/v1/dossiers/";
  if (request.method == "PUT" && path.rfind(prefix, 0) == 0 && path.ends_with("/rating")) {
    return RateAtKiosk(request, path.substr(prefix.size(), path.size() - prefix.size() - 7),
                       CommonName(client));
  }
  if (request.method == "GET" && path.rfind(prefix, 0) == 0) {
    return Lookup(path.substr(prefix.size()), QueryField(request.target, "secret"),
                  CommonName(client));
  }
  return Refuse(404, "not_found", "no such endpoint");
}

namespace {

// The attachments of one dossier as they stream in: each written to a
// ".part" file while hashed, checked against the manifest, and renamed into
// place only once the whole body is good. Leftover parts go with it.
class AttachmentSink {
 public:
  // `write` false: a dossier already admitted, sent again after a lost
  // acknowledgement. Its attachments are checked, not written twice (a full
  // disk must not refuse what is already safe).
  AttachmentSink(std::filesystem::path dir, bool write) : dir_(std::move(dir)), write_(write) {}
  ~AttachmentSink() {
    if (fd_ >= 0) ::close(fd_);
    std::error_code ec;
    for (const auto& p : parts_) std::filesystem::remove(p, ec);
  }

  core::Status Begin(const dossier::Attachment& declared, std::uint64_t size) {
    if (size != declared.size) {
      return core::Error::NeedsPerson("attachment.hash_mismatch",
                                      declared.name + " does not match its size in the manifest");
    }
    declared_ = &declared;
    KIOSK_ASSIGN_OR_RETURN(hasher_, core::Hasher::Create(core::HashAlg::kSha256));
    if (!write_) return core::Ok();
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    wrote_ = true;
    // Named for this process and request: two replicas sharing the
    // directory (or two requests) may both receive a dossier a kiosk sent
    // again; each writes its own part.
    static std::atomic<unsigned> uploads{0};
    parts_.push_back(dir_ / (declared.name + "." + std::to_string(::getpid()) + "-" +
                             std::to_string(uploads++) + ".part"));
    fd_ = ::open(parts_.back().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd_ < 0) return core::Error::Retryable("io.error", "cannot create " + declared.name);
    return core::Ok();
  }

  core::Status Piece(core::ByteView piece) {
    KIOSK_TRY(hasher_->Update(piece));
    while (write_ && !piece.empty()) {
      const ssize_t n = ::write(fd_, piece.data(), piece.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return core::Error::Retryable("io.error", "cannot write " + declared_->name);
      piece = piece.subspan(static_cast<std::size_t>(n));
    }
    return core::Ok();
  }

  core::Status End() {
    KIOSK_ASSIGN_OR_RETURN(const auto digest, hasher_->Finish());
    hasher_.reset();
    const bool synced = !write_ || ::fsync(fd_) == 0;
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    if (core::HexEncode(digest) != declared_->sha256) {
      return core::Error::NeedsPerson(
          "attachment.hash_mismatch",
          declared_->name + " does not match its SHA-256 in the manifest");
    }
    if (!synced) return core::Error::Retryable("io.error", "cannot sync " + declared_->name);
    return core::Ok();
  }

  // Every part into place, then the directory (and its parent's entry for
  // it) synced: after this returns, a power cut keeps the attachments.
  core::Status Commit() {
    // Sent before, or a dossier without papers: nothing was written.
    if (!write_ || !wrote_) return core::Ok();
    for (const auto& part : parts_) {
      const auto final_name = part.parent_path() / part.stem().stem();
      if (::rename(part.c_str(), final_name.c_str()) != 0) {
        return core::Error::Retryable("io.error", "cannot rename " + part.filename().string());
      }
    }
    parts_.clear();
    KIOSK_TRY(core::SyncDirectory(dir_));
    return core::SyncDirectory(dir_.parent_path());
  }

 private:
  std::filesystem::path dir_;
  std::vector<std::filesystem::path> parts_;
  const dossier::Attachment* declared_ = nullptr;
  std::optional<core::Hasher> hasher_;
  int fd_ = -1;
  bool write_;
  bool wrote_ = false;
};

// The body as it arrived: in memory, or spooled to a file by the server.
core::Expected<dossier::UploadSource> SourceOf(const HttpRequest& request,
                                               std::shared_ptr<int>& file) {
  if (request.body_file.empty()) return dossier::UploadSourceOf(request.body);
  const int fd = ::open(request.body_file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return core::Error::Retryable("io.error", "the spooled body is gone");
  file = std::shared_ptr<int>(new int(fd), [](int* p) {
    ::close(*p);
    delete p;
  });
  return dossier::UploadSource([fd](std::span<std::uint8_t> out) -> core::Expected<std::size_t> {
    while (true) {
      const ssize_t n = ::read(fd, out.data(), out.size());
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno != EINTR) return core::Error::Retryable("io.error", "cannot read the spooled body");
    }
  });
}

}  // namespace

HttpResponse Intake::Submit(const HttpRequest& request, const core::Certificate& client) {
  auto key = client.SubjectPublicKey();
  if (!key) return Refuse(403, "device.bad_certificate", "unusable device certificate");
  const std::string kiosk = CommonName(client);
  // Manifests are signed by kiosk-app's sealing key when the device key vouches
  // for it (dossier/sealing_key.h), else by the device key itself. A statement
  // that does not check is the kiosk's configuration, not the dossier's fault:
  // 401, and the kiosk keeps the dossier to send again.
  if (const std::string statement = request.Header(dossier::kSealingKeyHeader);
      !statement.empty()) {
    auto sealing = dossier::VerifySealingStatement(statement, *key, kiosk);
    if (!sealing) return Refuse(401, sealing.GetError().Code(), sealing.GetError().Message());
    key = std::move(sealing);
  }
  std::shared_ptr<int> spooled;
  auto source = SourceOf(request, spooled);
  if (!source) return Refuse(503, source.GetError().Code(), "storage unavailable, retry");

  // The manifest is checked before a byte of any attachment is read. A
  // permanently bad dossier is a 422: the kiosk must not send it again.
  int refusal_status = 422;
  std::string manifest_json;
  std::optional<dossier::Dossier> manifest;
  std::optional<AttachmentSink> sink;
  std::map<std::string, catalog::TimeLimit>::const_iterator limit;
  dossier::UploadVisitor visitor;
  visitor.manifest = [&](std::string jws_text, std::uint32_t count) -> core::Status {
    KIOSK_ASSIGN_OR_RETURN(auto jws, core::VerifyJwsEs256(jws_text, *key));
    manifest_json = std::string(core::AsChars(jws.payload));
    KIOSK_ASSIGN_OR_RETURN(manifest, dossier::ParseManifest(manifest_json));
    if (manifest->kiosk_id != kiosk) {
      refusal_status = 403;
      return core::Error::NeedsPerson("device.mismatch",
                                      "the manifest names another kiosk than the certificate");
    }
    if (manifest->attachments.size() != count) {
      return core::Error::NeedsPerson("attachment.missing",
                                      "attachment count differs from the manifest");
    }
    limit = config_.time_limits.find(manifest->procedure_code);
    if (limit == config_.time_limits.end()) {
      return core::Error::NeedsPerson("procedure.unknown",
                                      "unknown procedure " + manifest->procedure_code);
    }
    KIOSK_ASSIGN_OR_RETURN(const auto known, store_.FindById(manifest->id.ToString()));
    sink.emplace(config_.attachments_dir / manifest->id.ToString(), !known.has_value());
    return core::Ok();
  };
  visitor.begin_attachment = [&](std::uint32_t i, std::uint64_t size) {
    return sink->Begin(manifest->attachments[i], size);
  };
  visitor.piece = [&](core::ByteView piece) { return sink->Piece(piece); };
  visitor.end_attachment = [&] { return sink->End(); };
  if (auto read = dossier::ReadUploadBody(*source, visitor); !read) {
    const auto& e = read.GetError();
    if (e.Class() == core::ErrorClass::kRetryable) {
      return Refuse(503, e.Code(), "storage unavailable, retry");
    }
    return Refuse(refusal_status, e.Code(), e.Message());
  }

  // Local (Vietnam) time of receipt: the code's date and the count's start.
  const catalog::LocalTime received = catalog::LocalTimeOf(clock_.Now(), config_.utc_offset_hours);
  const Day today = received.day;
  AdmitRequest admit;
  admit.dossier_id = manifest->id.ToString();
  admit.kiosk_id = kiosk;
  admit.procedure_code = manifest->procedure_code;
  admit.agency = manifest->receiving_agency;
  admit.received_day = today;
  admit.received_at = core::FormatRfc3339(clock_.Now());
  admit.appointment = catalog::FormatLocalTime(catalog::DueAt(limit->second, received, calendar_));
  admit.manifest_json = manifest_json;
  {
    // 16 symbols of 32: 80 bits, carried whole in the receipt's QR code;
    // the receipt prints the first four to read aloud (kShortSecret).
    static constexpr char kAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    std::lock_guard lock(random_mutex_);
    auto bytes = core::RandomBytes(random_, kLookupSecretLength);
    if (!bytes) return Refuse(503, "gateway.rng", "try again");
    for (auto b : *bytes) admit.lookup_secret += kAlphabet[b % 32];
  }
  // Attachments durably in place (a retry after a crash rewrites the same
  // files) before the dossier is admitted and acknowledged.
  if (sink) {
    if (auto committed = sink->Commit(); !committed) {
      return Refuse(503, committed.GetError().Code(), "storage unavailable, retry");
    }
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

// The look-up rules, shared by status and rating: the kiosk's and the code's
// rate, the dossier of the kiosk's own commune, and its secret (whole, or the
// printed short form) compared in constant time. The same 404 for an unknown
// code, another commune's dossier and a wrong secret.
core::Expected<StoredDossier> Intake::Authorized(const std::string& code, const std::string& secret,
                                                 const std::string& kiosk) {
  auto limited = [](const std::string& what) {
    return core::Error::NeedsPerson("lookup.rate_limited", "too many look-ups " + what);
  };
  if (!per_kiosk_.Allow(kiosk)) return limited("from this kiosk");
  if (!per_code_.Allow(code)) return limited("of this dossier");
  const auto not_found = [] {
    return core::Error::NeedsPerson("dossier.not_found", "no dossier with this code and secret");
  };
  KIOSK_ASSIGN_OR_RETURN(auto found, store_.FindByCode(code));
  if (!found) return not_found();
  if (commune_of_) {
    const auto mine = commune_of_(kiosk);
    if (!mine || mine != commune_of_(found->kiosk_id)) return not_found();
  }
  const std::string& full = found->lookup_secret;
  const bool whole = secret.size() == full.size();
  const bool short_form = secret.size() == kShortSecret && full.size() > kShortSecret;
  const std::string_view expected =
      short_form ? std::string_view(full).substr(0, kShortSecret) : std::string_view(full);
  if ((!whole && !short_form) ||
      !core::ConstantTimeEquals(core::AsBytes(secret), core::AsBytes(expected))) {
    return not_found();
  }
  return std::move(*found);
}

namespace {
HttpResponse RefuseLookup(const core::Error& e) {
  if (e.Code() == "lookup.rate_limited") {
    auto r = Refuse(429, e.Code(), e.Message());
    r.headers.emplace_back("Retry-After", "60");
    return r;
  }
  if (e.Code() == "dossier.not_found") return Refuse(404, e.Code(), e.Message());
  return Refuse(503, e.Code(), "storage unavailable");
}
}  // namespace

HttpResponse Intake::Lookup(const std::string& code, const std::string& secret,
                            const std::string& kiosk) {
  auto found = Authorized(code, secret, kiosk);
  if (!found) return RefuseLookup(found.GetError());
  const auto& d = *found;
  return Json(200, {{"dossier_code", d.code},
                    {"status", d.status},
                    {"received_at", d.received_at},
                    {"appointment_date", d.appointment},
                    {"procedure_code", d.procedure_code}});
}

HttpResponse Intake::Rate(const HttpRequest& request, const std::string& kiosk) {
  const json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("code") ||
      !body.contains("secret") || !body.contains("score") || !body["code"].is_string() ||
      !body["secret"].is_string() || !body["score"].is_number_integer()) {
    return Refuse(400, "rating.malformed", "expected {code, secret, score}");
  }
  const int score = body["score"].get<int>();
  if (score < 1 || score > 5) return Refuse(400, "rating.malformed", "score is 1 to 5");
  auto found =
      Authorized(body["code"].get<std::string>(), body["secret"].get<std::string>(), kiosk);
  if (!found) return RefuseLookup(found.GetError());
  auto added = store_.AddRating(found->code, score, core::FormatRfc3339(clock_.Now()));
  if (!added) return Refuse(503, added.GetError().Code(), "storage unavailable");
  if (!*added) return Refuse(409, "rating.already", "this dossier has been rated");
  return Json(201, {{"dossier_code", found->code}, {"score", score}});
}

// PUT /v1/dossiers/{dossier id}/rating {"score": 1..3, "rated_at"}: only the
// kiosk that submitted the dossier rates it, once; 404 while the dossier has
// not arrived (the kiosk sends it again later), 200 when rated already.
HttpResponse Intake::RateAtKiosk(const HttpRequest& request, const std::string& dossier_id,
                                 const std::string& kiosk) {
  const json body = json::parse(request.body, nullptr, false);
  if (!body.is_object() || !body.contains("score") || !body["score"].is_number_integer() ||
      !body.contains("rated_at") || !body["rated_at"].is_string()) {
    return Refuse(400, "rating.malformed", "expected {score, rated_at}");
  }
  const auto score = body["score"].get<std::int64_t>();
  if (score < 1 || score > 3) return Refuse(400, "rating.malformed", "score is 1 to 3");
  // Counted when it was given (a kiosk offline for a while sends it late),
  // if that is within the last 30 days and not ahead of the gateway's clock.
  std::string at = core::FormatRfc3339(clock_.Now());
  const std::string oldest = core::FormatRfc3339(clock_.Now() - std::chrono::days(30));
  const std::string given = body["rated_at"].get<std::string>();
  if (given.size() == at.size() && given.back() == 'Z' && given >= oldest && given <= at) {
    at = given;
  }
  auto found = store_.FindById(dossier_id);
  if (!found) return Refuse(503, found.GetError().Code(), "storage unavailable");
  if (!*found || (*found)->kiosk_id != kiosk) {
    return Refuse(404, "dossier.not_found", "no such dossier from this kiosk (yet)");
  }
  auto added = store_.AddRating((*found)->code, static_cast<int>(score), at);
  if (!added) return Refuse(503, added.GetError().Code(), "storage unavailable");
  return Json(*added ? 201 : 200, {{"dossier_code", (*found)->code}, {"score", score}});
}

}  // namespace kiosk::gateway
