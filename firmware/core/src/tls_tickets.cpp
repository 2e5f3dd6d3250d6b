#include "tls_tickets.h"

#include <mbedtls/error.h>

#include <ctime>
#include <string>

#include "kiosk/core/aead.h"
#include "kiosk/core/hash.h"

namespace kiosk::core {

namespace {

constexpr std::size_t kPeriodSize = 4;
constexpr std::size_t kHeader = kPeriodSize + kAesGcmNonceSize;

std::uint32_t PeriodNow(const SharedTicketKeys& keys) {
  return static_cast<std::uint32_t>(static_cast<std::uint64_t>(std::time(nullptr)) /
                                    keys.lifetime_s);
}

// The key of one period: HMAC-SHA-256(secret, label | period).
Expected<SecretBytes> PeriodKey(const SharedTicketKeys& keys, std::uint32_t period) {
  const std::string label = "kiosk-tls-ticket-key " + std::to_string(period);
  KIOSK_ASSIGN_OR_RETURN(auto key, Hmac(HashAlg::kSha256, keys.secret.View(), AsBytes(label)));
  return SecretBytes(key);
}

}  // namespace

Expected<Bytes> SealTicket(const SharedTicketKeys& keys, ByteView session) {
  const std::uint32_t period = PeriodNow(keys);
  KIOSK_ASSIGN_OR_RETURN(auto key, PeriodKey(keys, period));
  KIOSK_ASSIGN_OR_RETURN(auto nonce, RandomBytes(*keys.random, kAesGcmNonceSize));
  Bytes ticket = {static_cast<std::uint8_t>(period >> 24), static_cast<std::uint8_t>(period >> 16),
                  static_cast<std::uint8_t>(period >> 8), static_cast<std::uint8_t>(period)};
  ticket.insert(ticket.end(), nonce.begin(), nonce.end());
  KIOSK_ASSIGN_OR_RETURN(auto sealed, AesGcmSeal(key, nonce, ticket, session));
  ticket.insert(ticket.end(), sealed.begin(), sealed.end());
  return ticket;
}

int SharedTicketWrite(void* context, const mbedtls_ssl_session* session, unsigned char* start,
                      const unsigned char* end, std::size_t* written, std::uint32_t* lifetime) {
  const auto& keys = *static_cast<const SharedTicketKeys*>(context);
  std::size_t length = 0;
  // The session's own bytes first, to learn their size.
  int rc = mbedtls_ssl_session_save(session, nullptr, 0, &length);
  if (rc != MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL) return rc;
  Bytes plain(length);
  rc = mbedtls_ssl_session_save(session, plain.data(), plain.size(), &length);
  if (rc != 0) return rc;
  auto ticket = SealTicket(keys, plain);
  if (!ticket) return MBEDTLS_ERR_SSL_INTERNAL_ERROR;
  if (static_cast<std::size_t>(end - start) < ticket->size())
    return MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL;
  std::copy(ticket->begin(), ticket->end(), start);
  *written = ticket->size();
  *lifetime = keys.lifetime_s;
  return 0;
}

int SharedTicketParse(void* context, mbedtls_ssl_session* session, unsigned char* ticket,
                      std::size_t length) {
  const auto& keys = *static_cast<const SharedTicketKeys*>(context);
  if (length < kHeader + kAesGcmTagSize) return MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
  const std::uint32_t period = (std::uint32_t{ticket[0]} << 24) | (std::uint32_t{ticket[1]} << 16) |
                               (std::uint32_t{ticket[2]} << 8) | std::uint32_t{ticket[3]};
  const std::uint32_t now = PeriodNow(keys);
  if (period != now && period + 1 != now) return MBEDTLS_ERR_SSL_SESSION_TICKET_EXPIRED;
  auto key = PeriodKey(keys, period);
  if (!key) return MBEDTLS_ERR_SSL_INTERNAL_ERROR;
  const ByteView all(ticket, length);
  auto plain = AesGcmOpen(*key, all.subspan(kPeriodSize, kAesGcmNonceSize), all.subspan(0, kHeader),
                          all.subspan(kHeader));
  if (!plain) return MBEDTLS_ERR_SSL_INVALID_MAC;
  const int rc = mbedtls_ssl_session_load(session, plain->data(), plain->size());
  if (rc != 0) return rc;
#if defined(MBEDTLS_HAVE_TIME)
  const auto age = std::time(nullptr) - session->start;
  if (age < 0 || age > static_cast<std::time_t>(keys.lifetime_s)) {
    return MBEDTLS_ERR_SSL_SESSION_TICKET_EXPIRED;
  }
#endif
  return 0;
}

}  // namespace kiosk::core
