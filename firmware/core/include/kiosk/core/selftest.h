#pragma once

// Power-on self-test of the cryptography the kiosk relies on: known-answer
// tests against published vectors, a health check of the random generator
// and a pairwise-consistency test of a freshly generated key. The agent runs
// it at start and reports it in its heartbeat; technicians run it with
// kiosk-selftest. A kiosk whose self-test fails must not seal dossiers.

#include <chrono>
#include <string>
#include <vector>

#include "kiosk/core/clock.h"
#include "kiosk/core/random.h"

namespace kiosk::core {

struct SelfTestCheck {
  std::string name;  // "sha256.kat"
  bool passed = false;
  std::string detail;  // why it failed, or what was checked
  std::chrono::microseconds took{0};
};

struct SelfTestReport {
  std::vector<SelfTestCheck> checks;
  bool Passed() const;
};

SelfTestReport RunCryptoSelfTest(RandomSource& random, const Clock& clock);

}  // namespace kiosk::core
