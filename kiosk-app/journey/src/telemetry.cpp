#include "kiosk/journey/telemetry.h"

#include <string_view>

namespace kiosk::journey {

namespace {

struct CodeHealth {
  Device device;
  std::string_view code;
  DeviceHealth health;
};

// The drivers' codes that say something particular about the device.
constexpr CodeHealth kKnown[] = {
    // The chip reader: a card problem is the citizen's (card.*), the reader's is its own.
    {Device::kCardReader, "reader.none", DeviceHealth::kAbsent},
    {Device::kCardReader, "reader.gone", DeviceHealth::kAbsent},
    {Device::kCardReader, "pcsc.no_service", DeviceHealth::kOffline},
    {Device::kCardReader, "pcsc.error", DeviceHealth::kFault},
    // The scanner.
    {Device::kScanner, "scanner.no_paper", DeviceHealth::kOk},
    {Device::kScanner, "scanner.cancelled", DeviceHealth::kOk},
    {Device::kScanner, "scanner.absent", DeviceHealth::kAbsent},
    {Device::kScanner, "scanner.cover_open", DeviceHealth::kCoverOpen},
    {Device::kScanner, "scanner.busy", DeviceHealth::kOffline},
    // The receipt printer.
    {Device::kPrinter, "printer.paper_out", DeviceHealth::kPaperOut},
    {Device::kPrinter, "printer.paper_near_end", DeviceHealth::kPaperNearEnd},
    {Device::kPrinter, "printer.cover_open", DeviceHealth::kCoverOpen},
    {Device::kPrinter, "printer.absent", DeviceHealth::kAbsent},
    {Device::kPrinter, "printer.unplugged", DeviceHealth::kAbsent},
    {Device::kPrinter, "printer.offline", DeviceHealth::kOffline},
    {Device::kPrinter, "printer.timeout", DeviceHealth::kOffline},
    // The payment terminal (or the gateway, for VietQR).
    {Device::kPaymentTerminal, "payment.offline", DeviceHealth::kUnreachable},
    {Device::kPaymentTerminal, "payment.timeout", DeviceHealth::kUnreachable},
    {Device::kPaymentTerminal, "payment.terminal_unreachable", DeviceHealth::kUnreachable},
};

}  // namespace

const char* ToString(Device device) {
  switch (device) {
    case Device::kCardReader:
      return "card_reader";
    case Device::kScanner:
      return "scanner";
    case Device::kPrinter:
      return "printer";
    case Device::kPaymentTerminal:
      return "payment_terminal";
  }
  return "?";
}

const char* ToString(DeviceHealth health) {
  switch (health) {
    case DeviceHealth::kOk:
      return "ok";
    case DeviceHealth::kPaperOut:
      return "paper_out";
    case DeviceHealth::kPaperNearEnd:
      return "paper_near_end";
    case DeviceHealth::kCoverOpen:
      return "cover_open";
    case DeviceHealth::kAbsent:
      return "absent";
    case DeviceHealth::kOffline:
      return "offline";
    case DeviceHealth::kUnreachable:
      return "unreachable";
    case DeviceHealth::kFault:
      return "error";
  }
  return "?";
}

DeviceHealth HealthAfter(Device device, const core::Status& outcome) {
  if (outcome) return DeviceHealth::kOk;
  const std::string& code = outcome.GetError().Code();
  for (const auto& known : kKnown) {
    if (known.device == device && known.code == code) return known.health;
  }
  // What is left: the citizen's part, else by the error's class.
  switch (device) {
    case Device::kCardReader:
      // card.wrong_key, card.removed, card.absent...: the card, not the reader.
      if (code.rfind("card.", 0) == 0) return DeviceHealth::kOk;
      break;
    case Device::kPaymentTerminal:
      // Declined, cancelled, a transfer of another amount: the payment, not the terminal.
      return DeviceHealth::kOk;
    default:
      break;
  }
  return outcome.GetError().Class() == core::ErrorClass::kRetryable ? DeviceHealth::kOffline
                                                                    : DeviceHealth::kFault;
}

void Telemetry::Error(const std::string& code) {
  if (code.empty()) return;
  recent_errors.push_back(code);
  while (recent_errors.size() > 10) recent_errors.pop_front();
}

void Telemetry::Record(Device device, const core::Status& outcome) {
  health[device] = HealthAfter(device, outcome);
  if (!outcome) Error(outcome.GetError().Code());
}

DeviceHealth Telemetry::HealthOf(Device device) const {
  auto found = health.find(device);
  return found == health.end() ? DeviceHealth::kOk : found->second;
}

std::map<std::string, std::string> Telemetry::PeripheralStates() const {
  std::map<std::string, std::string> out;
  for (const Device d :
       {Device::kCardReader, Device::kScanner, Device::kPrinter, Device::kPaymentTerminal}) {
    out[ToString(d)] = ToString(HealthOf(d));
  }
  return out;
}

std::map<std::string, std::int64_t> Telemetry::CounterValues() const {
  return {{"journeys_started", journeys_started},     {"journeys_completed", journeys_completed},
          {"journeys_abandoned", journeys_abandoned}, {"card_reads_ok", card_reads_ok},
          {"card_reads_failed", card_reads_failed},   {"payments_ok", payments_ok},
          {"payments_declined", payments_declined},   {"help_calls", help_calls},
          {"assisted_sessions", assisted_sessions}};
}

}  // namespace kiosk::journey
