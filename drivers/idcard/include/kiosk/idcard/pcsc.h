#pragma once

// The PC/SC transport over pcsc-lite: list readers, wait for a card with a
// deadline, connect, transmit. PcscCall is the one place where PC/SC return
// codes become errors.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "kiosk/core/error.h"
#include "kiosk/idcard/card_channel.h"

namespace kiosk::idcard {

// Error codes: "reader.none", "reader.gone", "card.absent", "card.removed",
// "pcsc.no_service" (pcscd not running), "pcsc.error".
core::Status PcscCall(long rc, const char* call);

class PcscCardChannel;

class PcscContext {
 public:
  static core::Expected<PcscContext> Establish();
  ~PcscContext();
  PcscContext(PcscContext&&) noexcept;
  PcscContext& operator=(PcscContext&&) noexcept;

  core::Expected<std::vector<std::string>> ListReaders();
  // Waits until a card is in `reader` ("" = the first reader) and returns the
  // reader's name; "card.absent" when `timeout` passes first.
  core::Expected<std::string> WaitForCard(const std::string& reader,
                                          std::chrono::milliseconds timeout);
  core::Expected<std::unique_ptr<PcscCardChannel>> Connect(const std::string& reader);

 private:
  PcscContext() = default;
  long context_ = 0;
  bool valid_ = false;
};

class PcscCardChannel final : public CardChannel {
 public:
  PcscCardChannel(long context, long card, unsigned long protocol, std::string reader)
      : context_(context), card_(card), protocol_(protocol), reader_(std::move(reader)) {}
  ~PcscCardChannel() override;
  PcscCardChannel(const PcscCardChannel&) = delete;
  PcscCardChannel& operator=(const PcscCardChannel&) = delete;

  core::Expected<ResponseApdu> Transmit(const CommandApdu& command) override;
  const std::string& Reader() const { return reader_; }

 private:
  // Whether the card left the reader, waiting up to `timeout` for pcscd to notice.
  bool CardLeft(std::chrono::milliseconds timeout);

  long context_;
  long card_;
  unsigned long protocol_;
  std::string reader_;
};

}  // namespace kiosk::idcard
