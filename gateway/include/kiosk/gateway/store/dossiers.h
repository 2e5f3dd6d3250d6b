#pragma once

// Dossiers the gateway admitted, under their code, with the daily code
// sequence of each agency and the citizens' ratings.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/catalog/calendar.h"
#include "kiosk/core/error.h"

namespace kiosk::gateway {

// Days and appointments are reckoned as the kiosk reckons them
// (catalog/calendar.h): its provisional receipt and the gateway's agree.
using catalog::Day;
using catalog::FormatDay;
using catalog::ParseDay;

struct AdmitRequest {
  std::string dossier_id;  // UUIDv7 from the manifest: the idempotency key
  std::string kiosk_id;
  std::string procedure_code;
  std::string agency;       // first part of the code
  Day received_day;         // for the daily sequence
  std::string received_at;  // RFC 3339
  std::string appointment;  // local time, YYYY-MM-DDTHH:MM (catalog::FormatLocalTime)
  std::string lookup_secret;
  std::string manifest_json;
};

struct StoredDossier {
  std::string dossier_id;
  std::string code;  // {agency}-{yyMMdd}-{sequence}
  std::string kiosk_id;
  std::string procedure_code;
  std::string received_at;
  std::string appointment;
  std::string lookup_secret;
  std::string status;  // "received"
};

// What the dashboard reports to a commune's chairman, from the dossiers
// received since a moment: per local day (UTC+7), procedure and kiosk.
struct DossierTally {
  std::string day;  // "2026-11-30", Vietnam's date
  std::string procedure_code;
  std::string kiosk_id;
  std::int64_t dossiers = 0;
  std::int64_t with_fee = 0;       // a fee was due
  std::int64_t paid_at_kiosk = 0;  // paid by card or VietQR (766: 3.6)
  std::int64_t fees_paid_vnd = 0;
  std::int64_t digitized = 0;      // 766: HoSoCoThanhPhanSoHoa (4.2)
  std::int64_t chip_identity = 0;  // 766: TaiKhoanDuocXacThucVoiVNeID (4.5)
  std::int64_t assisted = 0;       // an officer helped at the kiosk
};
struct RatingTally {
  std::string kiosk_id;
  int score = 0;  // 1 not satisfied, 2 satisfied, 3 very satisfied
  std::int64_t count = 0;
};

class DossierStore {
 public:
  virtual ~DossierStore() = default;
  // Stores a new dossier under the next code of its agency and day, in one
  // transaction (codes stay unique and gapless); a known dossier id returns
  // the record stored the first time. `created` says which.
  virtual core::Expected<StoredDossier> Admit(const AdmitRequest& request, bool& created) = 0;
  virtual core::Expected<std::optional<StoredDossier>> FindByCode(const std::string& code) = 0;
  virtual core::Expected<std::optional<StoredDossier>> FindById(const std::string& dossier_id) = 0;
  // One rating per dossier: false if it was rated already.
  virtual core::Expected<bool> AddRating(const std::string& code, int score,
                                         const std::string& at) = 0;
  // The dossiers received at or after `since` (RFC 3339), and their ratings.
  virtual core::Expected<std::vector<DossierTally>> Tally(const std::string& since) = 0;
  virtual core::Expected<std::vector<RatingTally>> Ratings(const std::string& since) = 0;
};

// "000.17.22.H56-261129-0001"
std::string FormatDossierCode(const std::string& agency, const Day& day, int sequence);

}  // namespace kiosk::gateway
