#pragma once

// Logging in to the dashboard as a browser does: the form first (its CSRF
// token and the matching /login cookie), then the post.

#include <regex>
#include <string>

#include "kiosk/core/http.h"
#include "kiosk/gateway/dashboard.h"

namespace kiosk::test {

// "name=value" of a response's Set-Cookie.
inline std::string CookieOf(const core::HttpResponse& r) {
  const std::string set = r.Header("Set-Cookie");
  return set.substr(0, set.find(';'));
}

// The login form's fields for `user` and `password` (form-encoded), with
// the cookie that must come with them.
struct LoginPost {
  std::string body;
  std::string cookie;
};
inline LoginPost LoginFields(const core::HttpResponse& form, const std::string& user,
                             const std::string& password) {
  std::smatch m;
  const std::regex field("name=\"csrf\" value=\"([0-9a-f]{64})\"");
  const std::string csrf = std::regex_search(form.body, m, field) ? m[1].str() : "";
  std::string fields = "user=" + user + "&password=" + password + "&csrf=" + csrf;
  for (auto& c : fields) c = c == ' ' ? '+' : c;
  return {fields, CookieOf(form)};
}

inline core::HttpResponse LogIn(gateway::Dashboard& dashboard, const std::string& user,
                                const std::string& password,
                                const std::string& source = "192.0.2.10") {
  core::HttpRequest get{"GET", "/login", {{"Host", "gw.example"}}, ""};
  get.peer_address = source;
  const auto post = LoginFields(*dashboard.Handle(get), user, password);
  core::HttpRequest request{
      "POST", "/login", {{"Host", "gw.example"}, {"Cookie", post.cookie}}, post.body};
  request.peer_address = source;
  return *dashboard.Handle(request);
}

}  // namespace kiosk::test
