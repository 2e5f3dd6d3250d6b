#pragma once

// JSON responses shared by the gateway's handlers.

#include <nlohmann/json.hpp>

#include "kiosk/core/http.h"
#include "kiosk/core/log.h"

namespace kiosk::gateway {

inline core::HttpResponse Json(int status, const nlohmann::json& body) {
  return core::HttpResponse{status, {{"Content-Type", "application/json"}}, body.dump()};
}

inline core::HttpResponse Refuse(int status, const std::string& code, const std::string& message) {
  core::log::Warn("gateway.refused", {{"status", status}, {"code", code}});
  return Json(status, {{"error", code}, {"message", message}});
}

}  // namespace kiosk::gateway
