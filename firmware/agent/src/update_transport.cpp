#include "kiosk/agent/updater.h"
#include "kiosk/core/http.h"

namespace kiosk::agent {

Updater::Transport GatewayUpdateTransport(const GatewayEndpoint& gateway) {
  Updater::Transport transport;
  transport.fetch = [&gateway](const std::string& url, std::int64_t from,
                               std::int64_t length) -> core::Expected<std::string> {
    core::HttpRequest request{
        "GET",
        url,
        {{"Range", "bytes=" + std::to_string(from) + "-" + std::to_string(from + length - 1)}},
        ""};
    KIOSK_ASSIGN_OR_RETURN(auto answer,
                           core::HttpsRequest(gateway.host, gateway.port, gateway.tls, request,
                                              static_cast<std::size_t>(length) + 1024));
    if (answer.status != 206 && !(answer.status == 200 && from == 0)) {
      return core::Error::Retryable("update.fetch_refused",
                                    "the gateway answered " + std::to_string(answer.status));
    }
    return std::move(answer.body);
  };
  transport.report = [&gateway](std::int64_t rollout, const std::string& body) -> core::Status {
    core::HttpRequest request{"POST",
                              "/v1/updates/" + std::to_string(rollout) + "/status",
                              {{"Content-Type", "application/json"}},
                              body};
    KIOSK_ASSIGN_OR_RETURN(auto answer,
                           core::HttpsRequest(gateway.host, gateway.port, gateway.tls, request));
    if (answer.status != 200 && answer.status != 404) {
      return core::Error::Retryable("update.report_refused",
                                    "the gateway answered " + std::to_string(answer.status));
    }
    return core::Ok();
  };
  return transport;
}

}  // namespace kiosk::agent
