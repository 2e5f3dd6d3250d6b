#pragma once

// The chip ID card reader in domain words: wait for a card, read it with a
// key, get the citizen. PcscIdCardReader is the real one (any PC/SC reader,
// including vpcd's virtual one). The simulator reads a virtual card in
// process (kiosk/idcard/sim/virtual_reader.h) through the same ChipReader,
// so the protocol code under test is the product's; unit tests use the
// fake (fake/, kiosk/idcard/fake_reader.h), held to the simulator by a
// contract suite.

#include <chrono>
#include <string>

#include "kiosk/core/clock.h"
#include "kiosk/core/random.h"
#include "kiosk/idcard/access_key.h"
#include "kiosk/idcard/chip_reader.h"
#include "kiosk/idcard/identity.h"
#include "kiosk/idcard/passive_auth.h"

namespace kiosk::idcard {

class IdCardReader {
 public:
  virtual ~IdCardReader() = default;
  // Waits up to `wait` for a card to be placed, then reads and verifies it.
  // Errors: "card.absent" (nothing placed in time) and those of ChipReader.
  virtual core::Expected<CitizenIdentity> Read(const AccessKey& key, const ReadOptions& options,
                                               std::chrono::milliseconds wait) = 0;
};

class PcscIdCardReader final : public IdCardReader {
 public:
  // `reader_name` empty: the first reader pcscd reports.
  PcscIdCardReader(std::string reader_name, const core::Clock& clock, core::RandomSource& random)
      : reader_name_(std::move(reader_name)), clock_(clock), random_(random) {}

  core::Expected<CitizenIdentity> Read(const AccessKey& key, const ReadOptions& options,
                                       std::chrono::milliseconds wait) override;

 private:
  std::string reader_name_;
  const core::Clock& clock_;
  core::RandomSource& random_;
};

}  // namespace kiosk::idcard
