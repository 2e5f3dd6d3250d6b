// Requests as a client sends them to the gateway: the head and body parser
// under the gateway's limits, then what the gateway derives from them before
// any handler runs (the route check, the form and query fields).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "../../gateway/src/form.h"
#include "kiosk/core/http.h"
#include "kiosk/gateway/peers.h"
#include "kiosk/gateway/serve.h"

namespace gw = kiosk::gateway;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  for (auto limit : {gw::DeviceBodyLimit, gw::OperatorBodyLimit}) {
    kiosk::core::RequestLimits limits;
    limits.body_limit = limit;
    auto request = kiosk::core::ParseHttpRequest(raw, limits);
    if (!request) continue;
    for (auto kind : {gw::PeerKind::kKiosk, gw::PeerKind::kBank, gw::PeerKind::kNobody}) {
      (void)gw::PeerPolicy::CheckRoute(gw::Peer{kind, "QNM-TAMKY-0001", "", std::nullopt},
                                       *request);
    }
    (void)gw::QueryField(request->target, "secret");
    (void)gw::FormField(request->body, "csrf");
    (void)request->Header("Cookie");
  }
  return 0;
}
