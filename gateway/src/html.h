#pragma once

// The dashboard's HTML, shared by its pages (dashboard.cpp, dashboard_help.cpp).

#include <cstdint>
#include <string>
#include <string_view>

#include "kiosk/core/http.h"
#include "words.h"

namespace kiosk::gateway {

extern const char* const kStyle;

std::string Escape(std::string_view text);
// A whole page in `lang` ("vi", "en"): the strict headers every page
// carries, an optional refresh.
core::HttpResponse Page(int status, const std::string& title, const std::string& body,
                        int refresh_s = 0, const std::string& lang = "vi");
core::HttpResponse Redirect(const std::string& to, core::HttpHeaders extra = {});
// The bar on top of every page for an operator in session: links, the
// other language, log out.
std::string Header(const std::string& operator_name, const std::string& csrf, const Words& tr_,
                   const std::string& lang);

}  // namespace kiosk::gateway
