#pragma once

// The one choke point that turns mbedTLS return codes into Error. Every call
// into mbedTLS goes through KIOSK_MBEDTLS(call), so the message names the call
// and its site:
//   KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_gcm_setkey(&gcm, MBEDTLS_CIPHER_ID_AES, key, 256)));

#include <string>

#include "kiosk/core/error.h"

namespace kiosk::core {

// Non-negative codes are success. Failures whose meaning is "the input is bad"
// (parse, verification, authentication) are needs-person; RNG and allocation
// failures are retryable; everything else is fatal.
Status MbedtlsCall(int rc, const char* call, const char* file, int line);

// The mbedTLS description of a code, e.g. "GCM - Authenticated decryption failed".
std::string MbedtlsErrorText(int rc);

}  // namespace kiosk::core

#define KIOSK_MBEDTLS(call) ::kiosk::core::MbedtlsCall((call), #call, __FILE__, __LINE__)
