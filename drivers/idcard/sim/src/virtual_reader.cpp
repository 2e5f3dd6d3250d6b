#include "kiosk/idcard/sim/virtual_reader.h"

#include <thread>

#include "kiosk/idcard/sim/virtual_channel.h"

namespace kiosk::idcard::sim {

core::Expected<std::unique_ptr<VirtualIdCardReader>> VirtualIdCardReader::Create(
    const Persona& persona, const TestPki& pki, const core::Clock& clock,
    core::RandomSource& random) {
  KIOSK_ASSIGN_OR_RETURN(auto built, BuildCard(persona, pki, random));
  auto card = std::make_unique<VirtualCard>(std::move(built.files), std::move(built.secrets),
                                            built.quirks, random);
  return std::unique_ptr<VirtualIdCardReader>(
      new VirtualIdCardReader(std::move(card), clock, random));
}

core::Expected<CitizenIdentity> VirtualIdCardReader::Read(const AccessKey& key,
                                                          const ReadOptions& options,
                                                          std::chrono::milliseconds wait) {
  if (!present_) {
    std::this_thread::sleep_for(wait);
    return core::Error::NeedsPerson("card.absent", "no card was placed on the reader");
  }
  VirtualCardChannel channel(*card_);
  ChipReader chip(channel, clock_, random_);
  return chip.Read(key, options);
}

}  // namespace kiosk::idcard::sim
