#include "kiosk/idcard/pcsc.h"

#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>

#include <cstdio>

namespace kiosk::idcard {

using core::Error;
using core::Expected;

core::Status PcscCall(long rc, const char* call) {
  if (rc == SCARD_S_SUCCESS) return core::Ok();
  char hex[24];
  std::snprintf(hex, sizeof hex, "0x%08lX", static_cast<unsigned long>(rc) & 0xFFFFFFFFUL);
  const std::string detail =
      std::string(pcsc_stringify_error(rc)) + " (" + hex + " in " + call + ")";
  switch (static_cast<unsigned long>(rc)) {
    case SCARD_E_NO_READERS_AVAILABLE:
      return Error::NeedsPerson("reader.none", "no card reader is connected: " + detail);
    case SCARD_E_READER_UNAVAILABLE:
    case SCARD_E_UNKNOWN_READER:
      return Error::NeedsPerson("reader.gone", "the card reader was unplugged: " + detail);
    case SCARD_E_TIMEOUT:
      return Error::NeedsPerson("card.absent", "no card was placed on the reader: " + detail);
    case SCARD_W_REMOVED_CARD:
    case SCARD_E_NO_SMARTCARD:
    case SCARD_W_RESET_CARD:
    case SCARD_W_UNPOWERED_CARD:
      return Error::NeedsPerson("card.removed", "the card left the reader: " + detail);
    case SCARD_E_NO_SERVICE:
    case SCARD_E_SERVICE_STOPPED:
      return Error::Retryable("pcsc.no_service", "the PC/SC service is not running: " + detail);
    case SCARD_W_UNRESPONSIVE_CARD:
    case SCARD_E_PROTO_MISMATCH:
      return Error::NeedsPerson("card.unresponsive", "the card does not answer: " + detail);
    default:
      return Error::Fatal("pcsc.error", detail);
  }
}

#define KIOSK_PCSC(call) PcscCall((call), #call)

Expected<PcscContext> PcscContext::Establish() {
  PcscContext context;
  SCARDCONTEXT handle = 0;
  KIOSK_TRY(PcscCall(SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &handle),
                     "SCardEstablishContext"));
  context.context_ = static_cast<long>(handle);
  context.valid_ = true;
  return context;
}

PcscContext::~PcscContext() {
  if (valid_) SCardReleaseContext(static_cast<SCARDCONTEXT>(context_));
}

PcscContext::PcscContext(PcscContext&& other) noexcept
    : context_(other.context_), valid_(other.valid_) {
  other.valid_ = false;
}

PcscContext& PcscContext::operator=(PcscContext&& other) noexcept {
  if (this != &other) {
    if (valid_) SCardReleaseContext(static_cast<SCARDCONTEXT>(context_));
    context_ = other.context_;
    valid_ = other.valid_;
    other.valid_ = false;
  }
  return *this;
}

Expected<std::vector<std::string>> PcscContext::ListReaders() {
  DWORD size = 0;
  const auto ctx = static_cast<SCARDCONTEXT>(context_);
  KIOSK_TRY(PcscCall(SCardListReaders(ctx, nullptr, nullptr, &size), "SCardListReaders"));
  std::string buffer(size, '\0');
  KIOSK_TRY(PcscCall(SCardListReaders(ctx, nullptr, buffer.data(), &size), "SCardListReaders"));
  std::vector<std::string> readers;
  std::size_t start = 0;
  while (start < buffer.size() && buffer[start] != '\0') {
    const std::size_t end = buffer.find('\0', start);
    readers.push_back(buffer.substr(start, end - start));
    start = end + 1;
  }
  if (readers.empty()) {
    return Error::NeedsPerson("reader.none", "no card reader is connected");
  }
  return readers;
}

Expected<std::string> PcscContext::WaitForCard(const std::string& reader,
                                               std::chrono::milliseconds timeout) {
  KIOSK_ASSIGN_OR_RETURN(const auto readers, ListReaders());
  std::string name = reader.empty() ? readers.front() : reader;
  bool known = false;
  for (const auto& r : readers) known = known || r == name;
  if (!known) return Error::NeedsPerson("reader.none", "no reader named \"" + name + "\"");

  SCARD_READERSTATE state{};
  state.szReader = name.c_str();
  state.dwCurrentState = SCARD_STATE_UNAWARE;
  const auto ctx = static_cast<SCARDCONTEXT>(context_);
  // First call learns the current state without waiting.
  KIOSK_TRY(PcscCall(SCardGetStatusChange(ctx, 0, &state, 1), "SCardGetStatusChange"));
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!(state.dwEventState & SCARD_STATE_PRESENT) || (state.dwEventState & SCARD_STATE_MUTE)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return Error::NeedsPerson("card.absent", "no card was placed on " + name);
    }
    state.dwCurrentState = state.dwEventState & ~static_cast<DWORD>(SCARD_STATE_CHANGED);
    KIOSK_TRY(PcscCall(SCardGetStatusChange(ctx, static_cast<DWORD>(left.count()), &state, 1),
                       "SCardGetStatusChange"));
    if (state.dwEventState & (SCARD_STATE_UNAVAILABLE | SCARD_STATE_UNKNOWN)) {
      return Error::NeedsPerson("reader.gone", "the reader " + name + " went away");
    }
  }
  return name;
}

Expected<std::unique_ptr<PcscCardChannel>> PcscContext::Connect(const std::string& reader) {
  SCARDHANDLE card = 0;
  DWORD protocol = 0;
  KIOSK_TRY(PcscCall(
      SCardConnect(static_cast<SCARDCONTEXT>(context_), reader.c_str(), SCARD_SHARE_EXCLUSIVE,
                   SCARD_PROTOCOL_T1 | SCARD_PROTOCOL_T0, &card, &protocol),
      "SCardConnect"));
  return std::make_unique<PcscCardChannel>(context_, static_cast<long>(card), protocol, reader);
}

PcscCardChannel::~PcscCardChannel() {
  SCardDisconnect(static_cast<SCARDHANDLE>(card_), SCARD_RESET_CARD);
}

bool PcscCardChannel::CardLeft(std::chrono::milliseconds timeout) {
  SCARD_READERSTATE state{};
  state.szReader = reader_.c_str();
  state.dwCurrentState = SCARD_STATE_UNAWARE;
  const auto ctx = static_cast<SCARDCONTEXT>(context_);
  if (SCardGetStatusChange(ctx, 0, &state, 1) != SCARD_S_SUCCESS) return true;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (state.dwEventState & SCARD_STATE_PRESENT) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    state.dwCurrentState = state.dwEventState & ~static_cast<DWORD>(SCARD_STATE_CHANGED);
    const LONG rc = SCardGetStatusChange(ctx, static_cast<DWORD>(left.count()), &state, 1);
    if (rc == SCARD_E_TIMEOUT) return false;
    if (rc != SCARD_S_SUCCESS) return true;
  }
  return true;
}

Expected<ResponseApdu> PcscCardChannel::Transmit(const CommandApdu& command) {
  const Bytes encoded = command.Encode();
  Bytes response(65536 + 2);
  DWORD length = static_cast<DWORD>(response.size());
  const SCARD_IO_REQUEST* pci = protocol_ == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
  KIOSK_TRY(
      PcscCall(SCardTransmit(static_cast<SCARDHANDLE>(card_), pci, encoded.data(),
                             static_cast<DWORD>(encoded.size()), nullptr, response.data(), &length),
               "SCardTransmit"));
  response.resize(length);
  if (length < 2) {
    // vpcd (and some drivers) answer an empty response when the card left
    // mid-command, before pcscd has noticed: give it a moment to.
    if (CardLeft(std::chrono::milliseconds(1500))) {
      return Error::NeedsPerson("card.removed", "the card left the reader during a command");
    }
    return Error::NeedsPerson("card.read_error", "the reader returned no status word");
  }
  return ResponseApdu::Parse(response);
}

}  // namespace kiosk::idcard
