#pragma once

// The fake of IdCardReader, for unit tests: it holds what a chip holds and
// opens only with a key that chip would accept (the CAN over PACE, or the
// MRZ's document number, birth and expiry dates over BAC), without a byte of
// protocol. tests/integration/drivers/idcard/contract_test.cpp holds it to
// what the simulator does (a virtual chip read through the real
// ChipReader), so journey tests on the fake see what a kiosk sees.
// Test-only library: release programs refuse to link it.

#include <chrono>
#include <optional>

#include "kiosk/idcard/reader.h"

namespace kiosk::idcard {

struct FakeCard {
  // What the chip holds. Read fills access_method; the authenticity report
  // is returned as it is here.
  CitizenIdentity identity;
  bool pace = true;  // false: a chip that offers BAC only
};

class FakeIdCardReader final : public IdCardReader {
 public:
  FakeIdCardReader() = default;
  explicit FakeIdCardReader(FakeCard card) { Place(std::move(card)); }

  void Place(FakeCard card) { card_ = std::move(card); }
  // Nothing on the reader: Read waits, then fails with "card.absent".
  void Remove() { card_.reset(); }
  bool Present() const { return card_.has_value(); }
  // The next read fails with `error` ("card.removed": the citizen lifted it).
  void FailNextRead(core::Error error) { next_failure_ = std::move(error); }
  int Reads() const { return reads_; }

  core::Expected<CitizenIdentity> Read(const AccessKey& key, const ReadOptions& options,
                                       std::chrono::milliseconds wait) override;

 private:
  std::optional<FakeCard> card_;
  std::optional<core::Error> next_failure_;
  int reads_ = 0;
};

// An explicit copy of everything a card read gives (its fields are personal
// data and copy only on purpose).
CitizenIdentity CloneIdentity(const CitizenIdentity& identity);

}  // namespace kiosk::idcard
