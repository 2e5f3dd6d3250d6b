#pragma once

// The operator dashboard: server-rendered pages on the operator listener,
// no script. Operators log in with a password (PBKDF2-SHA256, salted); a
// session is a random cookie (HttpOnly, Secure, SameSite=Strict) stored as
// its hash; every form that changes something carries the session's CSRF
// token, and the Origin header, when sent, must be this site.
//   GET  /login, POST /login, POST /logout
//   GET  /fleet[?commune=CODE]           the fleet at a glance, alerts first
//   GET  /fleet/figures[?commune=CODE]   dossiers, payments, ratings: Decision 766's figures
//   GET  /fleet/kiosks/{id}              one kiosk: state, history, commands
//   POST /fleet/kiosks/{id}/commands     kind=..., settings=JSON (config)
//   POST /fleet/tokens                   a one-time enrollment token (kiosk_id=, or reenroll=ID)
//   GET  /fleet/logs/{command id}        an uploaded (scrubbed) log
//   GET  /fleet/updates                  bundles, rollouts and their progress
//   POST /fleet/updates/rollouts         start one: bundle, percent, communes
//   POST /fleet/updates/rollouts/{id}    percent=N, or action=pause|resume
//   POST /fleet/help/{call id}           answer a citizen's call for an officer
//   GET  /fleet/staff                    officers who may assist at a kiosk
//   POST /fleet/staff                    commune=, name=, days=: a new PIN, shown once
//   POST /fleet/staff/{id}/revoke
//   GET  /metrics                        Prometheus: from loopback, with the scrape
//                                        token, or in an operator's session
// Any page takes ?lang=vi|en (kept in a cookie); Vietnamese by default, in
// Vietnam's time, communes by name ([[commune]] in the gateway's config).
// Logins: a CSRF token of their own, wrong passwords throttled and locked
// (login_throttle.h), HSTS on every page.

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "kiosk/core/http.h"
#include "kiosk/core/random.h"
#include "kiosk/gateway/fleet.h"
#include "kiosk/gateway/help.h"
#include "kiosk/gateway/login_throttle.h"
#include "kiosk/gateway/rollouts.h"
#include "kiosk/gateway/store/dossiers.h"
#include "kiosk/i18n/translator.h"

namespace kiosk::gateway {

// "pbkdf2-sha256$ITERATIONS$SALT$HASH" (hex), and its check in constant time.
core::Expected<std::string> HashPassword(const std::string& password, core::RandomSource& random,
                                         unsigned iterations = 200'000);
bool CheckPassword(const std::string& password, const std::string& stored);

class Dashboard {
 public:
  Dashboard(FleetDesk& fleet, core::RandomSource& random, RolloutDesk* rollouts = nullptr,
            HelpDesk* help = nullptr, int session_hours = 8)
      : fleet_(fleet),
        random_(random),
        rollouts_(rollouts),
        help_(help),
        session_hours_(session_hours),
        throttle_(fleet.Clock()) {}
  // /metrics from another host then needs "Authorization: Bearer TOKEN".
  void SetMetricsToken(const std::string& token) { metrics_token_hash_ = Sha256Hex(token); }
  // More /metrics text, after the fleet's (the listeners' counters).
  void SetMoreMetrics(std::function<std::string()> more) { more_metrics_ = std::move(more); }
  // The pages' words (the "dashboard" catalogs); without them, English.
  void SetWords(const i18n::Translator* words) { words_ = words; }
  // The dossiers the figures page counts; without them it shows none.
  void SetDossiers(DossierStore* dossiers) { dossiers_ = dossiers; }
  // Wrong-password counts shared by every replica (null: this process's).
  void ShareLimits(LimitStore* store) { throttle_.Share(store); }
  // Procedures by name: code → "Đăng ký khai sinh".
  void SetProcedureNames(std::map<std::string, std::string> names) {
    procedure_names_ = std::move(names);
  }
  // Communes by name: code → "Phường An Mỹ".
  void SetCommuneNames(std::map<std::string, std::string> names) {
    commune_names_ = std::move(names);
  }
  // nullopt for paths that are not the dashboard's.
  std::optional<core::HttpResponse> Handle(const core::HttpRequest& request);

 private:
  // One request's operator and language.
  struct Session {
    std::string id_hash;
    SessionRecord record;
    i18n::Words tr;
    std::string lang = "vi";
  };
  std::optional<Session> CurrentSession(const core::HttpRequest& request);
  bool MetricsAllowed(const core::HttpRequest& request);
  core::HttpResponse Login(const core::HttpRequest& request, const i18n::Words& tr_,
                           const std::string& lang);
  // "Phường An Mỹ (20314)", or the code when the config names it not.
  std::string Commune(const std::string& code) const;
  std::string PageHeader(const Session& session) const;
  std::string KioskRow(const KioskState& s, std::int64_t now, const i18n::Words& tr_) const;
  core::HttpResponse FiguresPage(const core::HttpRequest& request, const Session& session);
  core::HttpResponse FleetPage(const core::HttpRequest& request, const Session& session);
  core::HttpResponse KioskPage(const std::string& kiosk_id, const Session& session,
                               const std::string& notice);
  core::HttpResponse PostCommand(const core::HttpRequest& request, const std::string& kiosk_id,
                                 const Session& session);
  core::HttpResponse PostToken(const core::HttpRequest& request, const Session& session);
  std::string SecurityEvents(std::int64_t now, const i18n::Words& tr_);
  core::HttpResponse UpdatesPage(const Session& session, const std::string& notice);
  core::HttpResponse PostRollout(const core::HttpRequest& request, const std::string& id,
                                 const Session& session);
  // dashboard_help.cpp
  std::string HelpSection(std::int64_t now, const Session& session, const std::string& commune);
  std::optional<core::HttpResponse> HandleHelp(const core::HttpRequest& request,
                                               const std::string& path, const Session& session);
  core::HttpResponse PostHelpAnswer(const std::string& call_id, const Session& session);
  core::HttpResponse StaffPage(const Session& session, const std::string& notice);
  core::HttpResponse PostStaff(const core::HttpRequest& request, const Session& session);
  core::HttpResponse PostRevokeStaff(const std::string& staff_id, const Session& session);

  FleetDesk& fleet_;
  core::RandomSource& random_;
  RolloutDesk* rollouts_;
  HelpDesk* help_;
  std::mutex random_mutex_;
  int session_hours_;
  LoginThrottle throttle_;
  std::string metrics_token_hash_;
  std::function<std::string()> more_metrics_;
  const i18n::Translator* words_ = nullptr;
  std::map<std::string, std::string> commune_names_;
  std::map<std::string, std::string> procedure_names_;
  DossierStore* dossiers_ = nullptr;
};

}  // namespace kiosk::gateway
