#include "records.h"

#include <cstdio>

#include "kiosk/core/text.h"

namespace kiosk::gateway::store {

core::Expected<TokenGrant> CheckTokenUse(const TokenRow& token, const std::string& kiosk_id,
                                         std::int64_t now) {
  using core::Error;
  if (token.used) {
    return Error::NeedsPerson("enroll.token_used", "the enrollment token was already used");
  }
  if (token.expires_at <= now) {
    return Error::NeedsPerson("enroll.token_expired", "the enrollment token has expired");
  }
  const TokenGrant& grant = token.grant;
  // Mistakes of binding do not spend the token: the technician retypes.
  if (!grant.kiosk_id.empty() && grant.kiosk_id != kiosk_id) {
    return Error::NeedsPerson("enroll.wrong_kiosk",
                              "this token was issued for kiosk " + grant.kiosk_id);
  }
  if (token.kiosk_enrolled && !grant.reenroll) {
    return Error::NeedsPerson("enroll.kiosk_exists",
                              "kiosk " + kiosk_id +
                                  " is already enrolled; re-provisioning it needs a "
                                  "re-enroll token for it from an operator");
  }
  if (!token.kiosk_enrolled && grant.reenroll) {
    return Error::NeedsPerson("enroll.not_enrolled",
                              "a re-enroll token is for a kiosk already enrolled");
  }
  return grant;
}

std::string StaffId(std::int64_t number) {
  char id[16];
  std::snprintf(id, sizeof id, "CB-%06lld", static_cast<long long>(number));
  return id;
}

std::optional<std::int64_t> StaffNumber(const std::string& id) {
  if (id.size() != 9 || id.rfind("CB-", 0) != 0) return std::nullopt;
  return core::ParseDecimal(std::string_view(id).substr(3));
}

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

}  // namespace kiosk::gateway::store
