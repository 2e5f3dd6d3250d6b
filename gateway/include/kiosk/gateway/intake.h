#pragma once

// The gateway's HTTP handlers, independent of the network: a request and the
// client's certificate in, a response out.
//   POST /v1/dossiers          a sealed dossier from a kiosk
//   GET  /v1/dossiers/{code}?secret=S   status, with the receipt's secret
//   POST /v1/ratings           {"code","secret","score":1..5}, once per dossier
// A look-up or rating names the secret whole (16 symbols, 80 bits, in the
// receipt's QR) or by its printed first four; both are rate limited per kiosk
// and per code, and a kiosk sees only its own commune's dossiers.
//   /v1/payments/..., /v1/bank/...   see payments.h

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "kiosk/catalog/calendar.h"
#include "kiosk/catalog/catalog.h"
#include "kiosk/core/clock.h"
#include "kiosk/core/http.h"
#include "kiosk/core/random.h"
#include "kiosk/core/x509.h"
#include "kiosk/gateway/payments.h"
#include "kiosk/gateway/rate_limit.h"
#include "kiosk/gateway/store/dossiers.h"

namespace kiosk::gateway {

inline constexpr std::size_t kLookupSecretLength = 16;
inline constexpr std::size_t kShortSecret = 4;

struct IntakeConfig {
  std::filesystem::path attachments_dir;
  // Look-ups and ratings: a kiosk 20 at once then one every 3 s; a dossier
  // code 5 at once then one every 5 min (a short secret's 20 bits would take
  // years).
  int lookup_burst_per_kiosk = 20;
  std::chrono::milliseconds lookup_interval_per_kiosk{3000};
  int lookup_burst_per_code = 5;
  std::chrono::milliseconds lookup_interval_per_code{300'000};
  // Procedure code -> its time limit (the catalog's; [procedures] overrides).
  std::map<std::string, catalog::TimeLimit> time_limits;
  catalog::CalendarRules calendar;  // the year's swaps and the office's hours
  int utc_offset_hours = 7;         // Vietnam: receipts and codes use local days
};

class Intake {
 public:
  Intake(DossierStore& store, IntakeConfig config, const core::Clock& clock,
         core::RandomSource& random);
  core::HttpResponse Handle(const core::HttpRequest& request, const core::Certificate& client);
  // Fee payments by VietQR (payments.h); without it those paths are 404.
  void SetPaymentDesk(PaymentDesk* desk) { payments_ = desk; }
  // Look-ups' token buckets shared by every replica (null: this process's).
  void ShareLimits(LimitStore* store) {
    per_kiosk_.Share(store, "lookup-kiosk:");
    per_code_.Share(store, "lookup-code:");
  }
  // A kiosk's commune, from the registry; without it (a development gateway
  // without [fleet]) look-ups are not limited to a commune.
  using CommuneOf = std::function<std::optional<std::string>(const std::string& kiosk_id)>;
  void SetCommuneOf(CommuneOf commune_of) { commune_of_ = std::move(commune_of); }

 private:
  core::HttpResponse Submit(const core::HttpRequest& request, const core::Certificate& client);
  core::HttpResponse Lookup(const std::string& code, const std::string& secret,
                            const std::string& kiosk);
  core::HttpResponse Rate(const core::HttpRequest& request, const std::string& kiosk);
  // A citizen's answer at the kiosk that submitted the dossier (link/ratings.h).
  core::HttpResponse RateAtKiosk(const core::HttpRequest& request, const std::string& dossier_id,
                                 const std::string& kiosk);
  core::Expected<StoredDossier> Authorized(const std::string& code, const std::string& secret,
                                           const std::string& kiosk);

  DossierStore& store_;
  IntakeConfig config_;
  catalog::WorkCalendar calendar_{config_.calendar};
  const core::Clock& clock_;
  core::RandomSource& random_;
  std::mutex random_mutex_;
  PaymentDesk* payments_ = nullptr;
  RateLimiter per_kiosk_;
  RateLimiter per_code_;
  CommuneOf commune_of_;
};

// The CN of a certificate subject: the kiosk id on device certificates.
std::string CommonName(const core::Certificate& cert);

}  // namespace kiosk::gateway
