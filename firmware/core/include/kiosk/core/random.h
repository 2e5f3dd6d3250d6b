#pragma once

// Randomness. Production code uses Drbg (mbedTLS CTR_DRBG seeded from the
// kernel's entropy); tests inject a deterministic source.

#include <cstdint>
#include <memory>
#include <span>

#include "kiosk/core/bytes.h"
#include "kiosk/core/error.h"

namespace kiosk::core {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  [[nodiscard]] virtual Status Fill(std::span<std::uint8_t> out) = 0;
};

// CTR_DRBG (AES-256) over the platform entropy source, with prediction
// resistance off and reseeding at mbedTLS's default interval.
class Drbg final : public RandomSource {
 public:
  // `personalization` separates this instance's stream from others'.
  static Expected<std::unique_ptr<Drbg>> Create(ByteView personalization = {});
  ~Drbg() override;
  Drbg(const Drbg&) = delete;
  Drbg& operator=(const Drbg&) = delete;

  Status Fill(std::span<std::uint8_t> out) override;

 private:
  Drbg();
  struct State;
  std::unique_ptr<State> state_;
};

// For mbedTLS calls that take f_rng/p_rng: pass the RandomSource* as p_rng.
int MbedtlsRng(void* random_source, unsigned char* out, std::size_t len);

// Bytes from a source, or the source's error.
Expected<Bytes> RandomBytes(RandomSource& source, std::size_t count);

// A deterministic stream (SplitMix64) for tests and simulators only.
class DeterministicRandom final : public RandomSource {
 public:
  explicit DeterministicRandom(std::uint64_t seed) : state_(seed) {}
  Status Fill(std::span<std::uint8_t> out) override;

 private:
  std::uint64_t state_;
};

}  // namespace kiosk::core
