#include "kiosk/core/mbedtls_call.h"

#include <mbedtls/asn1.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/gcm.h>
#include <mbedtls/pem.h>
#include <mbedtls/pk.h>
#include <mbedtls/x509.h>

#include <cstdio>
#include <cstring>

namespace kiosk::core {
namespace {

ErrorClass Classify(int rc) {
  switch (rc) {
    case MBEDTLS_ERR_ENTROPY_SOURCE_FAILED:
    case MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED:
    case MBEDTLS_ERR_PK_ALLOC_FAILED:
    case MBEDTLS_ERR_ECP_ALLOC_FAILED:
    case MBEDTLS_ERR_X509_ALLOC_FAILED:
    case MBEDTLS_ERR_ASN1_ALLOC_FAILED:
      return ErrorClass::kRetryable;
    case MBEDTLS_ERR_GCM_AUTH_FAILED:
    case MBEDTLS_ERR_ECP_VERIFY_FAILED:
    case MBEDTLS_ERR_ECP_SIG_LEN_MISMATCH:
    case MBEDTLS_ERR_PK_KEY_INVALID_FORMAT:
    case MBEDTLS_ERR_PK_KEY_INVALID_VERSION:
    case MBEDTLS_ERR_PK_UNKNOWN_PK_ALG:
    case MBEDTLS_ERR_PK_PASSWORD_REQUIRED:
    case MBEDTLS_ERR_PK_PASSWORD_MISMATCH:
    case MBEDTLS_ERR_PK_TYPE_MISMATCH:
    case MBEDTLS_ERR_PK_INVALID_PUBKEY:
    case MBEDTLS_ERR_PK_INVALID_ALG:
    case MBEDTLS_ERR_PK_SIG_LEN_MISMATCH:
    case MBEDTLS_ERR_X509_CERT_VERIFY_FAILED:
    case MBEDTLS_ERR_X509_INVALID_FORMAT:
    case MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT:
    case MBEDTLS_ERR_PEM_INVALID_DATA:
    case MBEDTLS_ERR_PEM_INVALID_ENC_IV:
    case MBEDTLS_ERR_PEM_BAD_INPUT_DATA:
      return ErrorClass::kNeedsPerson;
    default:
      break;
  }
  // X.509 and ASN.1 parse errors are combined codes (high | low); the high
  // part names the failing field.
  const int high = (-rc) & 0xff80;
  if (high >= 0x2000 && high <= 0x2f80) return ErrorClass::kNeedsPerson;  // X.509
  if ((-rc) >= 0x60 && (-rc) <= 0x6c) return ErrorClass::kNeedsPerson;    // ASN.1
  return ErrorClass::kFatal;
}

}  // namespace

std::string MbedtlsErrorText(int rc) {
  char buf[256];
  mbedtls_strerror(rc, buf, sizeof buf);
  return buf;
}

Status MbedtlsCall(int rc, const char* call, const char* file, int line) {
  if (rc >= 0) return Ok();
  const char* base = std::strrchr(file, '/');
  char code[32];
  std::snprintf(code, sizeof code, "mbedtls.-0x%04x", static_cast<unsigned>(-rc));
  // The function name is enough; the arguments would only add noise.
  const std::string function(call, std::strcspn(call, "("));
  std::string message = MbedtlsErrorText(rc) + " (in " + function + " at " +
                        (base != nullptr ? base + 1 : file) + ":" + std::to_string(line) + ")";
  return Error(Classify(rc), code, std::move(message));
}

}  // namespace kiosk::core
