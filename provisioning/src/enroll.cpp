#include "kiosk/provisioning/enroll.h"

#include <nlohmann/json.hpp>

#include "kiosk/core/csr.h"
#include "kiosk/core/encoding.h"
#include "kiosk/core/http.h"

namespace kiosk::provisioning {

using core::Error;
using core::Expected;

Expected<HostPort> ParseHostPort(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Error::NeedsPerson("args.address", "expected HOST:PORT, got '" + text + "'");
  }
  const std::string port = text.substr(colon + 1);
  char* end = nullptr;
  const long n = std::strtol(port.c_str(), &end, 10);
  if (port.empty() || *end != '\0' || n < 1 || n > 65535) {
    return Error::NeedsPerson("args.address", "bad port in '" + text + "'");
  }
  return HostPort{text.substr(0, colon), static_cast<std::uint16_t>(n)};
}

namespace {

// The gateway's {"error": code, "message": text} as an error.
Error Refusal(const core::HttpResponse& response, const std::string& doing) {
  const auto body = nlohmann::json::parse(response.body, nullptr, false);
  std::string code = "enroll.refused";
  std::string message = doing + ": the gateway answered " + std::to_string(response.status);
  if (body.is_object() && body.contains("error") && body["error"].is_string()) {
    code = body["error"].get<std::string>();
    if (body.contains("message") && body["message"].is_string()) {
      message = body["message"].get<std::string>();
    }
  }
  if (response.status >= 500) return Error::Retryable(code, message);
  return Error::NeedsPerson(code, message);
}

core::TlsOptions ServerOnly(const EnrollmentRequest& request) {
  core::TlsOptions tls;
  tls.trusted = request.pinned_ca;
  tls.server_name = request.server_name;
  return tls;
}

}  // namespace

Expected<Enrollment> Enroll(const EnrollmentRequest& request, const core::PrivateKey& key,
                            core::RandomSource& random) {
  KIOSK_ASSIGN_OR_RETURN(const auto csr,
                         core::MakeCsr(key, "C=VN,O=DVC Kiosk,CN=" + request.kiosk_id, random));
  const std::string credentials = request.kiosk_id + ":" + request.token;
  core::HttpRequest post{
      "POST",
      "/.well-known/est/simpleenroll",
      {{"Content-Type", "application/pkcs10"},
       {"Content-Transfer-Encoding", "base64"},
       {"Authorization", "Basic " + core::Base64Encode(core::AsBytes(credentials))},
       {"X-Kiosk-Commune", request.commune}},
      core::Base64Encode(csr)};
  const auto tls = ServerOnly(request);
  KIOSK_ASSIGN_OR_RETURN(auto answer, core::HttpsRequest(request.gateway.host, request.gateway.port,
                                                         tls, post, 64 * 1024));
  if (answer.status != 200) return Refusal(answer, "enrollment");
  Enrollment out;
  KIOSK_ASSIGN_OR_RETURN(out.chain, core::ParsePemBundle(answer.body));
  if (out.chain.empty()) return Error::Retryable("enroll.bad_answer", "no certificate came back");
  // The certificate must be for this key: a gateway cannot hand us another's.
  KIOSK_ASSIGN_OR_RETURN(const auto mine, key.Public());
  KIOSK_ASSIGN_OR_RETURN(const auto theirs, out.chain.front().SubjectPublicKey());
  KIOSK_ASSIGN_OR_RETURN(const auto a, mine.Fingerprint());
  KIOSK_ASSIGN_OR_RETURN(const auto b, theirs.Fingerprint());
  if (a != b) return Error::Fatal("enroll.wrong_key", "the certificate is not for this device key");
  out.agency = answer.Header("X-Kiosk-Agency");
  out.commune = answer.Header("X-Kiosk-Commune");
  core::HttpRequest get{"GET", "/.well-known/kiosk/config-signer.pem", {}, ""};
  KIOSK_ASSIGN_OR_RETURN(
      auto signer, core::HttpsRequest(request.gateway.host, request.gateway.port, tls, get, 16384));
  if (signer.status != 200) return Refusal(signer, "the config signer");
  KIOSK_TRY(core::PublicKey::FromPem(signer.body));
  out.config_signer_pem = signer.body;
  return out;
}

core::Status Decommission(const HostPort& device_gateway, const core::TlsOptions& tls) {
  core::HttpRequest post{
      "POST", "/v1/devices/self/decommission", {{"Content-Type", "application/json"}}, "{}"};
  KIOSK_ASSIGN_OR_RETURN(
      auto answer, core::HttpsRequest(device_gateway.host, device_gateway.port, tls, post, 16384));
  if (answer.status != 200) return Refusal(answer, "decommissioning");
  return core::Ok();
}

}  // namespace kiosk::provisioning
