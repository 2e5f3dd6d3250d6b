#pragma once

#include <mbedtls/md.h>

#include "kiosk/core/hash.h"
#include "kiosk/core/mbedtls_owned.h"

namespace kiosk::core {

mbedtls_md_type_t ToMbedtlsMd(HashAlg alg);

}  // namespace kiosk::core
