#include "kiosk/dossier/sealing_key.h"

#include <nlohmann/json.hpp>

#include "kiosk/core/encoding.h"
#include "kiosk/core/jws.h"

namespace kiosk::dossier {

using nlohmann::json;

namespace {

constexpr std::string_view kType = "kiosk-sealing-key+jws";

core::Error Invalid(const std::string& why) {
  return core::Error::NeedsPerson("sealing.invalid", why);
}

}  // namespace

core::Expected<std::string> MakeSealingStatement(const core::PrivateKey& device_key,
                                                 const std::string& kiosk_id,
                                                 const core::PublicKey& sealing_key,
                                                 std::int64_t issued_at,
                                                 core::RandomSource& random) {
  KIOSK_ASSIGN_OR_RETURN(auto spki, sealing_key.ToDer());
  const std::string payload = json{
      {"kiosk_id", kiosk_id},
      {"sealing_key", core::Base64UrlEncode(spki)},
      {"issued_at", issued_at}}.dump();
  return core::SignJwsEs256(core::AsBytes(payload), device_key, "device", kType, random);
}

core::Expected<core::PublicKey> VerifySealingStatement(std::string_view statement,
                                                       const core::PublicKey& device_key,
                                                       const std::string& kiosk_id) {
  if (statement.size() > 4096) return Invalid("the statement is too long");
  auto verified = core::VerifyJwsEs256(statement, device_key);
  if (!verified) return Invalid("the statement is not the device's: " + verified.GetError().Code());
  if (verified->typ != kType) return Invalid("not a sealing key statement");
  const json doc = json::parse(verified->payload.begin(), verified->payload.end(), nullptr, false);
  if (!doc.is_object() || !doc.contains("kiosk_id") || !doc["kiosk_id"].is_string() ||
      !doc.contains("sealing_key") || !doc["sealing_key"].is_string()) {
    return Invalid("malformed statement");
  }
  if (doc["kiosk_id"].get<std::string>() != kiosk_id) {
    return Invalid("the statement is for another kiosk");
  }
  auto spki = core::Base64UrlDecode(doc["sealing_key"].get<std::string>());
  if (!spki) return Invalid("the sealing key is not base64url");
  auto key = core::PublicKey::FromDer(*spki);
  if (!key) return Invalid("the sealing key is unreadable");
  return std::move(key).Value();
}

}  // namespace kiosk::dossier
