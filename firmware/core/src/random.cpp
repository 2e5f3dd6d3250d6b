#include "kiosk/core/random.h"

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>

#include "kiosk/core/mbedtls_call.h"
#include "mbedtls_internal.h"

namespace kiosk::core {

struct Drbg::State {
  // Declared in this order so the generator is freed before its entropy source.
  Owned<mbedtls_entropy_context, mbedtls_entropy_init, mbedtls_entropy_free> entropy;
  Owned<mbedtls_ctr_drbg_context, mbedtls_ctr_drbg_init, mbedtls_ctr_drbg_free> drbg;
};

Drbg::Drbg() : state_(std::make_unique<State>()) {}
Drbg::~Drbg() = default;

Expected<std::unique_ptr<Drbg>> Drbg::Create(ByteView personalization) {
  std::unique_ptr<Drbg> drbg(new Drbg());
  KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_ctr_drbg_seed(drbg->state_->drbg.get(), mbedtls_entropy_func,
                                                drbg->state_->entropy.get(), personalization.data(),
                                                personalization.size())));
  return drbg;
}

Status Drbg::Fill(std::span<std::uint8_t> out) {
  // CTR_DRBG hands out at most MBEDTLS_CTR_DRBG_MAX_REQUEST bytes per call.
  while (!out.empty()) {
    const std::size_t n = std::min<std::size_t>(out.size(), MBEDTLS_CTR_DRBG_MAX_REQUEST);
    KIOSK_TRY(KIOSK_MBEDTLS(mbedtls_ctr_drbg_random(state_->drbg.get(), out.data(), n)));
    out = out.subspan(n);
  }
  return Ok();
}

int MbedtlsRng(void* random_source, unsigned char* out, std::size_t len) {
  auto* source = static_cast<RandomSource*>(random_source);
  return source->Fill(std::span<std::uint8_t>(out, len))
             ? 0
             : MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
}

Expected<Bytes> RandomBytes(RandomSource& source, std::size_t count) {
  Bytes out(count);
  KIOSK_TRY(source.Fill(out));
  return out;
}

Status DeterministicRandom::Fill(std::span<std::uint8_t> out) {
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (i % 8 == 0) {
      state_ += 0x9e3779b97f4a7c15ULL;
    }
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    out[i] = static_cast<std::uint8_t>(z >> (8 * (i % 8)));
  }
  return Ok();
}

}  // namespace kiosk::core
