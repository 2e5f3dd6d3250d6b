#include "records.h"

#include <cstdio>

#include "kiosk/core/text.h"

namespace kiosk::gateway::store {

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
