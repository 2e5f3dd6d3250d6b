#include "kiosk/idcard/reader.h"

#include "kiosk/idcard/pcsc.h"

namespace kiosk::idcard {

core::Expected<CitizenIdentity> PcscIdCardReader::Read(const AccessKey& key,
                                                       const ReadOptions& options,
                                                       std::chrono::milliseconds wait) {
  KIOSK_ASSIGN_OR_RETURN(auto context, PcscContext::Establish());
  KIOSK_ASSIGN_OR_RETURN(auto reader, context.WaitForCard(reader_name_, wait));
  KIOSK_ASSIGN_OR_RETURN(auto channel, context.Connect(reader));
  ChipReader chip(*channel, clock_, random_);
  return chip.Read(key, options);
}

}  // namespace kiosk::idcard
