#pragma once

// Session tickets every replica of a server can open (RFC 5077 tickets of
// our own format): sealed with AES-256-GCM under a key derived from a
// secret the replicas share and the current period of `lifetime` seconds,
// so they need no coordination beyond the secret and a clock. A ticket of
// the period before is still opened; its session must also be younger than
// `lifetime`.
//
//   ticket = period (4, big-endian) | nonce (12) | sealed session | tag (16)

#include <mbedtls/ssl.h>

#include <cstdint>

#include "kiosk/core/bytes.h"
#include "kiosk/core/error.h"
#include "kiosk/core/random.h"
#include "kiosk/core/secret.h"

namespace kiosk::core {

struct SharedTicketKeys {
  SecretBytes secret;
  std::uint32_t lifetime_s = 3600;
  RandomSource* random = nullptr;  // for nonces; thread-safe
};

// A session's saved bytes sealed as a ticket of the current period.
Expected<Bytes> SealTicket(const SharedTicketKeys& keys, ByteView session);

// mbedTLS's f_ticket_write and f_ticket_parse, with a SharedTicketKeys*.
int SharedTicketWrite(void* keys, const mbedtls_ssl_session* session, unsigned char* start,
                      const unsigned char* end, std::size_t* written, std::uint32_t* lifetime);
int SharedTicketParse(void* keys, mbedtls_ssl_session* session, unsigned char* ticket,
                      std::size_t length);

}  // namespace kiosk::core
