#pragma once

#include <mbedtls/md.h>
#include <mbedtls/pk.h>

#include "kiosk/core/hash.h"
#include "kiosk/core/pk.h"
#include "mbedtls_internal.h"

namespace kiosk::core {

using PkContext = Owned<mbedtls_pk_context, mbedtls_pk_init, mbedtls_pk_free>;

struct PublicKey::State : PkContext {};
struct PrivateKey::State : PkContext {};

}  // namespace kiosk::core
