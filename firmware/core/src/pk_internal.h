#pragma once

#include <mbedtls/md.h>
#include <mbedtls/pk.h>

#include "kiosk/core/hash.h"
#include "kiosk/core/pk.h"

namespace kiosk::core {

struct PublicKey::State {
  State() { mbedtls_pk_init(&pk); }
  ~State() { mbedtls_pk_free(&pk); }
  State(const State&) = delete;
  State& operator=(const State&) = delete;
  mbedtls_pk_context pk;
};

struct PrivateKey::State {
  State() { mbedtls_pk_init(&pk); }
  ~State() { mbedtls_pk_free(&pk); }
  State(const State&) = delete;
  State& operator=(const State&) = delete;
  mbedtls_pk_context pk;
};

mbedtls_md_type_t ToMbedtlsMd(HashAlg alg);

}  // namespace kiosk::core
