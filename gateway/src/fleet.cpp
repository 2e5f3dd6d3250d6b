#include "kiosk/gateway/fleet.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <span>

#include "kiosk/core/csr.h"
#include "kiosk/core/device_config.h"
#include "kiosk/core/encoding.h"
#include "kiosk/core/hash.h"
#include "kiosk/core/jws.h"
#include "kiosk/core/log.h"
#include "kiosk/core/text.h"
#include "kiosk/gateway/intake.h"
#include "responses.h"

namespace kiosk::gateway {

using core::Error;
using core::Expected;
using core::HttpRequest;
using core::HttpResponse;
using nlohmann::json;
namespace klog = core::log;

std::string Sha256Hex(std::string_view text) {
  auto digest = core::Digest(core::HashAlg::kSha256, core::AsBytes(text));
  return digest ? core::HexEncode(*digest) : std::string();
}

namespace {

// ---- The heartbeat schema ----

// Codes, versions and states: short identifiers, never free text.
bool IsCode(const json& v) { return v.is_string() && core::IsCode(v.get<std::string>(), 64); }

constexpr std::string_view kPeripheralNames[] = {"card_reader",      "scanner", "printer",
                                                 "payment_terminal", "display", "tamper"};
constexpr std::string_view kPeripheralStates[] = {
    "ok",        "absent",         "unknown",    "error", "offline", "unreachable",
    "paper_out", "paper_near_end", "cover_open", "open",  "closed",  "disabled"};
constexpr std::string_view kCounterNames[] = {
    "journeys_started",  "journeys_completed", "journeys_abandoned",
    "card_reads_ok",     "card_reads_failed",  "payments_ok",
    "payments_declined", "help_calls",         "assisted_sessions"};
constexpr std::string_view kHeartbeatKeys[] = {
    "kiosk_id", "sequence",      "versions", "uptime_s", "peripherals", "outbox",
    "disk",     "temperature_c", "errors",   "counters", "maintenance"};
// "compatible" is the system's board, as RAUC names it: which bundles fit.
constexpr std::string_view kVersionKeys[] = {"agent", "app", "os", "slot", "compatible"};
constexpr std::string_view kOutboxKeys[] = {"depth", "oldest_age_s", "quarantined"};
constexpr std::string_view kDiskKeys[] = {"free_mb", "total_mb"};

bool Contains(std::span<const std::string_view> list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

Error Bad(const std::string& why) { return Error::NeedsPerson("heartbeat.invalid", why); }

Expected<std::int64_t> Count(const json& object, const char* key, std::int64_t max) {
  const auto it = object.find(key);
  if (it == object.end()) return std::int64_t{0};
  if (!it->is_number_integer() || it->get<std::int64_t>() < 0 || it->get<std::int64_t>() > max) {
    return Bad(std::string(key) + " must be a whole number from 0 to " + std::to_string(max));
  }
  return it->get<std::int64_t>();
}

// Every key of `object` must be in `allowed`.
core::Status OnlyKeys(const json& object, std::span<const std::string_view> allowed,
                      const std::string& where) {
  if (!object.is_object()) return Bad(where + " must be an object");
  for (const auto& [key, value] : object.items()) {
    if (!Contains(allowed, key)) return Bad(where + ": unknown key " + key.substr(0, 40));
  }
  return core::Ok();
}

}  // namespace

Expected<std::string> CheckHeartbeat(std::string_view body, const std::string& kiosk_id) {
  const json in = json::parse(body, nullptr, false);
  KIOSK_TRY(OnlyKeys(in, kHeartbeatKeys, "heartbeat"));
  if (!in.contains("kiosk_id") || in["kiosk_id"] != kiosk_id) {
    return Bad("kiosk_id differs from the certificate's");
  }
  json out = {{"kiosk_id", kiosk_id}};
  constexpr std::int64_t kHuge = 1'000'000'000'000;
  KIOSK_ASSIGN_OR_RETURN(out["sequence"], Count(in, "sequence", kHuge));
  KIOSK_ASSIGN_OR_RETURN(out["uptime_s"], Count(in, "uptime_s", kHuge));
  out["versions"] = json::object();
  if (in.contains("versions")) {
    KIOSK_TRY(OnlyKeys(in["versions"], kVersionKeys, "versions"));
    for (const auto& [k, v] : in["versions"].items()) {
      if (!IsCode(v)) return Bad("versions." + k + " must be a version code");
      out["versions"][k] = v;
    }
  }
  out["peripherals"] = json::object();
  if (in.contains("peripherals")) {
    KIOSK_TRY(OnlyKeys(in["peripherals"], kPeripheralNames, "peripherals"));
    for (const auto& [k, v] : in["peripherals"].items()) {
      if (!v.is_string() || !Contains(kPeripheralStates, v.get<std::string>())) {
        return Bad("peripherals." + k + " is not a known state");
      }
      out["peripherals"][k] = v;
    }
  }
  // Numbers: every key present in the canonical form, 0 when not sent.
  const json none = json::object();
  const json& outbox = in.contains("outbox") ? in["outbox"] : none;
  KIOSK_TRY(OnlyKeys(outbox, kOutboxKeys, "outbox"));
  for (const char* k : {"depth", "oldest_age_s", "quarantined"}) {
    KIOSK_ASSIGN_OR_RETURN(out["outbox"][k], Count(outbox, k, kHuge));
  }
  const json& disk = in.contains("disk") ? in["disk"] : none;
  KIOSK_TRY(OnlyKeys(disk, kDiskKeys, "disk"));
  for (const char* k : {"free_mb", "total_mb"}) {
    KIOSK_ASSIGN_OR_RETURN(out["disk"][k], Count(disk, k, kHuge));
  }
  out["temperature_c"] = nullptr;
  if (in.contains("temperature_c") && !in["temperature_c"].is_null()) {
    const auto& t = in["temperature_c"];
    if (!t.is_number() || t.get<double>() < -60 || t.get<double>() > 200) {
      return Bad("temperature_c must be a number of degrees");
    }
    out["temperature_c"] = std::round(t.get<double>() * 10) / 10;
  }
  out["errors"] = json::array();
  if (in.contains("errors")) {
    const auto& errors = in["errors"];
    if (!errors.is_array() || errors.size() > 32) return Bad("errors must be up to 32 codes");
    for (const auto& e : errors) {
      if (!IsCode(e)) return Bad("errors must be error codes");
      out["errors"].push_back(e);
    }
  }
  const json& counters = in.contains("counters") ? in["counters"] : none;
  KIOSK_TRY(OnlyKeys(counters, kCounterNames, "counters"));
  for (const auto name : kCounterNames) {
    const std::string key(name);
    KIOSK_ASSIGN_OR_RETURN(out["counters"][key], Count(counters, key.c_str(), kHuge));
  }
  out["maintenance"] = false;
  if (in.contains("maintenance")) {
    if (!in["maintenance"].is_boolean()) return Bad("maintenance must be true or false");
    out["maintenance"] = in["maintenance"];
  }
  return out.dump();
}

FleetDesk::FleetDesk(FleetStores& stores, FleetConfig config, core::Certificate device_ca,
                     const core::PrivateKey& device_ca_key, const core::PrivateKey& config_key,
                     const core::Clock& clock, core::RandomSource& random)
    : stores_(stores),
      config_(config),
      device_ca_(std::move(device_ca)),
      device_ca_key_(device_ca_key),
      config_key_(config_key),
      clock_(clock),
      random_(random) {}

std::int64_t FleetDesk::NowMs() const { return core::UnixMillis(clock_.Now()); }

Expected<std::string> FleetDesk::CreateToken(const std::string& commune, const std::string& agency,
                                             int ttl_s, const std::string& issued_by,
                                             const std::string& kiosk_id) {
  if (!core::IsCode(commune, 32, ".-") || !core::IsCode(agency, 32, ".-")) {
    return Error::NeedsPerson("enroll.bad_grant", "commune and agency must be codes");
  }
  if (!kiosk_id.empty() && !core::IsValidKioskId(kiosk_id)) {
    return Error::NeedsPerson("enroll.bad_kiosk_id", "the kiosk id must be [A-Z0-9-]");
  }
  if (!kiosk_id.empty()) {
    KIOSK_ASSIGN_OR_RETURN(auto device, stores_.devices->FindDevice(kiosk_id));
    if (device) {
      return Error::NeedsPerson("enroll.kiosk_exists",
                                "kiosk " + kiosk_id + " is enrolled: issue a re-enroll token");
    }
  }
  return NewToken({commune, agency, issued_by, kiosk_id, false}, ttl_s);
}

Expected<std::string> FleetDesk::CreateReenrollToken(const std::string& kiosk_id, int ttl_s,
                                                     const std::string& issued_by) {
  KIOSK_ASSIGN_OR_RETURN(auto device, stores_.devices->FindDevice(kiosk_id));
  if (!device) {
    return Error::NeedsPerson("enroll.not_enrolled", "no enrolled kiosk " + kiosk_id);
  }
  // The kiosk stays in its commune: moving it is a new enrollment.
  return NewToken({device->commune, device->agency, issued_by, kiosk_id, true}, ttl_s);
}

Expected<std::string> FleetDesk::NewToken(const TokenGrant& grant, int ttl_s) {
  if (ttl_s < 60 || ttl_s > 30 * 86400) {
    return Error::NeedsPerson("enroll.bad_ttl", "a token lives from a minute to 30 days");
  }
  // Crockford's base32 without I, L, O, U: 16 symbols, 80 bits.
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  core::Bytes bytes;
  {
    std::lock_guard lock(random_mutex_);
    KIOSK_ASSIGN_OR_RETURN(bytes, core::RandomBytes(random_, 16));
  }
  std::string token;
  for (std::size_t i = 0; i < 16; ++i) {
    if (i > 0 && i % 4 == 0) token += '-';
    token += kAlphabet[bytes[i] % 32];
  }
  KIOSK_TRY(
      stores_.devices->AddToken(Sha256Hex(token), grant, NowMs() + std::int64_t{ttl_s} * 1000));
  klog::Info("fleet.token_created", {{"commune", grant.commune},
                                     {"kiosk", grant.kiosk_id},
                                     {"reenroll", grant.reenroll},
                                     {"by", grant.issued_by},
                                     {"ttl_s", ttl_s}});
  return token;
}

std::optional<HttpResponse> FleetDesk::HandleEnrollment(const HttpRequest& request) {
  if (request.target == "/.well-known/est/simpleenroll") {
    if (request.method != "POST") return Refuse(405, "http.method", "POST a CSR");
    return Enroll(request);
  }
  if (request.method != "GET") return std::nullopt;
  if (request.target == "/.well-known/est/cacerts") {
    return HttpResponse{
        200, {{"Content-Type", "application/pem-certificate-chain"}}, core::ToPem(device_ca_)};
  }
  if (request.target == "/.well-known/kiosk/config-signer.pem") {
    auto pub = config_key_.Public();
    auto pem = pub ? pub->ToPem() : Expected<std::string>(pub.GetError());
    if (!pem) return Refuse(500, "fleet.internal", "no config signer");
    return HttpResponse{200, {{"Content-Type", "application/x-pem-file"}}, *pem};
  }
  return std::nullopt;
}

namespace {
// "Basic base64(kiosk_id:token)" -> {kiosk_id, token}
std::optional<std::pair<std::string, std::string>> BasicCredentials(const std::string& header) {
  if (header.rfind("Basic ", 0) != 0) return std::nullopt;
  auto decoded = core::Base64Decode(header.substr(6));
  if (!decoded) return std::nullopt;
  const std::string text(decoded->begin(), decoded->end());
  const auto colon = text.find(':');
  if (colon == std::string::npos) return std::nullopt;
  return std::make_pair(text.substr(0, colon), text.substr(colon + 1));
}

HttpResponse Unauthorized(const std::string& code, const std::string& message) {
  auto response = Refuse(401, code, message);
  response.headers.emplace_back("WWW-Authenticate", "Basic realm=\"kiosk enrollment\"");
  return response;
}
}  // namespace

HttpResponse FleetDesk::Enroll(const HttpRequest& request) {
  auto refused = [&](HttpResponse r) {
    ++enrollments_refused_;
    return r;
  };
  const auto credentials = BasicCredentials(request.Header("Authorization"));
  if (!credentials) {
    return refused(Unauthorized("enroll.no_token", "send the kiosk id and token as Basic auth"));
  }
  const auto& [kiosk_id, token] = *credentials;
  const std::string commune = request.Header("X-Kiosk-Commune");
  if (!core::IsValidKioskId(kiosk_id)) {
    return refused(Refuse(400, "enroll.bad_kiosk_id", "the kiosk id must be [A-Z0-9-]"));
  }
  auto der = core::Base64Decode(request.body);
  if (!der) return refused(Refuse(400, "csr.invalid", "the body must be a base64 PKCS#10 CSR"));
  auto csr = core::ParseCsr(*der);
  if (!csr) return refused(Refuse(400, csr.GetError().Code(), csr.GetError().Message()));
  if (csr->common_name != kiosk_id) {
    return refused(Refuse(400, "csr.wrong_name", "the CSR's CN must be the kiosk id"));
  }
  // The token is spent only by a well-formed request.
  auto grant = stores_.devices->ConsumeToken(Sha256Hex(token), kiosk_id, NowMs());
  if (!grant) {
    const std::string& code = grant.GetError().Code();
    klog::Warn("fleet.enroll_refused", {{"kiosk", kiosk_id}, {"code", code}});
    if (code == "enroll.wrong_kiosk") return refused(Refuse(403, code, grant.GetError().Message()));
    if (code == "enroll.kiosk_exists" || code == "enroll.not_enrolled") {
      return refused(Refuse(409, code, grant.GetError().Message()));
    }
    if (code.rfind("enroll.", 0) == 0) {
      return refused(Unauthorized(code, grant.GetError().Message()));
    }
    return refused(Refuse(503, "fleet.store", "try again"));
  }
  if (grant->commune != commune) {
    klog::Warn("fleet.enroll_refused", {{"kiosk", kiosk_id}, {"code", "enroll.wrong_commune"}});
    return refused(Refuse(403, "enroll.wrong_commune",
                          "this token was issued for another commune; it is now spent"));
  }
  core::CertificateSpec spec;
  spec.subject = "C=VN,O=" + grant->agency + ",OU=" + grant->commune + ",CN=" + kiosk_id;
  spec.issuer = device_ca_.Subject();
  spec.not_before = clock_.Now() - std::chrono::minutes(5);
  spec.not_after = clock_.Now() + std::chrono::hours(24) * config_.certificate_days;
  spec.key_usage = core::kKeyUsageDigitalSignature;
  Expected<core::Certificate> cert = Error::Fatal("fleet.internal", "not issued");
  {
    std::lock_guard lock(random_mutex_);
    auto serial = core::RandomBytes(random_, 16);
    if (!serial) return Refuse(500, "fleet.internal", "no randomness");
    spec.serial = *serial;
    spec.serial[0] &= 0x7f;  // positive
    spec.serial[0] |= 0x01;  // and without a leading zero byte
    cert = core::IssueCertificate(spec, csr->key, device_ca_key_, random_);
  }
  if (!cert) return Refuse(500, "fleet.internal", cert.GetError().Message());
  DeviceRecord device{kiosk_id,          grant->commune, grant->agency,
                      cert->SerialHex(), "active",       NowMs()};
  if (auto registered = stores_.devices->RegisterDevice(device); !registered) {
    return Refuse(503, "fleet.store", registered.GetError().Message());
  }
  ++enrollments_;
  if (grant->reenroll) {
    // The old certificate is revoked: the operator must see that it happened.
    (void)stores_.events->AddEvent(
        {NowMs(), "reenrolled", kiosk_id,
         "new certificate " + device.serial + ", token by " + grant->issued_by});
  }
  klog::Info("fleet.enrolled",
             {{"kiosk", kiosk_id}, {"commune", grant->commune}, {"serial", device.serial}});
  return HttpResponse{200,
                      {{"Content-Type", "application/pem-certificate-chain"},
                       {"X-Kiosk-Agency", grant->agency},
                       {"X-Kiosk-Commune", grant->commune}},
                      core::ToPem(*cert) + core::ToPem(device_ca_)};
}

Expected<bool> FleetDesk::Revoke(const std::string& kiosk_id) {
  KIOSK_ASSIGN_OR_RETURN(const bool known, stores_.devices->RevokeDevice(kiosk_id, NowMs()));
  if (known) klog::Info("fleet.revoked", {{"kiosk", kiosk_id}});
  return known;
}

std::optional<HttpResponse> FleetDesk::HandleDevice(const HttpRequest& request,
                                                    const core::Certificate& client,
                                                    const DeviceRecord* known) {
  const std::string& t = request.target;
  const bool ours = t == "/v1/heartbeat" || t.rfind("/v1/commands/", 0) == 0 ||
                    t == "/v1/devices/self/decommission";
  if (!ours) return std::nullopt;
  if (request.method != "POST") return Refuse(405, "http.method", "POST only");
  const std::string kiosk_id = CommonName(client);
  std::optional<DeviceRecord> read;
  if (known == nullptr || known->kiosk_id != kiosk_id) {
    auto device = stores_.devices->FindDevice(kiosk_id);
    if (!device) return Refuse(503, "fleet.store", "try again");
    read = std::move(*device);
    known = read ? &*read : nullptr;
  }
  if (known == nullptr || known->state != "active") {
    return Refuse(403, "fleet.not_enrolled", "this kiosk is not enrolled");
  }
  if (t == "/v1/heartbeat") return Heartbeat(request, *known);
  if (t == "/v1/devices/self/decommission") {
    auto revoked = Revoke(kiosk_id);
    if (!revoked) return Refuse(503, "fleet.store", "try again");
    return Json(200, {{"revoked", kiosk_id}});
  }
  // /v1/commands/{id}/result | /log
  const std::string_view rest =
      std::string_view(t).substr(std::string_view("/v1/commands/").size());
  const auto slash = rest.find('/');
  const auto id = core::ParseDecimal(rest.substr(0, slash));
  const std::string_view what = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
  if (!id || (what != "result" && what != "log")) {
    return Refuse(404, "http.not_found", "no such path");
  }
  return what == "result" ? CommandResult(request, kiosk_id, *id)
                          : CommandLog(request, kiosk_id, *id);
}

HttpResponse FleetDesk::Heartbeat(const HttpRequest& request, const DeviceRecord& device) {
  const std::string& kiosk_id = device.kiosk_id;
  auto checked = CheckHeartbeat(request.body, kiosk_id);
  if (!checked) return Refuse(422, checked.GetError().Code(), checked.GetError().Message());
  const std::int64_t now = NowMs();
  if (auto recorded = stores_.devices->RecordHeartbeat(kiosk_id, now, *checked); !recorded) {
    return Refuse(503, "fleet.store", recorded.GetError().Message());
  }
  ++heartbeats_;
  // Old history goes at most once an hour, by whichever request comes first.
  std::int64_t last = last_prune_ms_.load();
  if (now - last > 3'600'000 && last_prune_ms_.compare_exchange_strong(last, now)) {
    (void)stores_.devices->PruneHistory(now - std::int64_t{config_.history_days} * 86'400'000);
  }
  auto commands = stores_.commands->TakeCommands(kiosk_id);
  if (!commands) return Refuse(503, "fleet.store", commands.GetError().Message());
  json out = {{"interval_s", config_.heartbeat_interval_s}, {"commands", json::array()}};
  for (const auto& c : *commands) {
    out["commands"].push_back(
        {{"id", c.id}, {"kind", c.kind}, {"args", json::parse(c.args, nullptr, false)}});
    klog::Info("fleet.command_sent", {{"kiosk", kiosk_id}, {"id", c.id}, {"kind", c.kind}});
  }
  if (offers_) {
    const json beat = json::parse(*checked, nullptr, false);
    const json versions = beat.is_object() ? beat.value("versions", json::object()) : json();
    const std::string running = versions.is_object() ? versions.value("os", std::string()) : "";
    const std::string compatible =
        versions.is_object() ? versions.value("compatible", std::string()) : "";
    if (auto offer = offers_(device, running, compatible)) {
      out["update"] = json::parse(*offer, nullptr, false);
    }
  }
  return Json(200, out);
}

HttpResponse FleetDesk::CommandResult(const HttpRequest& request, const std::string& kiosk_id,
                                      std::int64_t id) {
  const json in = json::parse(request.body, nullptr, false);
  if (!in.is_object() || !in.contains("ok") || !in["ok"].is_boolean()) {
    return Refuse(400, "command.bad_result", "send {\"ok\": bool, \"detail\": text}");
  }
  std::string detail = in.value("detail", std::string());
  if (detail.size() > 2000) detail.resize(2000);
  auto finished =
      stores_.commands->FinishCommand(kiosk_id, id, in["ok"].get<bool>(), detail, NowMs());
  if (!finished) return Refuse(503, "fleet.store", finished.GetError().Message());
  if (!*finished) return Refuse(404, "command.unknown", "no such command was sent to this kiosk");
  klog::Info("fleet.command_done", {{"kiosk", kiosk_id}, {"id", id}, {"ok", in["ok"].get<bool>()}});
  return Json(200, {{"recorded", id}});
}

HttpResponse FleetDesk::CommandLog(const HttpRequest& request, const std::string& kiosk_id,
                                   std::int64_t id) {
  auto command = stores_.commands->FindCommand(id);
  if (!command) return Refuse(503, "fleet.store", command.GetError().Message());
  if (!*command || (*command)->kiosk_id != kiosk_id || (*command)->kind != "upload_logs") {
    return Refuse(404, "command.unknown", "no log upload was asked of this kiosk");
  }
  constexpr std::size_t kMaxLog = 4 * 1024 * 1024;
  if (request.body.size() > kMaxLog) return Refuse(413, "log.too_large", "logs up to 4 MiB");
  if (auto stored = stores_.commands->StoreLog(id, request.body); !stored) {
    return Refuse(503, "fleet.store", stored.GetError().Message());
  }
  return Json(200, {{"stored", request.body.size()}});
}

Expected<std::int64_t> FleetDesk::IssueCommand(const std::string& kiosk_id, const std::string& kind,
                                               const std::string& args_json,
                                               const std::string& issued_by) {
  if (!Contains(kCommandKinds, kind)) {
    return Error::NeedsPerson("command.unknown_kind", "no such command: " + kind);
  }
  KIOSK_ASSIGN_OR_RETURN(auto device, stores_.devices->FindDevice(kiosk_id));
  if (!device || device->state != "active") {
    return Error::NeedsPerson("command.no_kiosk", "no enrolled kiosk " + kiosk_id);
  }
  json args = args_json.empty() ? json::object() : json::parse(args_json, nullptr, false);
  if (!args.is_object()) return Error::NeedsPerson("command.bad_args", "args must be an object");
  if (kind == "config") {
    // The kiosk applies only what this key signed for it, newest first.
    if (!args.contains("settings") || !args["settings"].is_object()) {
      return Error::NeedsPerson("command.bad_args", "config needs {\"settings\": {...}}");
    }
    const json document = {
        {"kiosk_id", kiosk_id}, {"issued_at", NowMs()}, {"settings", args["settings"]}};
    const std::string payload = document.dump();
    std::lock_guard lock(random_mutex_);
    KIOSK_ASSIGN_OR_RETURN(auto jws, core::SignJwsEs256(core::AsBytes(payload), config_key_,
                                                        "config", "kiosk-config+jws", random_));
    args = {{"jws", jws}};
  }
  CommandRecord command;
  command.kiosk_id = kiosk_id;
  command.kind = kind;
  command.args = args.dump();
  command.issued_by = issued_by;
  command.created_at = NowMs();
  KIOSK_ASSIGN_OR_RETURN(const std::int64_t id, stores_.commands->AddCommand(command));
  klog::Info("fleet.command_issued",
             {{"kiosk", kiosk_id}, {"id", id}, {"kind", kind}, {"by", issued_by}});
  return id;
}

KioskState FleetDesk::StateOf(KioskView view) const {
  KioskState s;
  s.view = std::move(view);
  if (s.view.device.state != "active") return s;
  const std::int64_t now = NowMs();
  s.online =
      s.view.last && now - s.view.last->received_at <= std::int64_t{config_.offline_after_s} * 1000;
  if (!s.online) s.alerts.push_back("offline");
  if (!s.view.last) return s;
  const json body = json::parse(s.view.last->body, nullptr, false);
  if (!body.is_object()) return s;
  s.maintenance = body.value("maintenance", false);
  const json& outbox = body.contains("outbox") ? body["outbox"] : json::object();
  s.outbox_depth = outbox.value("depth", std::int64_t{0});
  s.oldest_age_s = outbox.value("oldest_age_s", std::int64_t{0});
  if (body.contains("versions")) {
    s.app_version = body["versions"].value("app", std::string());
    s.os_version = body["versions"].value("os", std::string());
    s.slot = body["versions"].value("slot", std::string());
  }
  if (body.contains("peripherals")) {
    for (const auto& [name, state] : body["peripherals"].items()) {
      const std::string value = state.get<std::string>();
      s.peripherals[name] = value;
      const bool fine = value == "ok" || value == "closed" || value == "disabled";
      if (!fine) s.degraded.push_back(name + "=" + value);
    }
  }
  auto state_of = [&](const char* name) {
    const auto it = s.peripherals.find(name);
    return it == s.peripherals.end() ? std::string() : it->second;
  };
  if (state_of("printer") == "paper_out") s.alerts.push_back("paper_out");
  if (state_of("tamper") == "open") s.alerts.push_back("tamper");
  if (s.outbox_depth > 0 && s.oldest_age_s > config_.backlog_alert_s) {
    s.alerts.push_back("backlog");
  }
  return s;
}

Expected<std::vector<KioskState>> FleetDesk::States() {
  KIOSK_ASSIGN_OR_RETURN(auto fleet, stores_.devices->Fleet());
  std::vector<KioskState> out;
  out.reserve(fleet.size());
  for (auto& view : fleet) out.push_back(StateOf(std::move(view)));
  return out;
}

namespace {
// A Prometheus label value: backslash, quote and newline escaped.
std::string Label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}
}  // namespace

Expected<std::string> FleetDesk::Metrics() {
  KIOSK_ASSIGN_OR_RETURN(const auto states, States());
  std::map<std::string, int> by_state = {{"online", 0}, {"offline", 0}, {"revoked", 0}};
  std::map<std::string, int> alerts = {
      {"offline", 0}, {"paper_out", 0}, {"backlog", 0}, {"tamper", 0}};
  std::string depth, oldest, last_seen;  // one family each, kept contiguous
  for (const auto& s : states) {
    const auto& d = s.view.device;
    if (d.state != "active") {
      ++by_state["revoked"];
      continue;
    }
    ++by_state[s.online ? "online" : "offline"];
    for (const auto& a : s.alerts) ++alerts[a];
    const std::string labels =
        "{kiosk=\"" + Label(d.kiosk_id) + "\",commune=\"" + Label(d.commune) + "\"}";
    depth += "kiosk_outbox_depth" + labels + " " + std::to_string(s.outbox_depth) + "\n";
    oldest +=
        "kiosk_outbox_oldest_age_seconds" + labels + " " + std::to_string(s.oldest_age_s) + "\n";
    if (s.view.last) {
      last_seen += "kiosk_last_heartbeat_timestamp_seconds" + labels + " " +
                   std::to_string(s.view.last->received_at / 1000) + "\n";
    }
  }
  std::string out;
  out += "# HELP kiosk_fleet_kiosks Enrolled kiosks by state.\n# TYPE kiosk_fleet_kiosks gauge\n";
  for (const auto& [state, n] : by_state) {
    out += "kiosk_fleet_kiosks{state=\"" + state + "\"} " + std::to_string(n) + "\n";
  }
  out += "# HELP kiosk_fleet_alerts Kiosks with each alert.\n# TYPE kiosk_fleet_alerts gauge\n";
  for (const auto& [kind, n] : alerts) {
    out += "kiosk_fleet_alerts{alert=\"" + kind + "\"} " + std::to_string(n) + "\n";
  }
  out +=
      "# HELP kiosk_gateway_heartbeats_total Heartbeats accepted since start.\n"
      "# TYPE kiosk_gateway_heartbeats_total counter\n"
      "kiosk_gateway_heartbeats_total " +
      std::to_string(heartbeats_.load()) + "\n";
  out +=
      "# HELP kiosk_gateway_enrollments_total Enrollments since start, by outcome.\n"
      "# TYPE kiosk_gateway_enrollments_total counter\n"
      "kiosk_gateway_enrollments_total{outcome=\"issued\"} " +
      std::to_string(enrollments_.load()) +
      "\nkiosk_gateway_enrollments_total{outcome=\"refused\"} " +
      std::to_string(enrollments_refused_.load()) + "\n";
  out +=
      "# HELP kiosk_outbox_depth Dossiers waiting in a kiosk's outbox.\n"
      "# TYPE kiosk_outbox_depth gauge\n" +
      depth;
  out +=
      "# HELP kiosk_outbox_oldest_age_seconds Age of a kiosk's oldest waiting dossier.\n"
      "# TYPE kiosk_outbox_oldest_age_seconds gauge\n" +
      oldest;
  out +=
      "# HELP kiosk_last_heartbeat_timestamp_seconds When a kiosk was last heard from.\n"
      "# TYPE kiosk_last_heartbeat_timestamp_seconds gauge\n" +
      last_seen;
  return out;
}

}  // namespace kiosk::gateway
