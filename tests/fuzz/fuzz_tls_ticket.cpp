// A TLS session ticket as a client presents it to a gateway replica that
// shares its ticket secret (firmware/core/src/tls_tickets.h). First byte
// even: the rest is the ticket as it came; odd: the rest is sealed first
// under the current key, so that mbedTLS's session parser behind the seal
// and the age check are reached too.
#include <mbedtls/ssl.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "kiosk/core/random.h"
#include "tls_tickets.h"

namespace {

kiosk::core::SharedTicketKeys& Keys() {
  static kiosk::core::DeterministicRandom random{20261207};
  static kiosk::core::SharedTicketKeys keys = [] {
    kiosk::core::SharedTicketKeys k;
    k.secret = kiosk::core::SecretBytes(
        kiosk::core::AsBytes(std::string("a province's ticket secret, 32 bytes or more")));
    k.lifetime_s = 3600;
    k.random = &random;
    return k;
  }();
  return keys;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  kiosk::core::Bytes ticket(data + 1, data + size);
  if ((data[0] & 1) != 0) {
    auto sealed = kiosk::core::SealTicket(Keys(), ticket);
    if (!sealed) return 0;
    ticket = std::move(sealed).Value();
  }
  mbedtls_ssl_session session;
  mbedtls_ssl_session_init(&session);
  (void)kiosk::core::SharedTicketParse(&Keys(), &session, ticket.data(), ticket.size());
  mbedtls_ssl_session_free(&session);
  return 0;
}
