// The dashboard's HTML: escaping, the page frame and its headers, the
// operator's header bar, and times as people read them.

#include "html.h"

namespace kiosk::gateway {

using core::HttpResponse;

std::string Escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

const char* const kStyle = R"css(
body{font-family:"Noto Sans",sans-serif;margin:0;color:#1b1b1b;background:#f4f6f8}
header{background:#0b2d5b;color:#fff;padding:.6em 1.2em;display:flex;gap:1em;align-items:center}
header h1{font-size:1.2em;margin:0;flex:1}
header a{color:#fff}
main{padding:1em 1.2em}
table{border-collapse:collapse;background:#fff;width:100%;font-size:.9em}
th,td{border:1px solid #d0d5da;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#e9edf1}
.online{color:#1b6e20;font-weight:bold}.offline{color:#b00020;font-weight:bold}
.revoked{color:#666}.maintenance{color:#8a5a00;font-weight:bold}
.alert{background:#fde7e9;color:#8a0010;border-radius:3px;padding:0 .3em;margin-right:.2em}
.warn{background:#fff4ce;color:#6b4a00;border-radius:3px;padding:0 .3em;margin-right:.2em}
.cards{display:flex;gap:1em;margin-bottom:1em}
.card{background:#fff;border:1px solid #d0d5da;padding:.6em 1em;min-width:8em}
.card b{display:block;font-size:1.6em}
form.inline{display:inline}
.notice{background:#e6f4ea;border:1px solid #1b6e20;padding:.5em 1em;margin-bottom:1em}
.token{font-family:monospace;font-size:1.6em;letter-spacing:.1em}
section{margin-bottom:1.5em}
)css";

// Browsers that have seen the dashboard once never try it over plain HTTP.
constexpr const char* kHsts = "max-age=31536000";

HttpResponse Page(int status, const std::string& title, const std::string& body, int refresh_s,
                  const std::string& lang) {
  std::string html =
      "<!DOCTYPE html><html lang=\"" + Escape(lang) + "\"><head><meta charset=\"utf-8\">";
  html += "<meta name=\"viewport\" content=\"width=device-width\">";
  if (refresh_s > 0) {
    html += "<meta http-equiv=\"refresh\" content=\"" + std::to_string(refresh_s) + "\">";
  }
  html += "<title>" + Escape(title) + "</title><link rel=\"stylesheet\" href=\"/fleet/style.css\">";
  html += "</head><body>" + body + "</body></html>";
  return HttpResponse{status,
                      {{"Content-Type", "text/html; charset=utf-8"},
                       {"Cache-Control", "no-store"},
                       {"Content-Security-Policy",
                        "default-src 'none'; style-src 'self'; form-action 'self'; "
                        "frame-ancestors 'none'; base-uri 'none'"},
                       {"X-Content-Type-Options", "nosniff"},
                       {"Referrer-Policy", "same-origin"},
                       {"Strict-Transport-Security", kHsts}},
                      html};
}

HttpResponse Redirect(const std::string& to, core::HttpHeaders extra) {
  HttpResponse r{
      303,
      {{"Location", to}, {"Cache-Control", "no-store"}, {"Strict-Transport-Security", kHsts}},
      ""};
  for (auto& h : extra) r.headers.push_back(std::move(h));
  return r;
}

std::string Header(const std::string& operator_name, const std::string& csrf, const Words& tr_,
                   const std::string& lang) {
  const bool vi = lang != "en";
  return std::string("<header><h1>") + tr_("DVC kiosks: fleet") + "</h1><a href=\"/fleet\">" +
         tr_("Fleet") + "</a><a href=\"/fleet/figures\">" + tr_("Figures") +
         "</a><a href=\"/fleet/updates\">" + tr_("Updates") + "</a><a href=\"/fleet/staff\">" +
         tr_("Staff") + "</a><a id=\"language\" hreflang=\"" + (vi ? "en" : "vi") +
         "\" href=\"?lang=" + (vi ? "en" : "vi") + "\">" + (vi ? "English" : "Tiếng Việt") +
         "</a><span>" + Escape(operator_name) +
         "</span><form class=\"inline\" method=\"post\" action=\"/logout\">"
         "<input type=\"hidden\" name=\"csrf\" value=\"" +
         Escape(csrf) + "\"><button type=\"submit\">" + tr_("Log out") +
         "</button></form></header>";
}

}  // namespace kiosk::gateway
