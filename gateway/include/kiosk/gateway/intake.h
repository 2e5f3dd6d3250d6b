#pragma once

// The gateway's HTTP handlers, independent of the network: a request and the
// client's certificate in, a response out.
//   POST /v1/dossiers          a sealed dossier from a kiosk
//   GET  /v1/dossiers/{code}?secret=XXXX   status, with the receipt's secret
//   POST /v1/ratings           {"code","secret","score":1..5}
//   /v1/payments/..., /v1/bank/...   see payments.h

#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "kiosk/catalog/calendar.h"
#include "kiosk/core/clock.h"
#include "kiosk/core/http.h"
#include "kiosk/core/random.h"
#include "kiosk/core/x509.h"
#include "kiosk/gateway/payments.h"
#include "kiosk/gateway/store.h"

namespace kiosk::gateway {

struct IntakeConfig {
  std::filesystem::path attachments_dir;
  std::map<std::string, int> procedure_days;  // procedure code -> time limit in working days
  std::set<Day> holidays;
  int utc_offset_hours = 7;  // Vietnam: receipts and codes use local days
};

class Intake {
 public:
  Intake(DossierStore& store, IntakeConfig config, const core::Clock& clock,
         core::RandomSource& random);
  core::HttpResponse Handle(const core::HttpRequest& request, const core::Certificate& client);
  // Fee payments by VietQR (payments.h); without it those paths are 404.
  void SetPaymentDesk(PaymentDesk* desk) { payments_ = desk; }

 private:
  core::HttpResponse Submit(const core::HttpRequest& request, const core::Certificate& client);
  core::HttpResponse Lookup(const std::string& code, const std::string& secret);
  core::HttpResponse Rate(const core::HttpRequest& request);

  DossierStore& store_;
  IntakeConfig config_;
  const core::Clock& clock_;
  core::RandomSource& random_;
  std::mutex random_mutex_;
  PaymentDesk* payments_ = nullptr;
};

// The CN of a certificate subject: the kiosk id on device certificates.
std::string CommonName(const core::Certificate& cert);

}  // namespace kiosk::gateway
