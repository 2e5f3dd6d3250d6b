#include "kiosk/gateway/dashboard.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "form.h"
#include "html.h"
#include "kiosk/core/device_config.h"
#include "kiosk/core/encoding.h"
#include "kiosk/core/hash.h"
#include "kiosk/core/log.h"
#include "kiosk/core/secret.h"
#include "kiosk/core/text.h"

namespace kiosk::gateway {

using core::Expected;
using core::HttpRequest;
using core::HttpResponse;
using nlohmann::json;
namespace klog = core::log;

// ---- Passwords ----

Expected<std::string> HashPassword(const std::string& password, core::RandomSource& random,
                                   unsigned iterations) {
  KIOSK_ASSIGN_OR_RETURN(const auto salt, core::RandomBytes(random, 16));
  KIOSK_ASSIGN_OR_RETURN(
      const auto hash,
      core::Pbkdf2(core::HashAlg::kSha256, core::AsBytes(password), salt, iterations, 32));
  return "pbkdf2-sha256$" + std::to_string(iterations) + "$" + core::HexEncode(salt) + "$" +
         core::HexEncode(hash.View());
}

bool CheckPassword(const std::string& password, const std::string& stored) {
  // pbkdf2-sha256$ITERATIONS$SALT(32 hex)$HASH(64 hex)
  const std::string_view prefix = "pbkdf2-sha256$";
  if (stored.rfind(prefix, 0) != 0) return false;
  const std::string_view rest = std::string_view(stored).substr(prefix.size());
  const auto a = rest.find('$');
  const auto b = a == std::string_view::npos ? a : rest.find('$', a + 1);
  if (b == std::string_view::npos) return false;
  const auto count = core::ParseDecimal(rest.substr(0, a));
  const std::string_view salt_hex = rest.substr(a + 1, b - a - 1);
  const std::string_view hash_hex = rest.substr(b + 1);
  if (!count || *count < 1 || *count > 10'000'000 || salt_hex.size() != 32 ||
      hash_hex.size() != 64) {
    return false;
  }
  const auto iterations = static_cast<unsigned>(*count);
  auto salt = core::HexDecode(salt_hex);
  auto expected = core::HexDecode(hash_hex);
  if (!salt || !expected) return false;
  auto hash = core::Pbkdf2(core::HashAlg::kSha256, core::AsBytes(password), *salt, iterations, 32);
  return hash && core::ConstantTimeEquals(hash->View(), *expected);
}

namespace {

std::string StatusCell(const KioskState& s, const Words& tr_) {
  if (s.view.device.state != "active") {
    return std::string("<span class=\"revoked\">") + tr_("revoked") + "</span>";
  }
  std::string out = s.online ? std::string("<span class=\"online\">") + tr_("online") + "</span>"
                             : std::string("<span class=\"offline\">") + tr_("offline") + "</span>";
  if (s.maintenance) {
    out += std::string(" <span class=\"maintenance\">") + tr_("out of service") + "</span>";
  }
  return out;
}

// The status as data, for tests and scripts: never translated.
std::string StatusWord(const KioskState& s) {
  if (s.view.device.state != "active") return "revoked";
  return s.online ? "online" : "offline";
}

std::string Badges(const KioskState& s, const Words& tr_) {
  std::string out;
  for (const auto& a : s.alerts) {
    out += "<span class=\"alert\" data-alert=\"" + Escape(a) + "\">" + Escape(AlertWords(a, tr_)) +
           "</span>";
  }
  return out;
}

std::string CookieValue(const std::string& header, const std::string& name) {
  std::size_t pos = 0;
  while (pos < header.size()) {
    while (pos < header.size() && header[pos] == ' ') ++pos;
    const auto end = header.find(';', pos);
    const std::string part =
        header.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (part.rfind(name + "=", 0) == 0) return part.substr(name.size() + 1);
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return "";
}

constexpr const char* kCookie = "kiosk_session";
constexpr const char* kLoginCookie = "kiosk_login";
constexpr const char* kLanguageCookie = "kiosk_lang";

// The page's language: ?lang= first, then the cookie, then Vietnamese.
std::string LanguageOf(const HttpRequest& request) {
  const std::string asked = QueryField(request.target, "lang");
  if (asked == "vi" || asked == "en") return asked;
  const std::string kept = CookieValue(request.Header("Cookie"), kLanguageCookie);
  return kept == "en" ? "en" : "vi";
}

}  // namespace

std::optional<Dashboard::Session> Dashboard::CurrentSession(const HttpRequest& request) {
  const std::string id = CookieValue(request.Header("Cookie"), kCookie);
  if (id.size() != 64) return std::nullopt;
  const std::string id_hash = Sha256Hex(id);
  auto found =
      fleet_.Stores().operators->FindSession(id_hash, core::UnixMillis(fleet_.Clock().Now()));
  if (!found || !*found) return std::nullopt;
  Session session;
  session.id_hash = id_hash;
  session.record = **found;
  return session;
}

// Prometheus on the same host scrapes freely; from elsewhere it needs the
// scrape token ([operator] metrics_token_file) or an operator's session.
bool Dashboard::MetricsAllowed(const HttpRequest& request) {
  if (request.peer_address == "127.0.0.1") return true;
  const std::string auth = request.Header("Authorization");
  if (!metrics_token_hash_.empty() && auth.rfind("Bearer ", 0) == 0) {
    const std::string presented = Sha256Hex(auth.substr(7));
    if (core::ConstantTimeEquals(core::AsBytes(presented), core::AsBytes(metrics_token_hash_))) {
      return true;
    }
  }
  return CurrentSession(request).has_value();
}

std::string Dashboard::Commune(const std::string& code) const {
  const auto it = commune_names_.find(code);
  return it == commune_names_.end() ? Escape(code)
                                    : Escape(it->second) + " <small>(" + Escape(code) + ")</small>";
}

std::string Dashboard::PageHeader(const Session& session) const {
  return Header(session.record.operator_name, session.record.csrf_token, session.tr, session.lang);
}

std::optional<HttpResponse> Dashboard::Handle(const HttpRequest& request) {
  const std::string path(TargetPath(request.target));
  if (path == "/metrics" && request.method == "GET") {
    if (!MetricsAllowed(request)) {
      return HttpResponse{401,
                          {{"Content-Type", "text/plain"}, {"WWW-Authenticate", "Bearer"}},
                          "a scrape token, an operator's session or loopback\n"};
    }
    auto text = fleet_.Metrics();
    if (!text) return HttpResponse{503, {{"Content-Type", "text/plain"}}, "store unavailable\n"};
    if (more_metrics_) *text += more_metrics_();
    return HttpResponse{200, {{"Content-Type", "text/plain; version=0.0.4; charset=utf-8"}}, *text};
  }
  if (path == "/fleet/style.css") {
    return HttpResponse{
        200, {{"Content-Type", "text/css"}, {"Cache-Control", "max-age=3600"}}, kStyle};
  }
  const bool ours = path == "/" || path == "/login" || path == "/logout" || path == "/fleet" ||
                    path.rfind("/fleet/", 0) == 0;
  if (!ours) return std::nullopt;
  const std::string lang = LanguageOf(request);
  const Words tr_ = words_ != nullptr ? words_->In(lang) : Words();
  auto response = [&]() -> HttpResponse {
    if (path == "/login") return Login(request, tr_, lang);
    auto session = CurrentSession(request);
    if (!session) return Redirect("/login");
    session->tr = tr_;
    session->lang = lang;
    if (request.method == "POST") {
      // A form from this site carries the session's token; a cross-site one
      // cannot read it. Browsers that send Origin must name this site.
      const std::string origin = request.Header("Origin");
      const std::string host = request.Header("Host");
      const bool same_origin = origin.empty() || origin == "https://" + host;
      const std::string csrf = FormField(request.body, "csrf");
      if (!same_origin || csrf.empty() ||
          !core::ConstantTimeEquals(core::AsBytes(csrf),
                                    core::AsBytes(session->record.csrf_token))) {
        klog::Warn("dashboard.csrf_refused", {{"operator", session->record.operator_name}});
        return Page(403, tr_("Refused"),
                    std::string("<main><h1>") + tr_("Refused") + "</h1><p>" +
                        tr_("This form has expired or did not come from the dashboard.") +
                        " <a href=\"/fleet\">" + tr_("Back") + "</a></p></main>",
                    0, lang);
      }
    }
    if (path == "/logout" && request.method == "POST") {
      (void)fleet_.Stores().operators->DeleteSession(session->id_hash);
      return Redirect("/login", {{"Set-Cookie", std::string(kCookie) +
                                                    "=; Path=/; Max-Age=0; HttpOnly; Secure; "
                                                    "SameSite=Strict"}});
    }
    if (path == "/" && request.method == "GET") return Redirect("/fleet");
    if (path == "/fleet" && request.method == "GET") return FleetPage(request, *session);
    if (path == "/fleet/figures" && request.method == "GET") {
      return FiguresPage(request, *session);
    }
    if (path == "/fleet/tokens" && request.method == "POST") return PostToken(request, *session);
    if (rollouts_ != nullptr) {
      if (path == "/fleet/updates" && request.method == "GET") return UpdatesPage(*session, "");
      const std::string_view start = "/fleet/updates/rollouts";
      if (path.rfind(start, 0) == 0 && request.method == "POST") {
        std::string rest = path.substr(start.size());
        if (rest.empty() || rest[0] == '/') {
          return PostRollout(request, rest.empty() ? "" : rest.substr(1), *session);
        }
      }
    }
    if (auto answer = HandleHelp(request, path, *session)) return *answer;
    const std::string_view kiosks = "/fleet/kiosks/";
    if (path.rfind(kiosks, 0) == 0) {
      std::string kiosk_id = path.substr(kiosks.size());
      const bool commands = kiosk_id.ends_with("/commands");
      if (commands) kiosk_id.resize(kiosk_id.size() - std::string_view("/commands").size());
      if (core::IsValidKioskId(kiosk_id)) {
        if (commands && request.method == "POST") return PostCommand(request, kiosk_id, *session);
        if (!commands && request.method == "GET") return KioskPage(kiosk_id, *session, "");
      }
    }
    const std::string_view logs = "/fleet/logs/";
    const auto log_id = path.rfind(logs, 0) == 0
                            ? core::ParseDecimal(std::string_view(path).substr(logs.size()))
                            : std::nullopt;
    if (log_id && request.method == "GET") {
      auto text = fleet_.Stores().commands->FindLog(*log_id);
      if (!text || !*text) {
        return Page(404, tr_("No log"),
                    std::string("<main><p>") + tr_("No such log.") + "</p></main>", 0, lang);
      }
      return HttpResponse{200,
                          {{"Content-Type", "text/plain; charset=utf-8"},
                           {"X-Content-Type-Options", "nosniff"},
                           {"Cache-Control", "no-store"}},
                          **text};
    }
    return Page(404, tr_("Not found"),
                std::string("<main><p>") + tr_("No such page.") + " <a href=\"/fleet\">" +
                    tr_("Fleet") + "</a></p></main>",
                0, lang);
  }();
  // A language asked for is kept for the next pages.
  if (!QueryField(request.target, "lang").empty()) {
    response.headers.emplace_back("Set-Cookie", std::string(kLanguageCookie) + "=" + lang +
                                                    "; Path=/; Max-Age=31536000; Secure; "
                                                    "SameSite=Strict");
  }
  return response;
}

HttpResponse Dashboard::Login(const HttpRequest& request, const Words& tr_,
                              const std::string& lang) {
  // The login form has its own CSRF token (a cookie for /login and the same
  // value in the form), so no other site can post a login in a browser.
  auto form = [&](int status, const std::string& message, core::HttpHeaders extra = {}) {
    std::string token;
    {
      std::lock_guard lock(random_mutex_);
      auto bytes = core::RandomBytes(random_, 32);
      if (bytes) token = core::HexEncode(*bytes);
    }
    const bool vi = lang != "en";
    std::string body =
        std::string("<main><p><a id=\"language\" href=\"/login?lang=") + (vi ? "en" : "vi") +
        "\">" + (vi ? "English" : "Tiếng Việt") + "</a></p><h1>" +
        tr_("DVC kiosks: operator login") + "</h1>" +
        (message.empty() ? std::string()
                         : "<p class=\"alert\" role=\"alert\">" + message + "</p>") +
        "<form method=\"post\" action=\"/login\">"
        "<input type=\"hidden\" name=\"csrf\" value=\"" +
        token + "\"><p><label>" + tr_("Operator") +
        " <input name=\"user\" autocomplete=\"username\" required></label></p><p><label>" +
        tr_("Password") +
        " <input name=\"password\" type=\"password\" autocomplete=\"current-password\" "
        "required></label></p><p><button type=\"submit\">" +
        tr_("Log in") + "</button></p></form></main>";
    auto page = Page(status, tr_("Operator login"), body, 0, lang);
    page.headers.emplace_back("Set-Cookie", std::string(kLoginCookie) + "=" + token +
                                                "; Path=/login; Max-Age=3600; HttpOnly; Secure; "
                                                "SameSite=Strict");
    for (auto& h : extra) page.headers.push_back(std::move(h));
    return page;
  };
  if (request.method == "GET") return form(200, "");
  if (request.method != "POST") return form(405, "");
  const std::string origin = request.Header("Origin");
  const std::string expected = CookieValue(request.Header("Cookie"), kLoginCookie);
  const std::string csrf = FormField(request.body, "csrf");
  if ((!origin.empty() && origin != "https://" + request.Header("Host")) || expected.size() != 64 ||
      !core::ConstantTimeEquals(core::AsBytes(csrf), core::AsBytes(expected))) {
    klog::Warn("dashboard.login_csrf_refused", {{"address", request.peer_address}});
    return form(403, tr_("This form has expired. Please log in again."));
  }
  const std::string user = FormField(request.body, "user");
  const std::string password = FormField(request.body, "password");
  auto stored = fleet_.Stores().operators->OperatorHash(user);
  if (!stored) return form(503, tr_("Try again."));
  const bool known = stored->has_value();
  // The name is used as a key (and logged) only when it is an account: a
  // mistyped password in the name field stays out of the log.
  const std::string account = known ? user : std::string();
  const std::string source = request.peer_address;
  if (const std::int64_t wait = throttle_.WaitBeforeTry(account, source); wait > 0) {
    klog::Warn("dashboard.login_throttled",
               {{"operator", known ? user : "(not an account)"}, {"address", source}});
    const std::int64_t until = core::UnixMillis(fleet_.Clock().Now()) + wait;
    return form(429,
                Fill(tr_("Too many wrong passwords. Login is paused until {1} (Vietnam time)."),
                     {LocalTime(until).substr(11)}),
                {{"Retry-After", std::to_string((wait + 999) / 1000)}});
  }
  // An unknown operator costs the same work as a wrong password.
  constexpr const char* kDummy =
      "pbkdf2-sha256$200000$00000000000000000000000000000000$"
      "0000000000000000000000000000000000000000000000000000000000000000";
  const bool ok = CheckPassword(password, known ? **stored : std::string(kDummy)) && known;
  if (!ok) {
    klog::Warn("dashboard.login_refused",
               {{"operator", known ? user : "(not an account)"}, {"address", source}});
    if (throttle_.Failed(account, source)) {
      const std::int64_t now = core::UnixMillis(fleet_.Clock().Now());
      (void)fleet_.Stores().events->AddEvent({now, "login_locked", user,
                                              std::to_string(LoginThrottle::kLockAfter) +
                                                  " wrong passwords in a row, last from " +
                                                  source});
      klog::Warn("dashboard.login_locked", {{"operator", user}, {"address", source}});
    }
    return form(401, tr_("Wrong operator name or password."));
  }
  throttle_.Succeeded(account, source);
  (void)fleet_.Stores().operators->DeleteExpiredSessions(core::UnixMillis(fleet_.Clock().Now()));
  core::Expected<core::Bytes> id = core::Error::Fatal("dashboard.rng", "not drawn");
  core::Expected<core::Bytes> session_csrf = id;
  {
    std::lock_guard lock(random_mutex_);
    id = core::RandomBytes(random_, 32);
    session_csrf = core::RandomBytes(random_, 32);
  }
  if (!id || !session_csrf) return form(503, tr_("Try again."));
  const std::string cookie = core::HexEncode(*id);
  const std::int64_t expires =
      core::UnixMillis(fleet_.Clock().Now()) + std::int64_t{session_hours_} * 3'600'000;
  if (!fleet_.Stores().operators->AddSession(Sha256Hex(cookie),
                                             {user, core::HexEncode(*session_csrf), expires})) {
    return form(503, tr_("Try again."));
  }
  klog::Info("dashboard.login", {{"operator", user}});
  return Redirect("/fleet",
                  {{"Set-Cookie", std::string(kCookie) + "=" + cookie +
                                      "; Path=/; Max-Age=" + std::to_string(session_hours_ * 3600) +
                                      "; HttpOnly; Secure; SameSite=Strict"}});
}

namespace {
constexpr std::size_t kKiosksPerPage = 100;
constexpr std::size_t kAlertsShown = 100;

struct CommuneCounts {
  int total = 0, online = 0, offline = 0, alerting = 0;
};

// The system image's version and the A/B slot it runs from, then the app's.
std::string VersionCell(const KioskState& s, const Words& tr_) {
  if (s.os_version.empty() && s.app_version.empty()) {
    return std::string("<span class=\"muted\">") + tr_("not reported yet") + "</span>";
  }
  std::string out;
  if (!s.os_version.empty()) {
    out = "<span class=\"os\">" + Fill(tr_("system {1}"), {Escape(s.os_version)});
    if (!s.slot.empty()) out += " " + Fill(tr_("(slot {1})"), {Escape(s.slot)});
    out += "</span><br>";
  }
  if (!s.app_version.empty()) {
    out += "<small>" + Fill(tr_("program {1}"), {Escape(s.app_version)}) + "</small>";
  }
  return out;
}

std::string Bar(std::int64_t part, std::int64_t whole) {
  const std::int64_t percent = whole > 0 ? part * 100 / whole : 0;
  return "<progress max=\"100\" value=\"" + std::to_string(percent) + "\">" +
         std::to_string(percent) + "%</progress> " + std::to_string(part) + "/" +
         std::to_string(whole);
}

// "printer: paper running low" for each device not working as it should.
std::string Peripherals(const KioskState& s, const Words& tr_) {
  std::string out;
  for (const auto& [name, state] : s.peripherals) {
    const bool fine = state == "ok" || state == "closed" || state == "disabled";
    if (fine) continue;
    out += "<span class=\"warn\" data-peripheral=\"" + Escape(name + "=" + state) + "\">" +
           Escape(PeripheralWords(name, tr_)) + ": " + Escape(StateWords(state, tr_)) + "</span>";
  }
  if (out.empty() && s.view.last) {
    out = s.peripherals.empty() ? tr_("not reported") : tr_("all working");
  }
  return out;
}

}  // namespace

std::string Dashboard::KioskRow(const KioskState& s, std::int64_t now, const Words& tr_) const {
  const auto& d = s.view.device;
  return "<tr data-kiosk=\"" + Escape(d.kiosk_id) + "\" data-status=\"" + StatusWord(s) +
         "\"><td><a href=\"/fleet/kiosks/" + Escape(d.kiosk_id) + "\">" + Escape(d.kiosk_id) +
         "</a></td><td>" + Commune(d.commune) + "</td><td>" + StatusCell(s, tr_) + "</td><td>" +
         (s.view.last ? Ago(s.view.last->received_at, now, tr_) : std::string(tr_("never"))) +
         "</td><td>" + Peripherals(s, tr_) + "</td><td>" + std::to_string(s.outbox_depth) +
         (s.outbox_depth > 0 ? " " + Fill(tr_("(oldest {1})"), {Duration(s.oldest_age_s, tr_)})
                             : std::string()) +
         "</td><td>" + VersionCell(s, tr_) + "</td><td>" + Badges(s, tr_) + "</td></tr>";
}

// The whole fleet at a glance, however large: counts, one line per commune,
// the alerts, and the kiosks a page at a time, those with alerts first.
HttpResponse Dashboard::FleetPage(const HttpRequest& request, const Session& session) {
  const auto& tr_ = session.tr;
  auto states = fleet_.States();
  if (!states) {
    return Page(503, tr_("Fleet"),
                std::string("<main><p>") + tr_("The fleet store is unavailable.") + "</p></main>",
                0, session.lang);
  }
  const std::string commune = QueryField(request.target, "commune");
  const std::size_t page = static_cast<std::size_t>(std::max<std::int64_t>(
      1, core::ParseDecimal(QueryField(request.target, "page")).value_or(1)));
  const std::int64_t now = core::UnixMillis(fleet_.Clock().Now());
  std::map<std::string, CommuneCounts> communes;
  int total = 0, online = 0, offline = 0, with_alerts = 0;
  std::size_t alert_count = 0;
  std::string alerts;
  std::vector<const KioskState*> shown;
  for (const auto& s : *states) {
    const auto& d = s.view.device;
    auto& counts = communes[d.commune];
    ++counts.total;
    if (d.state == "active") ++(s.online ? counts.online : counts.offline);
    if (!s.alerts.empty()) ++counts.alerting;
    if (!commune.empty() && d.commune != commune) continue;
    ++total;
    if (d.state == "active") ++(s.online ? online : offline);
    if (!s.alerts.empty()) ++with_alerts;
    shown.push_back(&s);
    for (const auto& a : s.alerts) {
      if (alert_count++ >= kAlertsShown) continue;
      alerts += "<li data-alert=\"" + Escape(a) + "\" data-kiosk=\"" + Escape(d.kiosk_id) +
                "\"><span class=\"alert\">" + Escape(AlertWords(a, tr_)) +
                "</span> <a href=\"/fleet/kiosks/" + Escape(d.kiosk_id) + "\">" +
                Escape(d.kiosk_id) + "</a> · " + Commune(d.commune) + "</li>";
    }
  }
  if (alert_count > kAlertsShown) {
    alerts += "<li>" +
              Fill(tr_("... and {1} more: choose a commune, or see the kiosks below."),
                   {std::to_string(alert_count - kAlertsShown)}) +
              "</li>";
  }
  std::stable_partition(shown.begin(), shown.end(),
                        [](const KioskState* s) { return !s->alerts.empty(); });
  const std::size_t pages =
      std::max<std::size_t>(1, (shown.size() + kKiosksPerPage - 1) / kKiosksPerPage);
  const std::size_t current = std::min(page, pages);
  std::string rows;
  for (std::size_t i = (current - 1) * kKiosksPerPage;
       i < std::min(shown.size(), current * kKiosksPerPage); ++i) {
    rows += KioskRow(*shown[i], now, tr_);
  }
  const std::string base =
      "/fleet?" + (commune.empty() ? "" : "commune=" + Escape(commune) + "&amp;");
  std::string pager;
  if (pages > 1) {
    pager = "<p class=\"pager\">" +
            Fill(tr_("Page {1} of {2} ({3} kiosks, alerts first)"),
                 {std::to_string(current), std::to_string(pages), std::to_string(shown.size())});
    if (current > 1) {
      pager += " · <a rel=\"prev\" href=\"" + base + "page=" + std::to_string(current - 1) + "\">" +
               tr_("previous") + "</a>";
    }
    if (current < pages) {
      pager += " · <a rel=\"next\" href=\"" + base + "page=" + std::to_string(current + 1) + "\">" +
               tr_("next") + "</a>";
    }
    pager += "</p>";
  }
  std::string commune_rows;
  if (commune.empty() && communes.size() > 1) {
    for (const auto& [code, c] : communes) {
      commune_rows += "<tr data-commune=\"" + Escape(code) +
                      "\"><td><a href=\"/fleet?commune=" + Escape(code) + "\">" + Commune(code) +
                      "</a></td><td>" + std::to_string(c.total) + "</td><td>" +
                      std::to_string(c.online) + "</td><td>" + std::to_string(c.offline) +
                      "</td><td>" + std::to_string(c.alerting) + "</td></tr>";
    }
  }
  std::string options = std::string("<option value=\"\">") + tr_("all communes") + "</option>";
  for (const auto& [c, counts] : communes) {
    const auto named = commune_names_.find(c);
    options += "<option value=\"" + Escape(c) + "\"" + (c == commune ? " selected" : "") + ">" +
               Escape(named == commune_names_.end() ? c : named->second + " (" + c + ")") +
               "</option>";
  }
  const std::string csrf = Escape(session.record.csrf_token);
  std::string body = PageHeader(session) + "<main>";
  body += std::string("<div class=\"cards\"><div class=\"card\">") + tr_("Kiosks") +
          "<b id=\"total\">" + std::to_string(total) + "</b></div><div class=\"card\">" +
          tr_("Online") + "<b id=\"online\">" + std::to_string(online) +
          "</b></div><div class=\"card\">" + tr_("Offline") + "<b id=\"offline\">" +
          std::to_string(offline) + "</b></div><div class=\"card\">" + tr_("With alerts") +
          "<b id=\"alerting\">" + std::to_string(with_alerts) + "</b></div></div>";
  body += std::string("<form method=\"get\" action=\"/fleet\"><label>") + tr_("Commune") +
          " <select name=\"commune\">" + options + "</select></label> <button type=\"submit\">" +
          tr_("Show") + "</button></form>";
  if (!commune_rows.empty()) {
    body += std::string("<section><h2>") + tr_("Communes") +
            "</h2><table id=\"communes\"><thead><tr><th>" + tr_("Commune") + "</th><th>" +
            tr_("Kiosks") + "</th><th>" + tr_("Online") + "</th><th>" + tr_("Offline") +
            "</th><th>" + tr_("With alerts") + "</th></tr></thead><tbody>" + commune_rows +
            "</tbody></table></section>";
  }
  body += HelpSection(now, session, commune);
  body += std::string("<section><h2>") + tr_("Alerts") + "</h2>" +
          (alerts.empty() ? std::string("<p id=\"no-alerts\">") + tr_("No alerts.") + "</p>"
                          : "<ul id=\"alerts\">" + alerts + "</ul>") +
          "</section>" + SecurityEvents(now, tr_);
  body += std::string("<section><h2>") + tr_("The kiosks") +
          "</h2><table id=\"fleet\"><thead><tr><th>" + tr_("Kiosk") + "</th><th>" + tr_("Commune") +
          "</th><th>" + tr_("Status") + "</th><th>" + tr_("Last heartbeat") + "</th><th>" +
          tr_("Devices") + "</th><th>" + tr_("Dossiers waiting to upload") + "</th><th>" +
          tr_("Version") + "</th><th>" + tr_("Alerts") + "</th></tr></thead><tbody>" + rows +
          "</tbody></table>" + pager + "</section>";
  body += std::string("<section><h2>") + tr_("Enroll a kiosk") +
          "</h2><form method=\"post\" action=\"/fleet/tokens\">"
          "<input type=\"hidden\" name=\"csrf\" value=\"" +
          csrf + "\"><label>" + tr_("Commune code") +
          " <input name=\"commune\" required pattern=\"[0-9A-Za-z.-]+\"></label> <label>" +
          tr_("Agency code") +
          " <input name=\"agency\" required pattern=\"[0-9A-Za-z.-]+\"></label> "
          "<label>" +
          tr_("Kiosk id (blank: any new id)") +
          " <input name=\"kiosk_id\" pattern=\"[0-9A-Z-]+\"></label> <label>" +
          tr_("Valid for (hours)") +
          " <input name=\"hours\" type=\"number\" min=\"1\" max=\"720\" value=\"24\"></label> "
          "<button type=\"submit\">" +
          tr_("Issue a one-time token") + "</button></form></section></main>";
  return Page(200, tr_("Fleet"), body, 15, session.lang);
}

// Re-enrollments and refused logins of the last week, newest first.
std::string Dashboard::SecurityEvents(std::int64_t now, const Words& tr_) {
  constexpr std::int64_t kWeekMs = 7 * 86'400'000LL;
  auto events = fleet_.Stores().events->Events(now - kWeekMs, 50);
  if (!events || events->empty()) return "";
  std::string items;
  for (const auto& e : *events) {
    items += "<li data-event=\"" + Escape(e.kind) + "\" data-subject=\"" + Escape(e.subject) +
             "\"><span class=\"alert\">" + Escape(AlertWords(e.kind, tr_)) + "</span> " +
             Escape(e.subject) + " · " + Escape(e.detail) + " · " + LocalTime(e.at) + "</li>";
  }
  return std::string("<section><h2>") + tr_("Security events (7 days)") +
         "</h2><ul id=\"events\">" + items + "</ul></section>";
}

HttpResponse Dashboard::KioskPage(const std::string& kiosk_id, const Session& session,
                                  const std::string& notice) {
  const auto& tr_ = session.tr;
  auto unavailable = [&](int status, const char* why) {
    return Page(status, kiosk_id, std::string("<main><p>") + why + "</p></main>", 0, session.lang);
  };
  auto device = fleet_.Stores().devices->FindDevice(kiosk_id);
  if (!device) return unavailable(503, tr_("The fleet store is unavailable."));
  if (!*device) return unavailable(404, tr_("No such kiosk."));
  auto history = fleet_.Stores().devices->History(kiosk_id, 50);
  auto commands = fleet_.Stores().commands->Commands(kiosk_id, 30);
  if (!history || !commands) return unavailable(503, tr_("Try again."));
  KioskView view{**device, std::nullopt};
  if (!history->empty()) view.last = history->front();
  const KioskState s = fleet_.StateOf(view);
  const std::int64_t now = core::UnixMillis(fleet_.Clock().Now());
  const std::string csrf = Escape(session.record.csrf_token);
  std::string body = PageHeader(session) + "<main>";
  if (!notice.empty()) body += "<p class=\"notice\" role=\"status\">" + notice + "</p>";
  body += "<h1>" + Escape(kiosk_id) + "</h1><p>" + Commune(s.view.device.commune) + " · " +
          Fill(tr_("agency {1}"), {Escape(s.view.device.agency)}) + " · " +
          Fill(tr_("certificate {1}"), {Escape(s.view.device.serial.substr(0, 16)) + "..."}) +
          " · <span id=\"status\" data-status=\"" + StatusWord(s) + "\">" + StatusCell(s, tr_) +
          "</span> · " + tr_("last heartbeat") + " " +
          (s.view.last ? Ago(s.view.last->received_at, now, tr_) + " (" +
                             LocalTime(s.view.last->received_at) + ")"
                       : std::string(tr_("never"))) +
          " " + Badges(s, tr_) + "</p>";
  if (s.view.last) {
    const json last = json::parse(s.view.last->body, nullptr, false);
    body += std::string("<section><h2>") + tr_("Now") + "</h2><table><tr><th>" + tr_("Device") +
            "</th><th>" + tr_("State") + "</th></tr>";
    for (const auto& [name, state] : s.peripherals) {
      body += "<tr data-peripheral=\"" + Escape(name) + "\"><td>" +
              Escape(PeripheralWords(name, tr_)) + "</td><td>" + Escape(StateWords(state, tr_)) +
              "</td></tr>";
    }
    body += std::string("</table><table><tr><th>") + tr_("Since the kiosk started") + "</th><th>" +
            tr_("Count") + "</th></tr>";
    if (last.contains("counters")) {
      for (const auto& [name, value] : last["counters"].items()) {
        body += "<tr data-counter=\"" + Escape(name) + "\"><td>" + Escape(CounterWords(name, tr_)) +
                "</td><td>" + value.dump() + "</td></tr>";
      }
    }
    std::string versions;
    const json reported = last.contains("versions") && last["versions"].is_object()
                              ? last["versions"]
                              : json::object();
    for (const auto& [part, version] : reported.items()) {
      if (!version.is_string()) continue;
      const std::string name = part == "os"      ? tr_("system")
                               : part == "app"   ? tr_("kiosk program")
                               : part == "agent" ? tr_("connection service")
                               : part == "slot"  ? tr_("slot")
                                                 : part;
      versions +=
          (versions.empty() ? "" : ", ") + Escape(name) + " " + Escape(version.get<std::string>());
    }
    std::string errors;
    if (last["errors"].is_array()) {
      for (const auto& e : last["errors"]) {
        if (e.is_string()) errors += (errors.empty() ? "" : ", ") + Escape(e.get<std::string>());
      }
    }
    body += std::string("</table><p id=\"versions\">") + tr_("Versions:") + " " +
            (versions.empty() ? std::string(tr_("not reported yet")) : versions) + " · " +
            Fill(tr_("running for {1}"), {Duration(last.value("uptime_s", std::int64_t{0}), tr_)}) +
            " · " +
            Fill(tr_("{1} MB of disk free"),
                 {std::to_string(last["disk"].value("free_mb", std::int64_t{0}))}) +
            " · " +
            (last["temperature_c"].is_null()
                 ? std::string(tr_("temperature not measured"))
                 : Fill(tr_("temperature {1}"), {last["temperature_c"].dump() + " °C"})) +
            " · " + tr_("recent errors:") + " " +
            (errors.empty() ? std::string(tr_("none")) : errors) + "</p></section>";
  }
  if (rollouts_ != nullptr) {
    auto update = rollouts_->LastUpdate(kiosk_id);
    if (update && *update) {
      const auto& u = **update;
      body += std::string("<section><h2>") + tr_("Update") + "</h2><p id=\"update\" data-state=\"" +
              Escape(u.state) + "\">" +
              Fill(tr_("Rollout {1} to {2}:"), {std::to_string(u.rollout), Escape(u.version)}) +
              " <b>" + Escape(UpdateStateWords(u.state, tr_)) + "</b>" +
              (u.state == "downloading" ? " " + std::to_string(u.progress) + "%" : "") + " · " +
              Escape(u.detail) + " · " + Ago(u.updated_at, now, tr_) + "</p></section>";
    }
  }
  body += std::string("<section><h2>") + tr_("Re-provisioning") + "</h2><p>" +
          tr_("A new key and certificate for this kiosk; its current certificate is revoked "
              "when the technician uses the token.") +
          "</p><form method=\"post\" action=\"/fleet/tokens\"><input type=\"hidden\" "
          "name=\"csrf\" value=\"" +
          csrf + "\"><input type=\"hidden\" name=\"reenroll\" value=\"" + Escape(kiosk_id) +
          "\"><button type=\"submit\" id=\"reenroll\">" + tr_("Issue a re-enroll token") +
          "</button></form></section>";
  std::string kinds;
  for (const auto k : kCommandKinds) {
    kinds += "<option value=\"" + std::string(k) + "\">" +
             Escape(CommandWords(std::string(k), tr_)) + "</option>";
  }
  body += std::string("<section><h2>") + tr_("Commands") +
          "</h2><form method=\"post\" action=\"/fleet/kiosks/" + Escape(kiosk_id) +
          "/commands\"><input type=\"hidden\" name=\"csrf\" value=\"" + csrf + "\"><label>" +
          tr_("Command") + " <select name=\"kind\" id=\"kind\">" + kinds +
          "</select></label> <label>" + tr_("Settings (change settings only, JSON)") +
          " <input name=\"settings\" size=\"40\" placeholder='{\"heartbeat_interval_s\": "
          "30}'></label> <button type=\"submit\" id=\"send\">" +
          tr_("Send") + "</button></form>";
  body += std::string("<table id=\"commands\"><tr><th>#</th><th>") + tr_("Command") + "</th><th>" +
          tr_("State") + "</th><th>" + tr_("By") + "</th><th>" + tr_("Issued") + "</th><th>" +
          tr_("Finished") + "</th><th>" + tr_("Result") + "</th></tr>";
  for (const auto& c : *commands) {
    std::string result = Escape(c.result);
    if (c.kind == "upload_logs" && c.state == "done") {
      result += " <a href=\"/fleet/logs/" + std::to_string(c.id) + "\">" + tr_("log") + "</a>";
    }
    body += "<tr data-command=\"" + std::to_string(c.id) + "\" data-kind=\"" + Escape(c.kind) +
            "\" data-state=\"" + Escape(c.state) + "\"><td>" + std::to_string(c.id) + "</td><td>" +
            Escape(CommandWords(c.kind, tr_)) + "</td><td>" +
            Escape(CommandStateWords(c.state, tr_)) + "</td><td>" + Escape(c.issued_by) +
            "</td><td>" + LocalTime(c.created_at) + "</td><td>" +
            (c.finished_at ? LocalTime(c.finished_at) : std::string()) + "</td><td>" + result +
            "</td></tr>";
  }
  body += std::string("</table></section><section><h2>") + tr_("History") +
          "</h2><table id=\"history\"><tr><th>" + tr_("Received") + "</th><th>" +
          tr_("Waiting to upload") + "</th><th>" + tr_("Oldest") + "</th><th>" +
          tr_("Receipt printer") + "</th><th>" + tr_("ID card reader") + "</th><th>" +
          tr_("Temperature") + "</th><th>" + tr_("Errors") + "</th></tr>";
  for (const auto& h : *history) {
    const json b = json::parse(h.body, nullptr, false);
    if (!b.is_object()) continue;
    const json p = b.value("peripherals", json::object());
    std::string errors;
    if (b["errors"].is_array()) {
      for (const auto& e : b["errors"]) {
        if (e.is_string()) errors += (errors.empty() ? "" : ", ") + Escape(e.get<std::string>());
      }
    }
    body += "<tr><td>" + LocalTime(h.received_at) + "</td><td>" +
            std::to_string(b["outbox"].value("depth", 0)) + "</td><td>" +
            Duration(b["outbox"].value("oldest_age_s", std::int64_t{0}), tr_) + "</td><td>" +
            Escape(StateWords(p.value("printer", ""), tr_)) + "</td><td>" +
            Escape(StateWords(p.value("card_reader", ""), tr_)) + "</td><td>" +
            (b["temperature_c"].is_null() ? "" : b["temperature_c"].dump() + " °C") + "</td><td>" +
            errors + "</td></tr>";
  }
  body += "</table></section></main>";
  return Page(200, kiosk_id, body, notice.empty() ? 10 : 0, session.lang);
}

HttpResponse Dashboard::PostCommand(const HttpRequest& request, const std::string& kiosk_id,
                                    const Session& session) {
  const auto& tr_ = session.tr;
  const std::string kind = FormField(request.body, "kind");
  std::string args;
  if (kind == "config") {
    const json settings = json::parse(FormField(request.body, "settings"), nullptr, false);
    if (!settings.is_object()) {
      return KioskPage(kiosk_id, session, tr_("The settings must be a JSON object."));
    }
    args = json{{"settings", settings}}.dump();
  }
  auto id = fleet_.IssueCommand(kiosk_id, kind, args, session.record.operator_name);
  if (!id) return KioskPage(kiosk_id, session, Escape(id.GetError().Message()));
  return KioskPage(
      kiosk_id, session,
      Fill(tr_("Command {1} ({2}) queued: the kiosk receives it with its next heartbeat."),
           {std::to_string(*id), Escape(CommandWords(kind, tr_))}));
}

HttpResponse Dashboard::PostToken(const HttpRequest& request, const Session& session) {
  const auto& tr_ = session.tr;
  const std::string commune = FormField(request.body, "commune");
  const std::string agency = FormField(request.body, "agency");
  const std::string hours_text = FormField(request.body, "hours");
  int hours = 24;
  if (!hours_text.empty() && std::all_of(hours_text.begin(), hours_text.end(), ::isdigit) &&
      hours_text.size() < 5) {
    hours = std::stoi(hours_text);
  }
  const std::string kiosk_id = FormField(request.body, "kiosk_id");
  const std::string reenroll = FormField(request.body, "reenroll");
  const std::string& by = session.record.operator_name;
  auto token = reenroll.empty() ? fleet_.CreateToken(commune, agency, hours * 3600, by, kiosk_id)
                                : fleet_.CreateReenrollToken(reenroll, hours * 3600, by);
  std::string body = PageHeader(session) + "<main>";
  if (!token) {
    body += "<p class=\"alert\">" + Escape(token.GetError().Message()) + "</p>";
  } else {
    const std::string what =
        !reenroll.empty() ? Fill(tr_("To re-enroll kiosk {1}"), {Escape(reenroll)})
        : kiosk_id.empty()
            ? Fill(tr_("For a new kiosk in commune {1}"), {Commune(commune)})
            : Fill(tr_("For kiosk {1} in commune {2}"), {Escape(kiosk_id), Commune(commune)});
    body += std::string("<h1>") + tr_("One-time enrollment token") + "</h1><p>" + what + ", " +
            Fill(tr_("valid for {1} h, usable once. Read it to the technician; it is not shown "
                     "again."),
                 {std::to_string(hours)}) +
            "</p><p class=\"token\" id=\"token\">" + Escape(*token) + "</p>";
  }
  body += std::string("<p><a href=\"/fleet\">") + tr_("Back to the fleet") + "</a></p></main>";
  return Page(token ? 200 : 400, tr_("Enrollment token"), body, 0, session.lang);
}

HttpResponse Dashboard::UpdatesPage(const Session& session, const std::string& notice) {
  const auto& tr_ = session.tr;
  auto bundles = rollouts_->Bundles();
  auto rollouts = rollouts_->Rollouts();
  if (!bundles || !rollouts) {
    return Page(503, tr_("Updates"), std::string("<main><p>") + tr_("Try again.") + "</p></main>",
                0, session.lang);
  }
  const std::string csrf = Escape(session.record.csrf_token);
  const std::string hidden = "<input type=\"hidden\" name=\"csrf\" value=\"" + csrf + "\">";
  std::string body = PageHeader(session) + "<main>";
  if (!notice.empty()) body += "<p class=\"notice\" role=\"status\">" + notice + "</p>";
  body += std::string("<section><h2>") + tr_("Rollouts") +
          "</h2><table id=\"rollouts\"><thead><tr><th>#</th><th>" + tr_("Version") + "</th><th>" +
          tr_("Target") + "</th><th>" + tr_("State") + "</th><th>" + tr_("Finished") + "</th><th>" +
          tr_("Updated") + "</th><th>" + tr_("Under way") + "</th><th>" + tr_("Failed") +
          "</th><th>" + tr_("Went back") + "</th><th>" + tr_("Change") +
          "</th></tr></thead><tbody>";
  for (const auto& v : *rollouts) {
    const auto& r = v.rollout;
    std::string communes;
    for (const auto& c : r.communes) communes += (communes.empty() ? "" : ", ") + Commune(c);
    const std::int64_t under_way = [&] {
      std::int64_t n = 0;
      for (const auto& [state, count] : v.states) n += IsFinalUpdateState(state) ? 0 : count;
      return n;
    }();
    const std::string id = std::to_string(r.id);
    body +=
        "<tr data-rollout=\"" + id + "\" data-state=\"" + Escape(r.state) + "\" data-targeted=\"" +
        std::to_string(v.targeted) + "\" data-good=\"" + std::to_string(v.Count("good")) +
        "\"><td>" + id + "</td><td>" + Escape(r.bundle.version) + "<br><small>" +
        Escape(r.bundle.sha256.substr(0, 12)) + "...</small></td><td>" +
        Fill(communes.empty() ? tr_("{1}% of all communes ({2} kiosks)")
                              : tr_("{1}% of {3} ({2} kiosks)"),
             {std::to_string(r.percent), std::to_string(v.targeted), communes}) +
        "</td><td>" + Escape(UpdateStateWords(r.state, tr_)) + "<br><small>" +
        Escape(r.created_by) + ", " + LocalTime(r.created_at) + "</small></td><td>" +
        Bar(v.Finished(), v.targeted) + "</td><td>" + std::to_string(v.Count("good")) +
        "</td><td>" + std::to_string(under_way) + "</td><td>" + std::to_string(v.Count("failed")) +
        "</td><td>" + std::to_string(v.Count("rolled_back")) + "</td><td><form class=\"inline\" " +
        "method=\"post\" action=\"/fleet/updates/rollouts/" + id + "\">" + hidden +
        "<input name=\"percent\" type=\"number\" min=\"0\" max=\"100\" value=\"" +
        std::to_string(r.percent) + "\" aria-label=\"percent\"> <button type=\"submit\" " +
        "name=\"action\" value=\"percent\">" + tr_("Set %") +
        "</button> <button type=\"submit\" name=\"action\" value=\"" +
        (r.state == "active" ? "pause" : "resume") + "\">" +
        (r.state == "active" ? tr_("Pause") : tr_("Resume")) + "</button></form></td></tr>";
  }
  body += "</tbody></table></section>";
  std::string options;
  body += std::string("<section><h2>") + tr_("Bundles") +
          "</h2><table id=\"bundles\"><thead><tr><th>" + tr_("Version") + "</th><th>" + tr_("For") +
          "</th><th>" + tr_("Size") + "</th><th>SHA-256</th><th>" + tr_("Added") +
          "</th></tr></thead><tbody>";
  for (const auto& b : *bundles) {
    body += "<tr><td>" + Escape(b.version) + "</td><td>" + Escape(b.compatible) + "</td><td>" +
            std::to_string((b.size + 1023) / 1024) + " KiB</td><td><code>" + Escape(b.sha256) +
            "</code></td><td>" + Escape(b.added_by) + ", " + LocalTime(b.added_at) + "</td></tr>";
    options += "<option value=\"" + Escape(b.sha256) + "\">" + Escape(b.version) + " (" +
               Escape(b.compatible) + ")</option>";
  }
  body += std::string("</tbody></table><p>") +
          tr_("Bundles are added with kiosk-fleetctl bundle add; the kiosks check their "
              "signature before installing.") +
          "</p></section>";
  if (!options.empty()) {
    body += std::string("<section><h2>") + tr_("Start a rollout") +
            "</h2><form method=\"post\" action=\"/fleet/updates/rollouts\">" + hidden + "<label>" +
            tr_("Bundle") + " <select name=\"bundle\">" + options + "</select></label> <label>" +
            tr_("Per cent of kiosks") +
            " <input name=\"percent\" type=\"number\" min=\"0\" max=\"100\" value=\"10\"></label> "
            "<label>" +
            tr_("Only communes (codes, comma-separated)") +
            " <input name=\"communes\" pattern=\"[0-9, ]*\"></label> <label><input "
            "type=\"checkbox\" name=\"downgrade\" value=\"yes\"> " +
            tr_("Downgrade: kiosks running a newer version go back to this one") +
            "</label> <button type=\"submit\">" + tr_("Start") + "</button></form></section>";
  }
  body += "</main>";
  return Page(200, tr_("Updates"), body, notice.empty() ? 15 : 0, session.lang);
}

HttpResponse Dashboard::PostRollout(const HttpRequest& request, const std::string& id,
                                    const Session& session) {
  const auto& tr_ = session.tr;
  const auto percent = core::ParseDecimal(FormField(request.body, "percent"));
  if (id.empty()) {
    std::vector<std::string> communes;
    std::string list = FormField(request.body, "communes");
    std::string current;
    for (char c : list + ",") {
      if (c == ',' || c == ' ') {
        if (!current.empty()) communes.push_back(current);
        current.clear();
      } else {
        current += c;
      }
    }
    auto started = rollouts_->StartRollout(
        FormField(request.body, "bundle"),
        static_cast<int>(std::clamp<std::int64_t>(percent.value_or(-1), -1, 101)), communes,
        session.record.operator_name, FormField(request.body, "downgrade") == "yes");
    if (!started) return UpdatesPage(session, Escape(started.GetError().Message()));
    return UpdatesPage(
        session,
        Fill(tr_("Rollout {1} started: targeted kiosks get the offer with their next heartbeat."),
             {std::to_string(*started)}));
  }
  const auto rollout = core::ParseDecimal(id);
  if (!rollout) return UpdatesPage(session, tr_("No such rollout."));
  const std::string action = FormField(request.body, "action");
  core::Status changed;
  if (action == "pause" || action == "resume") {
    changed = rollouts_->SetState(*rollout, action == "pause" ? "paused" : "active");
  } else {
    changed = rollouts_->SetPercent(
        *rollout, static_cast<int>(std::clamp<std::int64_t>(percent.value_or(-1), -1, 101)));
  }
  if (!changed) return UpdatesPage(session, Escape(changed.GetError().Message()));
  klog::Info(
      "dashboard.rollout_changed",
      {{"operator", session.record.operator_name}, {"rollout", *rollout}, {"action", action}});
  return UpdatesPage(session, Fill(tr_("Rollout {1} changed."), {Escape(id)}));
}

}  // namespace kiosk::gateway
