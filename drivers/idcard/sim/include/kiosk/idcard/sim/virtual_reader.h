#pragma once

// The in-process simulator of IdCardReader: a virtual CCCD built from a persona,
// read through the real ChipReader. Development and test builds only.

#include <memory>

#include "kiosk/idcard/reader.h"
#include "kiosk/idcard/sim/persona.h"
#include "kiosk/idcard/sim/virtual_card.h"

namespace kiosk::idcard::sim {

class VirtualIdCardReader final : public IdCardReader {
 public:
  static core::Expected<std::unique_ptr<VirtualIdCardReader>> Create(const Persona& persona,
                                                                     const TestPki& pki,
                                                                     const core::Clock& clock,
                                                                     core::RandomSource& random);

  // No card on the reader: Read waits, then fails with "card.absent".
  void SetPresent(bool present) { present_ = present; }

  core::Expected<CitizenIdentity> Read(const AccessKey& key, const ReadOptions& options,
                                       std::chrono::milliseconds wait) override;

 private:
  VirtualIdCardReader(std::unique_ptr<VirtualCard> card, const core::Clock& clock,
                      core::RandomSource& random)
      : card_(std::move(card)), clock_(clock), random_(random) {}
  std::unique_ptr<VirtualCard> card_;
  const core::Clock& clock_;
  core::RandomSource& random_;
  bool present_ = true;
};

}  // namespace kiosk::idcard::sim
