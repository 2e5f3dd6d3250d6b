#include "kiosk/core/jws.h"

#include <nlohmann/json.hpp>

#include "kiosk/core/encoding.h"
#include "kiosk/core/hash.h"

namespace kiosk::core {

namespace {
Error Bad(const std::string& why) { return Error::NeedsPerson("jws.invalid", why); }

std::string ProtectedHeader(std::string_view kid, std::string_view typ) {
  nlohmann::json header{{"alg", "ES256"}};
  if (!kid.empty()) header["kid"] = std::string(kid);
  if (!typ.empty()) header["typ"] = std::string(typ);
  return Base64UrlEncode(AsBytes(header.dump()));
}

// Unpadded base64url of n bytes.
std::size_t Base64UrlLength(std::size_t n) { return n / 3 * 4 + (n % 3 == 0 ? 0 : n % 3 + 1); }

constexpr std::size_t kEs256SignatureSize = 64;  // r ‖ s
}  // namespace

std::size_t SignedJwsEs256Size(std::size_t payload_size, std::string_view kid,
                               std::string_view typ) {
  return ProtectedHeader(kid, typ).size() + 1 + Base64UrlLength(payload_size) + 1 +
         Base64UrlLength(kEs256SignatureSize);
}

Expected<std::string> SignJwsEs256(ByteView payload, const PrivateKey& key, std::string_view kid,
                                   std::string_view typ, RandomSource& random) {
  std::string input = ProtectedHeader(kid, typ) + "." + Base64UrlEncode(payload);
  KIOSK_ASSIGN_OR_RETURN(const Bytes digest, Digest(HashAlg::kSha256, AsBytes(input)));
  KIOSK_ASSIGN_OR_RETURN(const Bytes signature, key.SignRaw(HashAlg::kSha256, digest, random));
  return input + "." + Base64UrlEncode(signature);
}

Expected<JwsParts> ParseJws(std::string_view compact) {
  const std::size_t first = compact.find('.');
  const std::size_t second = first == std::string_view::npos ? first : compact.find('.', first + 1);
  if (second == std::string_view::npos || compact.find('.', second + 1) != std::string_view::npos) {
    return Bad("a compact JWS has exactly three parts");
  }
  auto header_bytes = Base64UrlDecode(compact.substr(0, first));
  if (!header_bytes) return Bad("header is not base64url");
  const auto header = nlohmann::json::parse(AsChars(*header_bytes), nullptr, false);
  if (header.is_discarded() || !header.is_object()) return Bad("header is not a JSON object");
  const auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string() || *alg != "ES256") {
    return Bad("only ES256 is accepted");
  }
  if (header.contains("crit")) return Bad("critical header parameters are not supported");
  JwsParts parts;
  if (auto kid = header.find("kid"); kid != header.end()) {
    if (!kid->is_string()) return Bad("kid is not a string");
    parts.kid = kid->get<std::string>();
  }
  if (auto typ = header.find("typ"); typ != header.end()) {
    if (!typ->is_string()) return Bad("typ is not a string");
    parts.typ = typ->get<std::string>();
  }
  auto payload = Base64UrlDecode(compact.substr(first + 1, second - first - 1));
  if (!payload) return Bad("payload is not base64url");
  auto signature = Base64UrlDecode(compact.substr(second + 1));
  if (!signature || signature->size() != 64) return Bad("an ES256 signature is 64 bytes");
  parts.payload = std::move(*payload);
  parts.signature = std::move(*signature);
  parts.signing_input = std::string(compact.substr(0, second));
  return parts;
}

Expected<JwsParts> VerifyJwsEs256(std::string_view compact, const PublicKey& key) {
  KIOSK_ASSIGN_OR_RETURN(JwsParts parts, ParseJws(compact));
  KIOSK_ASSIGN_OR_RETURN(const Bytes digest,
                         Digest(HashAlg::kSha256, AsBytes(parts.signing_input)));
  if (!key.VerifyRaw(HashAlg::kSha256, digest, parts.signature)) {
    return Error::NeedsPerson("jws.bad_signature", "the JWS signature does not verify");
  }
  return parts;
}

}  // namespace kiosk::core
