#pragma once

// The citizens' ratings of the service (Decision 766, indicator 5.4), carried
// by kiosk-agent to the gateway, where the dashboard's figures count them. A
// folder of small files, one per rated dossier, named by its id:
//
//   <dossier id>.json   kiosk-app writes it when the citizen answers;
//                       kiosk-agent sends it once the dossier itself has
//                       reached the gateway, then removes it.
//
// A rating names the dossier only by its id (a UUID): no personal data.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/error.h"

namespace kiosk::link {

struct KioskRating {
  std::string dossier_id;  // the sealed dossier's id (UUID, lower case)
  int score = 0;           // 1 not satisfied, 2 satisfied, 3 very satisfied
  std::string rated_at;    // RFC 3339, UTC
};

bool IsDossierId(std::string_view text);
core::Expected<KioskRating> ParseKioskRating(std::string_view json);
std::string KioskRatingJson(const KioskRating& rating);

class RatingOutbox {
 public:
  explicit RatingOutbox(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // kiosk-app's side: one rating per dossier (the first stands).
  core::Status Put(const KioskRating& rating);

  // kiosk-agent's side: the ratings waiting, oldest file first. A file that
  // is not a rating is removed (and reported in `dropped`), never retried.
  core::Expected<std::vector<KioskRating>> Pending(int* dropped = nullptr) const;
  core::Status Remove(const std::string& dossier_id);

  const std::filesystem::path& Dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

}  // namespace kiosk::link
