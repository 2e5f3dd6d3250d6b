#include "kiosk/link/ratings.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "kiosk/core/files.h"

namespace kiosk::link {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxFile = 1024;
constexpr const char* kSuffix = ".json";

core::Error Invalid(const std::string& what) {
  return core::Error::NeedsPerson("link.invalid", what);
}

// "2026-11-30T02:05:00.000Z": digits where digits go, at most 32 bytes.
bool IsTime(std::string_view t) {
  if (t.size() < 20 || t.size() > 32 || t[4] != '-' || t[7] != '-' || t[10] != 'T' ||
      t.back() != 'Z') {
    return false;
  }
  return std::all_of(t.begin(), t.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '-' || c == ':' || c == '.' || c == 'T' || c == 'Z';
  });
}

}  // namespace

bool IsDossierId(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

core::Expected<KioskRating> ParseKioskRating(std::string_view text) {
  const json doc = json::parse(text, nullptr, false);
  if (!doc.is_object() || doc.size() != 3) {
    return Invalid("a rating is {dossier_id, score, rated_at}");
  }
  if (!doc.contains("dossier_id") || !doc["dossier_id"].is_string() || !doc.contains("score") ||
      !doc["score"].is_number_integer() || !doc.contains("rated_at") ||
      !doc["rated_at"].is_string()) {
    return Invalid("a rating is {dossier_id, score, rated_at}");
  }
  KioskRating r{doc["dossier_id"].get<std::string>(), 0, doc["rated_at"].get<std::string>()};
  const auto score = doc["score"].get<std::int64_t>();
  if (!IsDossierId(r.dossier_id)) return Invalid("dossier_id is a UUID");
  if (score < 1 || score > 3) return Invalid("score is 1 to 3");
  if (!IsTime(r.rated_at)) return Invalid("rated_at is an RFC 3339 UTC time");
  r.score = static_cast<int>(score);
  return r;
}

std::string KioskRatingJson(const KioskRating& r) {
  return json{{"dossier_id", r.dossier_id}, {"score", r.score}, {"rated_at", r.rated_at}}.dump();
}

core::Status RatingOutbox::Put(const KioskRating& rating) {
  if (!IsDossierId(rating.dossier_id) || rating.score < 1 || rating.score > 3 ||
      !IsTime(rating.rated_at)) {
    return Invalid("not a rating");
  }
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  const auto file = dir_ / (rating.dossier_id + kSuffix);
  if (std::filesystem::exists(file, ec)) return core::Ok();  // the first answer stands
  return core::WriteFileAtomically(file, core::AsBytes(KioskRatingJson(rating)), 0640);
}

core::Expected<std::vector<KioskRating>> RatingOutbox::Pending(int* dropped) const {
  std::vector<std::pair<std::filesystem::file_time_type, KioskRating>> found;
  std::error_code ec;
  if (!std::filesystem::exists(dir_, ec)) return std::vector<KioskRating>{};
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    const auto name = entry.path().filename().string();
    if (!name.ends_with(kSuffix) || name.starts_with(".")) continue;  // a write in progress
    auto text = core::ReadSmallFile(entry.path(), kMaxFile);
    auto parsed = text ? ParseKioskRating(*text) : core::Expected<KioskRating>(text.GetError());
    if (!parsed || parsed->dossier_id + kSuffix != name) {
      std::filesystem::remove(entry.path(), ec);
      if (dropped != nullptr) ++*dropped;
      continue;
    }
    found.emplace_back(entry.last_write_time(ec), std::move(*parsed));
  }
  if (ec) return core::Error::Retryable("io.read", "cannot list " + dir_.string());
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<KioskRating> out;
  for (auto& [when, rating] : found) out.push_back(std::move(rating));
  return out;
}

core::Status RatingOutbox::Remove(const std::string& dossier_id) {
  if (!IsDossierId(dossier_id)) return Invalid("not a dossier id");
  std::error_code ec;
  std::filesystem::remove(dir_ / (dossier_id + kSuffix), ec);
  if (ec) return core::Error::Retryable("io.write", "cannot remove a sent rating");
  return core::Ok();
}

}  // namespace kiosk::link
