#pragma once

// The dashboard's HTML, shared by its pages (dashboard.cpp, dashboard_help.cpp).

#include <cstdint>
#include <string>
#include <string_view>

#include "kiosk/core/http.h"

namespace kiosk::gateway {

extern const char* const kStyle;

std::string Escape(std::string_view text);
// A whole page: the strict headers every page carries, an optional refresh.
core::HttpResponse Page(int status, const std::string& title, const std::string& body,
                        int refresh_s = 0);
core::HttpResponse Redirect(const std::string& to, core::HttpHeaders extra = {});
// The bar on top of every page for an operator in session: links, log out.
std::string Header(const std::string& operator_name, const std::string& csrf);
// "42 s ago", "5 min ago", "3 h ago", "2 days ago".
std::string Ago(std::int64_t then_ms, std::int64_t now_ms);

}  // namespace kiosk::gateway
